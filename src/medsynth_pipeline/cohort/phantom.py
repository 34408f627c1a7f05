"""Analytic pelvic phantom: soft-edged ellipsoids painted onto any grid, with partial volume.

The anatomy is continuous (defined in the reference T2w frame), so every sequence samples the same
patient at its own resolution, field of view and rigid misalignment. A voxel takes the fraction of each
structure it contains — estimated from the signed distance to the surface against the voxel's extent
along the surface normal — and mixes the structures' MR signals by those fractions (partial volume).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from medsynth_pipeline.cohort.geometry import Grid, RigidOffset, anatomy_sampling

_EPS = 1e-9


@dataclass(frozen=True)
class VoxelBox:
    """The voxel centres of a box of a grid: ``origin + i·edges[:, 0] + j·edges[:, 1] + k·edges[:, 2]``.

    Kept affine rather than as an array of points: every quantity the phantom needs is linear in the
    position before a nonlinearity, so it is built from three 1-D ramps by broadcasting (fast, little memory).
    """

    ii: np.ndarray  # (1, 1, ni) float32 column indices
    jj: np.ndarray  # (1, nj, 1) float32 row indices
    kk: np.ndarray  # (nk, 1, 1) float32 slice indices
    origin: np.ndarray  # physical point (mm) at index (0, 0, 0)
    edges: np.ndarray  # 3×3, columns = physical step per index axis (also the voxel's edge vectors)

    def linear(self, w: np.ndarray, bias: float = 0.0) -> np.ndarray:
        """``w · p + bias`` at every voxel, shape (nk, nj, ni)."""
        w = np.asarray(w, dtype=float)
        step = w @ self.edges
        return (
            np.float32(step[0]) * self.ii
            + np.float32(step[1]) * self.jj
            + (np.float32(step[2]) * self.kk + np.float32(w @ self.origin + bias))
        )


@dataclass(frozen=True)
class TissueProps:
    """One structure's MR properties for one patient (scalars; texture modulates them in space)."""

    pd: float
    t1_ms: float
    t2_ms: float
    adc: float
    ktrans: float
    dwi_pd: float = 1.0
    texture: float = 0.0


@dataclass(frozen=True)
class Texture:
    """Smooth random heterogeneity: a sum of plane waves (random Fourier features), unit variance."""

    wave_vectors: tuple[tuple[float, float, float], ...]  # rad/mm
    phases: tuple[float, ...]

    @classmethod
    def sample(
        cls, rng: np.random.Generator, wavelength_mm: tuple[float, float], n_waves: int = 10
    ) -> Texture:
        directions = rng.normal(size=(n_waves, 3))
        directions /= np.linalg.norm(directions, axis=1, keepdims=True)
        wavelengths = rng.uniform(*wavelength_mm, size=n_waves)
        vectors = directions * (2 * np.pi / wavelengths)[:, None]
        phases = rng.uniform(0, 2 * np.pi, size=n_waves)
        return cls(tuple(tuple(float(v) for v in row) for row in vectors), tuple(float(p) for p in phases))

    def __call__(self, sp: VoxelBox) -> np.ndarray:
        field_ = sum(
            np.cos(sp.linear(np.asarray(w), phase))
            for w, phase in zip(self.wave_vectors, self.phases, strict=True)
        )
        return np.clip(field_ * np.float32(np.sqrt(2.0 / len(self.phases))), -2.5, 2.5)


@dataclass(frozen=True)
class Ellipsoid:
    """Centre (mm), semi-axes (mm) and rotation (row-major 3×3, columns = local axes in LPS)."""

    centre: tuple[float, float, float]
    semi_axes: tuple[float, float, float]
    rotation: tuple[float, ...] = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0)

    @property
    def rotation_matrix(self) -> np.ndarray:
        return np.asarray(self.rotation, dtype=float).reshape(3, 3)

    def normalised_radius(self, points: np.ndarray) -> np.ndarray:
        """``|u|`` with ``u`` the point in the ellipsoid's unit-sphere frame: ≤ 1 inside."""
        u = (np.asarray(points) - np.asarray(self.centre)) @ self.rotation_matrix / np.asarray(self.semi_axes)
        return np.linalg.norm(u, axis=-1)

    def fraction(self, sp: VoxelBox, edge_mm: float) -> np.ndarray:
        """Fraction of each voxel of ``sp`` inside, smoothed over ``edge_mm`` (a fuzzy margin)."""
        rot, axes, centre = self.rotation_matrix, np.asarray(self.semi_axes), np.asarray(self.centre)
        # u = unit-sphere coordinates; g = gradient direction of |u| in the local frame.
        u = [sp.linear(rot[:, m] / axes[m], -float(rot[:, m] @ centre) / axes[m]) for m in range(3)]
        radius = np.sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2])
        g = [u[m] / np.float32(axes[m]) for m in range(3)]
        g_norm = np.sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]) + np.float32(_EPS)
        distance = (radius - 1.0) * radius / g_norm  # first-order signed distance to the surface (mm)
        local_edges = (rot.T @ sp.edges).astype(np.float32)
        extent = (
            sum(
                np.abs(g[0] * local_edges[0, i] + g[1] * local_edges[1, i] + g[2] * local_edges[2, i])
                for i in range(3)
            )
            / g_norm
        )  # the voxel's size along the surface normal
        width = np.sqrt(extent * extent + np.float32(edge_mm**2))
        return np.clip(0.5 - distance / width, 0.0, 1.0)


@dataclass(frozen=True)
class Structure:
    """A tissue region: union of ``shapes``, intersected with ``clip_to`` (e.g. a zone inside the prostate)."""

    name: str
    tissue: TissueProps
    shapes: tuple[Ellipsoid, ...]
    clip_to: tuple[Ellipsoid, ...] = ()
    edge_mm: float = 0.3
    texture: Texture | None = None

    def bounding_box(self) -> tuple[np.ndarray, np.ndarray]:
        """Axis-aligned box (LPS mm) around the union of the shapes."""
        lows, highs = [], []
        for s in self.shapes:
            half = np.sqrt(((s.rotation_matrix * np.asarray(s.semi_axes)) ** 2).sum(axis=1))
            lows.append(np.asarray(s.centre) - half)
            highs.append(np.asarray(s.centre) + half)
        return np.min(lows, axis=0), np.max(highs, axis=0)

    def fraction(self, sp: VoxelBox) -> np.ndarray:
        frac = self.shapes[0].fraction(sp, self.edge_mm)
        for shape in self.shapes[1:]:
            frac = np.maximum(frac, shape.fraction(sp, self.edge_mm))
        for clip in self.clip_to:
            frac = np.minimum(frac, clip.fraction(sp, 0.3))
        return frac

    def properties(self, sp: VoxelBox) -> dict[str, np.ndarray | float]:
        t = self.tissue
        props: dict[str, np.ndarray | float] = {
            "pd": t.pd,
            "t1_ms": t.t1_ms,
            "t2_ms": t.t2_ms,
            "adc": t.adc,
            "ktrans": t.ktrans,
            "dwi_pd": t.dwi_pd,
        }
        if self.texture is not None and t.texture > 0:
            # Denser tissue lowers T2 and ADC and raises perfusion together, so the modalities stay coherent.
            mod = np.float32(t.texture) * self.texture(sp)
            props["t2_ms"] = t.t2_ms * (1.0 + mod)
            props["adc"] = t.adc * (1.0 + mod)
            props["ktrans"] = t.ktrans * (1.0 - mod)
        return props


ChannelModel = Callable[[dict[str, np.ndarray | float]], np.ndarray]


def _index_box(
    structure: Structure, a: np.ndarray, b: np.ndarray, size: tuple[int, int, int], margin: float
) -> tuple[slice, slice, slice] | None:
    """Index ranges (k, j, i) of the grid that can meet ``structure`` (its box grown by ``margin`` mm)."""
    low, high = structure.bounding_box()
    corners = np.array(
        [
            [x, y, z]
            for x in (low[0] - margin, high[0] + margin)
            for y in (low[1] - margin, high[1] + margin)
            for z in (low[2] - margin, high[2] + margin)
        ]
    )
    index = np.linalg.solve(a, (corners - b).T).T
    lo = np.maximum(np.floor(index.min(axis=0)).astype(int), 0)
    hi = np.minimum(np.ceil(index.max(axis=0)).astype(int) + 1, np.asarray(size))
    if np.any(lo >= hi):
        return None
    return slice(lo[2], hi[2]), slice(lo[1], hi[1]), slice(lo[0], hi[0])


def render(
    grid: Grid,
    offset: RigidOffset | None,
    structures: list[Structure],
    model: ChannelModel,
    n_channels: int,
) -> np.ndarray:
    """Noise-free channels ``(C, nz, ny, nx)`` of ``structures`` (painted in order, later on top) on ``grid``.

    ``model`` turns tissue properties into the sequence's signals (one per channel); air is 0 everywhere.
    """
    nx, ny, nz = grid.size
    a, b = anatomy_sampling(grid, offset)
    out = np.zeros((n_channels, nz, ny, nx), dtype=np.float32)
    margin = float(np.abs(a).sum(axis=1).max())  # a voxel's reach beyond a surface
    for structure in structures:
        box = _index_box(structure, a, b, grid.size, margin + structure.edge_mm)
        if box is None:
            continue
        slices, rows, cols = box
        sp = VoxelBox(
            np.arange(cols.start, cols.stop, dtype=np.float32)[None, None, :],
            np.arange(rows.start, rows.stop, dtype=np.float32)[None, :, None],
            np.arange(slices.start, slices.stop, dtype=np.float32)[:, None, None],
            b,
            a,
        )
        frac = structure.fraction(sp)
        if not frac.any():
            continue
        values = np.asarray(model(structure.properties(sp)), dtype=np.float32)
        if values.ndim == 1:  # uniform tissue: one value per channel
            values = values[:, None, None, None]
        target = out[:, slices, rows, cols]
        target *= 1.0 - frac
        target += frac * np.broadcast_to(values, target.shape)
    return out
