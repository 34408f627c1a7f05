"""Whole axial slices from registered volumes, labelled lesion / no lesion, zero-padded to a power of two.

Seed 004 trains its GAN on whole slices (not lesion-centred patches): it drops the first and last slices of
each volume (little anatomy), discards slices whose 2D label is ambiguous, and zero-pads 240×240 to 256×256.
Here the label comes from the lesion centres (LPS mm) of the ``lesions`` table: a slice is a *lesion* slice
when a lesion centre lies within ``lesion_margin_mm`` of its plane (and inside its field of view), a
*no-lesion* slice when every lesion centre is farther than ``exclusion_margin_mm``; slices in between are
ambiguous and dropped — 004's discarding of ambiguous slices made automatic.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import SimpleITK as sitk

from medsynth_pipeline.imaging.patches.extract import normalise
from medsynth_pipeline.imaging.registration.volumes import load_volume

logger = logging.getLogger(__name__)

SLICE_METADATA_COLUMNS = ["patient_id", "slice_index", "z_mm", "is_lesion", "n_lesions", "clin_sig", "source"]


@dataclass(frozen=True)
class SliceRules:
    """How slices are chosen and labelled (all distances along the slice normal, in mm)."""

    lesion_margin_mm: float
    exclusion_margin_mm: float
    trim_fraction: float = 0.0

    def __post_init__(self) -> None:
        if self.lesion_margin_mm < 0 or self.exclusion_margin_mm < self.lesion_margin_mm:
            raise ValueError(
                "need 0 <= lesion_margin_mm <= exclusion_margin_mm, got "
                f"{self.lesion_margin_mm} and {self.exclusion_margin_mm}"
            )
        if not 0.0 <= self.trim_fraction < 0.5:
            raise ValueError(f"trim_fraction must be in [0, 0.5), got {self.trim_fraction}")


def next_power_of_two(n: int) -> int:
    if n < 1:
        raise ValueError(f"size must be positive, got {n}")
    return 1 << (n - 1).bit_length()


def pad_to_square(images: np.ndarray, size: int | None = None) -> np.ndarray:
    """Zero-pad ``[..., H, W]`` symmetrically to ``size × size`` (default: next power of two of max(H, W))."""
    h, w = images.shape[-2:]
    size = size or next_power_of_two(max(h, w))
    if size < max(h, w):
        raise ValueError(f"cannot pad {h}×{w} slices to the smaller size {size}")
    top, left = (size - h) // 2, (size - w) // 2
    pad = [(0, 0)] * (images.ndim - 2) + [(top, size - h - top), (left, size - w - left)]
    return np.pad(images, pad, mode="constant", constant_values=0)


def lesion_slice_distances(reference: sitk.Image, centres_lps: Iterable[Sequence[float]]) -> np.ndarray:
    """``[n_slices, n_lesions]`` distance (mm) of each lesion centre from each slice plane.

    A lesion whose centre projects outside the slice's in-plane field of view counts as infinitely far.
    """
    nx, ny, nz = reference.GetSize()
    dz = reference.GetSpacing()[2]
    columns = []
    for centre in centres_lps:
        ix, iy, iz = reference.TransformPhysicalPointToContinuousIndex(tuple(float(c) for c in centre))
        inside = -0.5 <= ix <= nx - 0.5 and -0.5 <= iy <= ny - 0.5
        columns.append(np.abs(np.arange(nz) - iz) * dz if inside else np.full(nz, np.inf))
    return np.stack(columns, axis=1) if columns else np.full((nz, 0), np.inf)


def label_slices(
    reference: sitk.Image,
    centres_lps: Sequence[Sequence[float]],
    rules: SliceRules,
    clin_sig: Sequence[bool] | None = None,
) -> pd.DataFrame:
    """One row per kept slice: ``slice_index, z_mm, is_lesion, n_lesions, clin_sig`` (ambiguous and trimmed
    slices dropped); ``clin_sig`` is True when a lesion of the slice is clinically significant."""
    nz = reference.GetSize()[2]
    significant = np.asarray(clin_sig if clin_sig is not None else [False] * len(centres_lps), dtype=bool)
    distances = lesion_slice_distances(reference, centres_lps)
    nearest = distances.min(axis=1) if distances.shape[1] else np.full(nz, np.inf)
    trim = int(np.floor(nz * rules.trim_fraction))
    rows = []
    for k in range(trim, nz - trim):
        if nearest[k] <= rules.lesion_margin_mm:
            is_lesion = True
        elif nearest[k] > rules.exclusion_margin_mm:
            is_lesion = False
        else:
            continue
        z_mm = reference.TransformIndexToPhysicalPoint((0, 0, k))[2]
        in_slice = distances[k] <= rules.lesion_margin_mm
        rows.append({"slice_index": k, "z_mm": float(z_mm), "is_lesion": is_lesion, "n_lesions": int(in_slice.sum()),
                     "clin_sig": bool(significant[in_slice].any())})
    return pd.DataFrame(rows, columns=["slice_index", "z_mm", "is_lesion", "n_lesions", "clin_sig"])


def volume_slices(
    volumes: Mapping[str, sitk.Image],
    channels: Sequence[str],
    normalisation: Mapping[str, Mapping],
    slice_indices: Sequence[int],
    source: str = "",
) -> np.ndarray:
    """``[N, C, H, W]`` float32 in [0, 1]: the chosen axial slices of the ``channels`` volumes.

    ``normalisation`` maps each channel to its window as the patches stage gives it
    (``{method: fixed|percentile, low, high}``, :func:`medsynth_pipeline.imaging.patches.extract.normalise`), so
    slices and patches share one intensity scale. All channels must share one grid (the registration
    stage's contract); ``source`` names the volumes in error messages.
    """
    missing = [kind for kind in channels if kind not in volumes]
    if missing:
        raise ValueError(f"{source}: missing sequence(s) {missing}; have {sorted(volumes)}")
    reference = volumes[channels[0]]
    stacks = []
    for kind in channels:
        image = volumes[kind]
        if image.GetSize() != reference.GetSize() or not np.allclose(image.GetSpacing(), reference.GetSpacing()):
            raise ValueError(
                f"{source}/{kind}: grid {image.GetSize()} @ {image.GetSpacing()} differs from "
                f"{channels[0]} {reference.GetSize()} @ {reference.GetSpacing()}; register the volumes first"
            )
        if kind not in normalisation:
            raise ValueError(f"{source}: no intensity window configured for {kind}; have {sorted(normalisation)}")
        array = sitk.GetArrayFromImage(normalise(image, normalisation[kind], f"{source}/{kind}"))  # [z, y, x]
        stacks.append(array[list(slice_indices)].astype(np.float32))
    return np.stack(stacks, axis=1) if stacks else np.zeros((0, 0, 0, 0), np.float32)


def extract_cohort_slices(
    patients: Mapping[str, Mapping[str, sitk.Image]],
    lesions: pd.DataFrame,
    channels: Sequence[str],
    normalisation: Mapping[str, Mapping],
    rules: SliceRules,
    pad_size: int | None = None,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Labelled whole slices of every patient: images ``[N, C, S, S]`` in [0, 1] and their metadata.

    ``patients`` maps patient id to ``{KIND: volume}`` (volumes or zero-argument loaders); ``lesions`` has
    ``patient_id, pos_x, pos_y, pos_z`` (LPS mm) and optionally ``clin_sig``. ``S`` is ``pad_size`` or the
    next power of two of the slice size; padding is zero, as in 004.
    """
    if not channels:
        raise ValueError("choose at least one channel (e.g. ['T2W'])")
    images, frames = [], []
    for patient_id in sorted(patients):
        volumes = {k: load_volume(v) for k, v in patients[patient_id].items() if k in channels}
        if channels[0] not in volumes:
            raise ValueError(f"{patient_id}: missing sequence {channels[0]}; have {sorted(patients[patient_id])}")
        reference = volumes[channels[0]]
        mine = lesions[lesions["patient_id"] == patient_id]
        centres = mine[["pos_x", "pos_y", "pos_z"]].to_numpy(dtype=float)
        significant = mine["clin_sig"].fillna(False).astype(bool).tolist() if "clin_sig" in mine else None
        labels = label_slices(reference, centres, rules, significant)
        if labels.empty:
            continue
        images.append(volume_slices(volumes, channels, normalisation, labels["slice_index"].tolist(), patient_id))
        frames.append(labels.assign(patient_id=patient_id, source="registered_volumes"))
    if not images:
        raise ValueError(f"no slice kept from {len(patients)} patient(s): check the margins and trim fraction")
    stacked = pad_to_square(np.concatenate(images), pad_size)
    metadata = pd.concat(frames, ignore_index=True)[SLICE_METADATA_COLUMNS]
    logger.info(
        "whole slices: %d (%d lesion, %d no-lesion) from %d patients, %s at %d×%d",
        len(metadata), int(metadata["is_lesion"].sum()), int((~metadata["is_lesion"]).sum()),
        metadata["patient_id"].nunique(), list(channels), stacked.shape[-2], stacked.shape[-1],
    )
    return stacked.astype(np.float32), metadata
