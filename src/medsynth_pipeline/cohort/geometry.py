"""Image grids (what a DICOM header or an ``.mhd`` says) and the rigid misalignment between sequences.

Conventions follow ITK/DICOM: physical space is patient LPS in millimetres; a grid maps the continuous
index ``(i, j, k)`` (column, row, slice) to ``origin + direction @ (spacing * index)``, the columns of
``direction`` being the unit vectors of the index axes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import SimpleITK as sitk

AXIAL = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0)
# Sagittal as scanners write it: along a row anterior→posterior, down a column head→feet; the slice axis is
# their cross product (towards the patient's right), as DICOM readers derive it from ImageOrientationPatient.
SAGITTAL = (0.0, 0.0, -1.0, 1.0, 0.0, 0.0, 0.0, -1.0, 0.0)
ORIENTATIONS = {"axial": AXIAL, "sagittal": SAGITTAL}


@dataclass(frozen=True)
class Grid:
    """A regular 3-D sampling grid: ``size`` (nx, ny, nz), ``spacing`` mm, ``origin`` mm, row-major ``direction``."""

    size: tuple[int, int, int]
    spacing: tuple[float, float, float]
    origin: tuple[float, float, float]
    direction: tuple[float, ...] = AXIAL

    @classmethod
    def centred(
        cls,
        centre: np.ndarray,
        size: tuple[int, int, int],
        spacing: tuple[float, float, float],
        direction: tuple[float, ...] = AXIAL,
    ) -> Grid:
        """The grid of ``size``/``spacing``/``direction`` whose field of view is centred on ``centre``."""
        d = np.asarray(direction, dtype=float).reshape(3, 3)
        half = (np.asarray(size, dtype=float) - 1.0) / 2.0 * np.asarray(spacing, dtype=float)
        origin = np.asarray(centre, dtype=float) - d @ half
        return cls(
            size=tuple(int(s) for s in size),
            spacing=tuple(float(s) for s in spacing),
            origin=tuple(round(float(v), 4) for v in origin),  # as a DICOM DS would keep it
            direction=tuple(float(v) for v in direction),
        )

    @property
    def direction_matrix(self) -> np.ndarray:
        return np.asarray(self.direction, dtype=float).reshape(3, 3)

    @property
    def voxel_to_physical(self) -> np.ndarray:
        """3×3 matrix taking an index step to a physical step (direction · diag(spacing))."""
        return self.direction_matrix * np.asarray(self.spacing, dtype=float)[None, :]

    def world_matrix(self) -> np.ndarray:
        """4×4 homogeneous index→LPS matrix (the ``WorldMatrix`` of ProstateX's image tables)."""
        m = np.eye(4)
        m[:3, :3] = self.voxel_to_physical
        m[:3, 3] = self.origin
        return m

    def physical_to_index(self, point: np.ndarray) -> np.ndarray:
        """Continuous index of a physical point."""
        return np.linalg.solve(
            self.voxel_to_physical, np.asarray(point, dtype=float) - np.asarray(self.origin)
        )

    def index_to_physical(self, index: np.ndarray) -> np.ndarray:
        return np.asarray(self.origin) + self.voxel_to_physical @ np.asarray(index, dtype=float)

    def slice_origin(self, k: int) -> np.ndarray:
        """ImagePositionPatient of slice ``k`` (centre of its first voxel)."""
        return self.index_to_physical(np.array([0.0, 0.0, float(k)]))

    def image_orientation_patient(self) -> list[float]:
        """DICOM ImageOrientationPatient: direction of the row (i axis), then of the column (j axis)."""
        d = self.direction_matrix
        return [float(v) for v in (*d[:, 0], *d[:, 1])]

    def crop_around(self, point: np.ndarray, half_size_mm: float) -> Grid:
        """The part of this grid (same voxel lattice) within ``half_size_mm`` of ``point`` along each index axis."""
        centre = self.physical_to_index(point)
        reach = np.ceil(half_size_mm / np.asarray(self.spacing))
        lo = np.clip(np.floor(centre - reach), 0, np.asarray(self.size) - 1).astype(int)
        hi = np.clip(np.ceil(centre + reach) + 1, lo + 1, np.asarray(self.size)).astype(int)
        origin = self.index_to_physical(lo.astype(float))
        return Grid(
            tuple(int(v) for v in hi - lo), self.spacing, tuple(float(v) for v in origin), self.direction
        )

    def to_image(self, array_zyx: np.ndarray) -> sitk.Image:
        """A SimpleITK image of ``array_zyx`` (numpy order z, y, x) on this grid."""
        if tuple(array_zyx.shape[::-1]) != tuple(self.size):
            raise ValueError(f"array of shape {array_zyx.shape} does not fit grid size {self.size} (x, y, z)")
        image = sitk.GetImageFromArray(array_zyx)
        image.SetSpacing(self.spacing)
        image.SetOrigin(self.origin)
        image.SetDirection(self.direction)
        return image


@dataclass(frozen=True)
class RigidOffset:
    """A rigid motion between two acquisitions, as ``SimpleITK.Euler3DTransform``.

    It maps a point of the reference (T2w) physical space to the point where the same anatomy appears in
    the moving image's physical space: ``T(p) = R (p - centre) + centre + translation``, ``R`` from the
    Euler angles (degrees here; ITK's default Z·X·Y composition). This is the transform
    ``SimpleITK.ImageRegistrationMethod`` returns for fixed = T2w, moving = this sequence.
    """

    translation_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)
    rotation_deg: tuple[float, float, float] = (0.0, 0.0, 0.0)
    centre_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def to_sitk(self) -> sitk.Euler3DTransform:
        rx, ry, rz = np.deg2rad(self.rotation_deg)
        return sitk.Euler3DTransform(self.centre_mm, float(rx), float(ry), float(rz), self.translation_mm)

    @property
    def rotation_matrix(self) -> np.ndarray:
        return np.asarray(self.to_sitk().GetMatrix(), dtype=float).reshape(3, 3)

    def apply(self, points: np.ndarray) -> np.ndarray:
        """Reference-space points (…, 3) → where that anatomy lies in the moving image."""
        c = np.asarray(self.centre_mm)
        return (
            (np.asarray(points, dtype=float) - c) @ self.rotation_matrix.T
            + c
            + np.asarray(self.translation_mm)
        )

    def inverse_apply(self, points: np.ndarray) -> np.ndarray:
        """Moving-image points (…, 3) → the reference-space anatomy seen there."""
        c = np.asarray(self.centre_mm)
        return (
            np.asarray(points, dtype=float) - c - np.asarray(self.translation_mm)
        ) @ self.rotation_matrix + c


def anatomy_sampling(grid: Grid, offset: RigidOffset | None) -> tuple[np.ndarray, np.ndarray]:
    """``(A, b)`` with ``anatomy_point = A @ index + b`` for every voxel of ``grid``.

    The anatomy model lives in the reference (T2w) frame; a moving sequence sees it displaced by ``offset``,
    so its voxel at physical ``q`` shows the anatomy at ``offset⁻¹(q)``.
    """
    a = grid.voxel_to_physical
    b = np.asarray(grid.origin, dtype=float)
    if offset is None:
        return a, b
    r = offset.rotation_matrix
    c = np.asarray(offset.centre_mm)
    return r.T @ a, r.T @ (b - c - np.asarray(offset.translation_mm)) + c
