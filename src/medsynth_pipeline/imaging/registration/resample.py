"""Working grids, crops and resampling in physical (LPS millimetre) space with SimpleITK.

Every function here reasons in physical coordinates, never in voxel indices of one series: T2w, ADC and
Ktrans come with different spacings, fields of view and origins, and only millimetres are shared.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import SimpleITK as sitk

CROP_CENTRE_RULES = ("findings_centroid", "image_centre")


def image_centre(image: sitk.Image) -> tuple[float, float, float]:
    """Physical centre of an image's field of view."""
    centre_index = [(n - 1) / 2 for n in image.GetSize()]
    return tuple(float(v) for v in image.TransformContinuousIndexToPhysicalPoint(centre_index))


def choose_crop_centre(
    rule: str, reference: sitk.Image, findings_lps: np.ndarray | Sequence[Sequence[float]]
) -> tuple[tuple[float, float, float], str]:
    """The point the prostate crop is centred on, and the rule that produced it.

    ``findings_centroid``: the mean position of the patient's findings (ProstateX ships no prostate
    masks, but every finding lies in the gland); patients without findings fall back to the
    ``image_centre`` of the reference (T2w), where prostate protocols place the gland.
    """
    if rule not in CROP_CENTRE_RULES:
        raise ValueError(f"crop centre rule must be one of {CROP_CENTRE_RULES}, got {rule!r}")
    points = np.asarray(findings_lps, dtype=float).reshape(-1, 3)
    points = points[np.isfinite(points).all(axis=1)]
    if rule == "findings_centroid" and len(points):
        return tuple(float(v) for v in points.mean(axis=0)), "findings_centroid"
    return image_centre(reference), "image_centre"


def physical_region(image: sitk.Image, centre: Sequence[float], size_mm: Sequence[float], label: str = "") -> sitk.Image:
    """The part of ``image`` inside a box of ``size_mm`` (image axes) centred on ``centre``, clipped to the image."""
    direction = np.asarray(image.GetDirection(), dtype=float).reshape(3, 3)
    half = np.asarray(size_mm, dtype=float) / 2
    corners = [np.asarray(centre) + direction @ ((2 * np.array(s) - 1) * half) for s in np.ndindex(2, 2, 2)]
    indices = np.array([image.TransformPhysicalPointToContinuousIndex(tuple(c)) for c in corners])
    size = np.asarray(image.GetSize())
    low = np.clip(np.floor(indices.min(axis=0)), 0, size - 1).astype(int)
    high = np.clip(np.ceil(indices.max(axis=0)), 0, size - 1).astype(int)
    if np.any(indices.max(axis=0) < 0) or np.any(indices.min(axis=0) > size - 1):
        raise ValueError(f"{label or 'image'}: the box of {list(size_mm)} mm around {list(centre)} lies outside the image")
    extent = (high - low + 1).tolist()
    return sitk.RegionOfInterest(image, [int(e) for e in extent], [int(v) for v in low])


def working_grid(
    reference: sitk.Image,
    centre: Sequence[float],
    size_px: Sequence[int],
    spacing_xy_mm: float,
    spacing_z_mm: float | None = None,
    depth_mm: float | None = None,
) -> sitk.Image:
    """An empty float32 grid in the orientation of ``reference``, ``size_px`` in-plane around ``centre``.

    In-plane the grid has ``spacing_xy_mm``; along the slice axis it keeps the reference's slice
    spacing (``spacing_z_mm`` None) and its slice positions, so slices are not interpolated, and covers
    the reference's whole slice range or ``depth_mm`` around the centre.
    """
    direction = np.asarray(reference.GetDirection(), dtype=float).reshape(3, 3)
    ref_sz = reference.GetSpacing()[2]
    sz = float(spacing_z_mm or ref_sz)
    centre_index_z = reference.TransformPhysicalPointToContinuousIndex(tuple(float(c) for c in centre))[2]
    first_offset = -centre_index_z * ref_sz  # from the centre to the reference's first slice, along the slice axis
    n_slices = int(np.floor((reference.GetSize()[2] - 1) * ref_sz / sz + 1e-6)) + 1
    if depth_mm is not None:
        first_slice = int(np.ceil((-depth_mm / 2 - first_offset) / sz - 1e-6))
        last_slice = int(np.floor((depth_mm / 2 - first_offset) / sz + 1e-6))
        first_slice, last_slice = max(first_slice, 0), min(last_slice, n_slices - 1)
        first_offset += first_slice * sz
        n_slices = max(last_slice - first_slice + 1, 1)
    nx, ny = (int(v) for v in size_px)
    offset = np.array([-spacing_xy_mm * (nx - 1) / 2, -spacing_xy_mm * (ny - 1) / 2, first_offset])
    grid = sitk.Image([nx, ny, n_slices], sitk.sitkFloat32)
    grid.SetSpacing((float(spacing_xy_mm), float(spacing_xy_mm), sz))
    grid.SetDirection(tuple(direction.ravel()))
    grid.SetOrigin(tuple(np.asarray(centre, dtype=float) + direction @ offset))
    return grid


def resample_onto(
    image: sitk.Image,
    grid: sitk.Image,
    transform: sitk.Transform | None = None,
    antialias: bool = True,
    default_value: float = 0.0,
) -> sitk.Image:
    """``image`` (through ``transform``, fixed→moving) on ``grid`` as float32, linearly interpolated.

    With ``antialias`` an axis sampled more coarsely than acquired (T2w 0.5 mm → 1 mm) is first smoothed
    by a Gaussian whose variance makes up the difference, so fine texture does not alias. Only the part
    of ``image`` the grid reaches is smoothed.
    """
    transform = transform or sitk.Transform()
    source = sitk.Cast(image, sitk.sitkFloat32)
    if antialias:
        source_spacing = np.asarray(source.GetSpacing())
        target_spacing = np.asarray(grid.GetSpacing())
        sigmas = np.sqrt(np.clip(target_spacing**2 - source_spacing**2, 0, None)) / 2  # mm, per image axis
        if np.any(sigmas > 0):
            source = _reached_region(source, grid, transform, margin_mm=3 * float(sigmas.max()) + 2 * float(source_spacing.max()))
            for axis, sigma in enumerate(sigmas):
                if sigma > 0:
                    source = sitk.RecursiveGaussian(source, float(sigma), False, sitk.RecursiveGaussianImageFilter.ZeroOrder, axis)
    return sitk.Resample(source, grid, transform, sitk.sitkLinear, float(default_value), sitk.sitkFloat32)


def _reached_region(image: sitk.Image, grid: sitk.Image, transform: sitk.Transform, margin_mm: float) -> sitk.Image:
    """The part of ``image`` within ``margin_mm`` of where the (transformed) grid samples it."""
    corners = [
        transform.TransformPoint(grid.TransformContinuousIndexToPhysicalPoint([c * (n - 1) for c, n in zip(corner, grid.GetSize(), strict=True)]))
        for corner in np.ndindex(2, 2, 2)
    ]
    index = np.array([image.TransformPhysicalPointToContinuousIndex(c) for c in corners])
    pad = margin_mm / np.asarray(image.GetSpacing())
    size = np.asarray(image.GetSize())
    low = np.clip(np.floor(index.min(axis=0) - pad), 0, size - 1).astype(int)
    high = np.clip(np.ceil(index.max(axis=0) + pad), 0, size - 1).astype(int)
    if np.any(index.max(axis=0) + pad < 0) or np.any(index.min(axis=0) - pad > size - 1):
        return image  # the grid misses the image altogether: resampling gives the default value anyway
    return sitk.RegionOfInterest(image, [int(v) for v in high - low + 1], [int(v) for v in low])


def inside_fraction(image: sitk.Image, grid: sitk.Image, transform: sitk.Transform | None = None) -> float:
    """Fraction of ``grid`` voxels whose (transformed) position falls inside ``image``'s field of view."""
    ones = sitk.Image(image.GetSize(), sitk.sitkUInt8) + 1
    ones.CopyInformation(image)
    mask = sitk.Resample(ones, grid, transform or sitk.Transform(), sitk.sitkNearestNeighbor, 0, sitk.sitkUInt8)
    return float(sitk.GetArrayViewFromImage(mask).mean())


def findings_of(lesions: pd.DataFrame, patient_id: str) -> np.ndarray:
    """A patient's finding positions (LPS mm) as an (n, 3) array, from a ``lesions`` table."""
    rows = lesions.loc[lesions["patient_id"] == patient_id, ["pos_x", "pos_y", "pos_z"]]
    return rows.to_numpy(dtype=float, na_value=np.nan)
