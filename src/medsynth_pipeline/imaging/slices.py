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

logger = logging.getLogger(__name__)

SLICE_METADATA_COLUMNS = ["patient_id", "slice_index", "z_mm", "is_lesion", "n_lesions", "source"]


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


def normalise_window(array: np.ndarray, low: float, high: float) -> np.ndarray:
    """Linear map of ``[low, high]`` to ``[0, 1]``, clipped."""
    if high <= low:
        raise ValueError(f"intensity window must have high > low, got [{low}, {high}]")
    return np.clip((array.astype(np.float32) - low) / (high - low), 0.0, 1.0)


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


def label_slices(reference: sitk.Image, centres_lps: Sequence[Sequence[float]], rules: SliceRules) -> pd.DataFrame:
    """One row per kept slice: ``slice_index, z_mm, is_lesion, n_lesions`` (ambiguous and trimmed slices dropped)."""
    nz = reference.GetSize()[2]
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
        n_lesions = int((distances[k] <= rules.lesion_margin_mm).sum())
        rows.append({"slice_index": k, "z_mm": float(z_mm), "is_lesion": is_lesion, "n_lesions": n_lesions})
    return pd.DataFrame(rows, columns=["slice_index", "z_mm", "is_lesion", "n_lesions"])


def volume_slices(
    volumes: Mapping[str, sitk.Image],
    channels: Sequence[str],
    windows: Mapping[str, Sequence[float]],
    slice_indices: Sequence[int],
    source: str = "",
) -> np.ndarray:
    """``[N, C, H, W]`` float32 in [0, 1]: the chosen axial slices of the ``channels`` volumes, windowed.

    All channels must share one grid (the registration stage's contract); ``source`` names the volumes in
    error messages.
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
        if kind not in windows:
            raise ValueError(f"{source}: no intensity window configured for {kind}; have {sorted(windows)}")
        low, high = windows[kind]
        array = sitk.GetArrayFromImage(image)  # [z, y, x]
        stacks.append(normalise_window(array[list(slice_indices)], low, high))
    return np.stack(stacks, axis=1) if stacks else np.zeros((0, 0, 0, 0), np.float32)


def extract_cohort_slices(
    patients: Mapping[str, Mapping[str, sitk.Image]],
    lesions: pd.DataFrame,
    channels: Sequence[str],
    windows: Mapping[str, Sequence[float]],
    rules: SliceRules,
    pad_size: int | None = None,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Labelled whole slices of every patient: images ``[N, C, S, S]`` in [0, 1] and their metadata.

    ``patients`` maps patient id to ``{KIND: volume}``; ``lesions`` has ``patient_id, pos_x, pos_y, pos_z``
    (LPS mm). ``S`` is ``pad_size`` or the next power of two of the slice size; padding is zero, as in 004.
    """
    if not channels:
        raise ValueError("choose at least one channel (e.g. ['T2W'])")
    images, frames = [], []
    for patient_id in sorted(patients):
        volumes = patients[patient_id]
        if channels[0] not in volumes:
            raise ValueError(f"{patient_id}: missing sequence {channels[0]}; have {sorted(volumes)}")
        reference = volumes[channels[0]]
        mine = lesions[lesions["patient_id"] == patient_id]
        centres = mine[["pos_x", "pos_y", "pos_z"]].to_numpy(dtype=float)
        labels = label_slices(reference, centres, rules)
        if labels.empty:
            continue
        images.append(volume_slices(volumes, channels, windows, labels["slice_index"].tolist(), patient_id))
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
