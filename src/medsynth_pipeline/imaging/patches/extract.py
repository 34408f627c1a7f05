"""Patches from registered volumes: lesion-centred or volume-centred, any size in mm and pixels, [0, 1] channels.

A patch is an axial plane of the volume's orientation, ``size_px`` pixels of ``size_mm / size_px`` mm,
whose centre pixel position ((size_px - 1) / 2) is the requested point: a lesion at a known position lands
exactly at the patch centre in-plane. Along the slice axis the centre snaps to the nearest acquired slice
(``snap_to_slice``) so patches are never blends of two slices 3 mm apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import SimpleITK as sitk

CENTRE_MODES = ("lesion", "volume")


@dataclass(frozen=True)
class PatchSpec:
    """One preset: the patch geometry, its channels in order, and where patches are centred.

    ``centre_on: lesion`` centres patches on findings (seeds 000, 001); ``volume`` takes the whole
    prostate crop in-plane at the finding's slice (seed 002's slice-level 64×64 registered crops).
    """

    size_px: int
    size_mm: float
    channels: tuple[str, ...]
    centre_on: str = "lesion"
    snap_to_slice: bool = True
    min_inside_fraction: float = 0.75

    def __post_init__(self) -> None:
        if self.size_px < 1 or self.size_mm <= 0:
            raise ValueError(f"patch size must be positive, got {self.size_px} px / {self.size_mm} mm")
        if not self.channels:
            raise ValueError("a patch preset needs at least one channel")
        if self.centre_on not in CENTRE_MODES:
            raise ValueError(f"centre_on must be one of {CENTRE_MODES}, got {self.centre_on!r}")

    @property
    def spacing_mm(self) -> float:
        return float(self.size_mm) / int(self.size_px)

    @classmethod
    def from_params(cls, params: Mapping) -> PatchSpec:
        values = dict(params)
        values["channels"] = tuple(str(c).upper() for c in values.get("channels", ()))
        known = set(cls.__dataclass_fields__)
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"patch preset: unknown keys {sorted(unknown)}; known: {sorted(known)}")
        return cls(**values)


def normalise(image: sitk.Image, window: Mapping, source: str = "") -> sitk.Image:
    """``image`` mapped linearly to [0, 1] (clipped) through a window, geometry kept.

    ``{method: fixed, low, high}`` uses physical units (ADC, Ktrans: quantitative maps, one window for
    every patient keeps values comparable); ``{method: percentile, low, high}`` takes those percentiles
    of this volume (T2w: arbitrary units that vary with scanner and coil).
    """
    array = sitk.GetArrayFromImage(image).astype(np.float32)
    method = window.get("method", "fixed")
    if method == "fixed":
        low, high = float(window["low"]), float(window["high"])
    elif method == "percentile":
        finite = array[np.isfinite(array)]
        if finite.size == 0:
            raise ValueError(f"{source}: no finite voxel to take percentiles from")
        low, high = (float(v) for v in np.percentile(finite, [float(window["low"]), float(window["high"])]))
    else:
        raise ValueError(f"{source}: normalisation method must be 'fixed' or 'percentile', got {method!r}")
    if not high > low:
        raise ValueError(f"{source}: empty intensity window [{low}, {high}] ({method})")
    scaled = np.clip((np.nan_to_num(array, nan=low) - low) / (high - low), 0.0, 1.0)
    out = sitk.GetImageFromArray(scaled.astype(np.float32))
    out.CopyInformation(image)
    return out


def snap_to_slice(volume: sitk.Image, point: Sequence[float]) -> tuple[float, float, float]:
    """``point`` moved along the slice axis onto the nearest slice plane of ``volume`` (in-plane unchanged)."""
    index = np.asarray(volume.TransformPhysicalPointToContinuousIndex(tuple(float(p) for p in point)))
    k = float(np.clip(np.round(index[2]), 0, volume.GetSize()[2] - 1))
    direction = np.asarray(volume.GetDirection()).reshape(3, 3)
    shift = (k - index[2]) * volume.GetSpacing()[2] * direction[:, 2]
    return tuple(float(v) for v in np.asarray(point, dtype=float) + shift)


def patch_plane(volume: sitk.Image, centre: Sequence[float], size_px: int, spacing_mm: float) -> sitk.Image:
    """A one-slice grid of ``size_px``² in the volume's orientation whose centre pixel position is ``centre``."""
    direction = np.asarray(volume.GetDirection()).reshape(3, 3)
    half = spacing_mm * (size_px - 1) / 2
    grid = sitk.Image([int(size_px), int(size_px), 1], sitk.sitkFloat32)
    grid.SetSpacing((spacing_mm, spacing_mm, volume.GetSpacing()[2]))
    grid.SetDirection(volume.GetDirection())
    grid.SetOrigin(tuple(np.asarray(centre, dtype=float) + direction @ np.array([-half, -half, 0.0])))
    return grid


def inside_fraction_of_plane(volume: sitk.Image, plane: sitk.Image) -> float:
    """Fraction of the plane's pixels that fall inside the volume (half a voxel beyond the edge counts)."""
    ones = sitk.Image(volume.GetSize(), sitk.sitkUInt8) + 1
    ones.CopyInformation(volume)
    mask = sitk.Resample(ones, plane, sitk.Transform(), sitk.sitkNearestNeighbor, 0, sitk.sitkUInt8)
    return float(sitk.GetArrayViewFromImage(mask).mean())


def extract_patch(
    volumes: Mapping[str, sitk.Image], centre: Sequence[float], spec: PatchSpec, source: str = ""
) -> tuple[np.ndarray, tuple[float, float, float], float]:
    """``[C, H, W]`` float32 patch of the ``spec.channels`` volumes (already normalised) around ``centre``.

    Returns the patch, the centre actually used (snapped to a slice) and the fraction of the patch inside
    the volume; pixels beyond the volume's edge repeat the nearest edge value.
    """
    missing = [kind for kind in spec.channels if kind not in volumes]
    if missing:
        raise ValueError(f"{source}: missing registered sequence(s) {missing}; have {sorted(volumes)}")
    reference = volumes[spec.channels[0]]
    used = snap_to_slice(reference, centre) if spec.snap_to_slice else tuple(float(c) for c in centre)
    plane = patch_plane(reference, used, spec.size_px, spec.spacing_mm)
    inside = inside_fraction_of_plane(reference, plane)
    channels = []
    for kind in spec.channels:
        sampled = sitk.Resample(
            volumes[kind], plane, sitk.Transform(), sitk.sitkLinear, 0.0, sitk.sitkFloat32, True
        )
        channels.append(sitk.GetArrayFromImage(sampled)[0])
    return np.stack(channels).astype(np.float32), used, inside


def volume_centre_at(volume: sitk.Image, point: Sequence[float]) -> tuple[float, float, float]:
    """The in-plane centre of ``volume`` on the slice plane through ``point``."""
    nx, ny, _ = volume.GetSize()
    k = volume.TransformPhysicalPointToContinuousIndex(tuple(float(p) for p in point))[2]
    return tuple(float(v) for v in volume.TransformContinuousIndexToPhysicalPoint(((nx - 1) / 2, (ny - 1) / 2, k)))


def background_centres(
    volume: sitk.Image,
    lesion_points: np.ndarray,
    count: int,
    semi_axes_mm: Sequence[float],
    min_distance_mm: float,
    rng: np.random.Generator,
    slice_only: bool = False,
    max_tries: int = 2000,
) -> list[tuple[float, float, float]]:
    """Up to ``count`` patch centres in the prostate region, each ``min_distance_mm`` from every lesion centre.

    Candidates are uniform in an ellipsoid of ``semi_axes_mm`` (image axes) around the volume's centre,
    the registration crop being centred on the prostate, and snapped to a slice. With ``slice_only``
    (volume-centred presets) only the distance along the slice axis counts and each slice is used once.
    Fewer centres come back when lesions leave no room.
    """
    direction = np.asarray(volume.GetDirection()).reshape(3, 3)
    centre = np.asarray(volume.TransformContinuousIndexToPhysicalPoint([(n - 1) / 2 for n in volume.GetSize()]))
    lesions = np.asarray(lesion_points, dtype=float).reshape(-1, 3)
    axes = np.asarray(semi_axes_mm, dtype=float)
    chosen: list[tuple[float, float, float]] = []
    used_slices: set[int] = set()
    for _ in range(max_tries):
        if len(chosen) >= count:
            break
        unit = rng.uniform(-1, 1, size=3)
        if np.sum(unit**2) > 1:
            continue
        candidate = snap_to_slice(volume, centre + direction @ (unit * axes))
        offsets = (lesions - np.asarray(candidate)) @ direction  # in image axes: [:, 2] is along the slice normal
        distances = np.abs(offsets[:, 2]) if slice_only else np.linalg.norm(offsets, axis=1)
        if np.all(distances >= min_distance_mm):
            k = int(round(volume.TransformPhysicalPointToContinuousIndex(candidate)[2]))
            if slice_only and k in used_slices:
                continue
            used_slices.add(k)
            chosen.append(candidate)
    return chosen


@dataclass(frozen=True)
class BackgroundSpec:
    """Non-lesion patches per patient (classifier negatives), from ``patches.background``."""

    per_patient: int
    semi_axes_mm: tuple[float, float, float]
    min_lesion_distance_mm: float

    @classmethod
    def from_params(cls, params: Mapping) -> BackgroundSpec:
        axes = tuple(float(v) for v in params["region_semi_axes_mm"])
        if len(axes) != 3 or min(axes) < 0:
            raise ValueError(f"patches.background.region_semi_axes_mm must be 3 non-negative numbers, got {axes}")
        return cls(int(params["per_patient"]), axes, float(params["min_lesion_distance_mm"]))


def _label_columns(finding: Mapping | None) -> dict:
    if finding is None:
        return {"fid": None, "is_lesion": False, "clin_sig": False, "ggg": None, "gleason_score": None, "zone": None}
    return {
        "fid": finding.get("fid"),
        "is_lesion": True,
        "clin_sig": _flag(finding.get("clin_sig")),
        "ggg": finding.get("ggg"),
        "gleason_score": finding.get("gleason"),
        "zone": finding.get("zone"),
    }


def _flag(value: object) -> bool:
    return False if value is None or pd.isna(value) else bool(value)


def _most_significant_first(findings: list[Mapping]) -> list[Mapping]:
    def severity(f: Mapping) -> tuple:
        ggg = f.get("ggg")
        return (_flag(f.get("clin_sig")), -1 if pd.isna(ggg) else int(ggg))

    return sorted(findings, key=severity, reverse=True)


def patient_patches(
    patient_id: str,
    volumes: Mapping[str, sitk.Image],
    findings: Sequence[Mapping],
    spec: PatchSpec,
    background: BackgroundSpec,
    rng: np.random.Generator,
) -> tuple[list[np.ndarray], list[dict], list[str]]:
    """One patient's lesion and background patches, their label rows, and why any finding was skipped.

    ``findings`` are rows of the ``lesions`` table (``fid, pos_x/y/z, zone, clin_sig, ggg, gleason``).
    Volume-centred presets make one patch per slice; a slice with several findings carries the labels of
    the most significant one (ClinSig first, then highest grade group).
    """
    reference = volumes[spec.channels[0]]
    images: list[np.ndarray] = []
    rows: list[dict] = []
    skipped: list[str] = []
    seen_slices: set[int] = set()
    for finding in _most_significant_first(list(findings)):
        position = (float(finding["pos_x"]), float(finding["pos_y"]), float(finding["pos_z"]))
        if not np.all(np.isfinite(position)):
            skipped.append(f"{patient_id} finding {finding.get('fid')}: no position")
            continue
        centre = volume_centre_at(reference, position) if spec.centre_on == "volume" else position
        if spec.centre_on == "volume":
            k = int(np.round(reference.TransformPhysicalPointToContinuousIndex(position)[2]))
            if k in seen_slices:
                continue
            seen_slices.add(k)
        patch, used, inside = extract_patch(volumes, centre, spec, source=patient_id)
        if inside < spec.min_inside_fraction:
            skipped.append(
                f"{patient_id} finding {finding.get('fid')}: only {inside:.0%} of the patch lies inside the "
                f"registered volume (min_inside_fraction {spec.min_inside_fraction:.0%})"
            )
            continue
        images.append(patch)
        rows.append({"patient_id": patient_id, **_label_columns(finding), **_centre_columns(used)})
    lesion_points = np.array(
        [[float(f["pos_x"]), float(f["pos_y"]), float(f["pos_z"])] for f in findings], dtype=float
    ).reshape(-1, 3)
    lesion_points = lesion_points[np.isfinite(lesion_points).all(axis=1)]
    for centre in background_centres(
        reference,
        lesion_points,
        background.per_patient,
        background.semi_axes_mm,
        background.min_lesion_distance_mm,
        rng,
        slice_only=spec.centre_on == "volume",
    ):
        point = volume_centre_at(reference, centre) if spec.centre_on == "volume" else centre
        patch, used, inside = extract_patch(volumes, point, spec, source=patient_id)
        if inside >= spec.min_inside_fraction:
            images.append(patch)
            rows.append({"patient_id": patient_id, **_label_columns(None), **_centre_columns(used)})
    return images, rows, skipped


def _centre_columns(point: Sequence[float]) -> dict:
    return {"center_x": float(point[0]), "center_y": float(point[1]), "center_z": float(point[2])}
