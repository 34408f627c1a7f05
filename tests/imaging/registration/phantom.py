"""A small analytic pelvis phantom seen by two 'sequences' with a known rigid offset between them.

Structures are smooth-edged ellipsoids placed asymmetrically (so every rotation is observable) with
different, non-monotonic contrasts per sequence (so only mutual information can align them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import SimpleITK as sitk

# name: (centre mm, semi-axes mm, T2w value, ADC value)
STRUCTURES = {
    "body": ((0.0, 0.0, 0.0), (70.0, 55.0, 60.0), 300.0, 2200.0),
    "prostate": ((4.0, 6.0, 0.0), (20.0, 16.0, 18.0), 600.0, 1500.0),
    "bladder": ((-3.0, -22.0, 22.0), (22.0, 16.0, 14.0), 1100.0, 2900.0),
    "rectum": ((2.0, 30.0, -4.0), (11.0, 9.0, 30.0), 150.0, 900.0),
    "lesion": ((12.0, 10.0, 5.0), (6.0, 5.0, 5.0), 250.0, 700.0),
    "bone": ((-40.0, 8.0, -10.0), (10.0, 14.0, 25.0), 80.0, 400.0),
}


def make_grid(size: Sequence[int], spacing: Sequence[float], centre: Sequence[float] = (0.0, 0.0, 0.0)) -> sitk.Image:
    image = sitk.Image([int(s) for s in size], sitk.sitkFloat32)
    image.SetSpacing(tuple(float(s) for s in spacing))
    origin = np.asarray(centre, dtype=float) - np.asarray(spacing) * (np.asarray(size) - 1) / 2
    image.SetOrigin(tuple(origin))
    return image


def rigid(rotation_deg: Sequence[float], translation_mm: Sequence[float], centre=(0.0, 0.0, 0.0)) -> sitk.Euler3DTransform:
    t = sitk.Euler3DTransform()
    t.SetCenter(tuple(float(c) for c in centre))
    t.SetRotation(*(math.radians(a) for a in rotation_deg))
    t.SetTranslation(tuple(float(v) for v in translation_mm))
    return t


def _physical_points(grid: sitk.Image) -> np.ndarray:
    nx, ny, nz = grid.GetSize()
    k, j, i = np.meshgrid(np.arange(nz), np.arange(ny), np.arange(nx), indexing="ij")
    index = np.stack([i, j, k], axis=-1).reshape(-1, 3).astype(float)
    direction = np.asarray(grid.GetDirection()).reshape(3, 3)
    return np.asarray(grid.GetOrigin()) + (index * np.asarray(grid.GetSpacing())) @ direction.T


def render(grid: sitk.Image, contrast: str, world_to_anatomy: sitk.Transform | None = None, noise: float = 0.0, seed: int = 0) -> sitk.Image:
    """Sample the phantom on ``grid``; ``world_to_anatomy`` maps grid points into the anatomy frame."""
    points = _physical_points(grid)
    if world_to_anatomy is not None:
        points = np.array([world_to_anatomy.TransformPoint(tuple(p)) for p in points])
    column = 2 if contrast == "T2W" else 3
    values = np.zeros(len(points))
    for centre, axes, *contrasts in STRUCTURES.values():
        r = np.sqrt((((points - np.asarray(centre)) / np.asarray(axes)) ** 2).sum(axis=1))
        weight = 1 / (1 + np.exp((r - 1) * 12))  # smooth edge, a few mm wide: partial volume
        values = values * (1 - weight) + contrasts[column - 2] * weight
    values = values + np.random.default_rng(seed).normal(0, noise, len(values))
    image = sitk.GetImageFromArray(values.reshape(grid.GetSize()[::-1]).astype(np.float32))
    image.CopyInformation(grid)
    return image


def misaligned_pair(offset: sitk.Euler3DTransform, t2w_spacing=(0.8, 0.8, 3.0), t2w_size=(120, 120, 16),
                    adc_spacing=(2.0, 2.0, 3.0), adc_size=(56, 50, 16), adc_fov_shift=(6.0, -4.0, 1.5)):
    """(T2w, ADC) where the ADC anatomy is displaced so that ``offset`` (fixed→moving) realigns it."""
    t2w = render(make_grid(t2w_size, t2w_spacing), "T2W", noise=10.0, seed=1)
    # A moving-space point q shows the anatomy at offset⁻¹(q): then M(offset(p)) = anatomy(p).
    adc = render(make_grid(adc_size, adc_spacing, adc_fov_shift), "ADC", offset.GetInverse(), noise=40.0, seed=2)
    return t2w, adc
