"""Slices to volumes: split a series into stacks and check that each stack is one regular 3-D grid.

A *slice* is one single-frame file or one frame of a multi-frame object. A series whose slices repeat
positions (several b-values, echoes or time points) is split into stacks by the first tag that separates
them. A stack is accepted only if its slices share orientation, matrix size and pixel spacing and lie at
evenly spaced positions along the slice normal; otherwise it is rejected with the reason.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from medsynth_pipeline.imaging.ingest.rejections import Reason

#: Tags that separate stacks sharing slice positions, tried one at a time in this order, then in pairs.
STACK_KEYS: tuple[str, ...] = (
    "b_value",
    "diffusion_direction",
    "echo_time",
    "stack_id",
    "temporal_position",
    "trigger_time",
    "acquisition_number",
    "image_type",
    "dimension_index",
)

#: Keys tried only together with another (a direction alone would leave the b=0 stack unlabelled).
_PAIRED_ONLY = frozenset({"diffusion_direction"})


@dataclass(frozen=True)
class SliceGeometry:
    """Where one slice lies. ``pixel_spacing`` is DICOM's (row spacing, column spacing) in mm."""

    file: str
    frame: int | None
    position: tuple[float, float, float] | None
    orientation: tuple[float, float, float, float, float, float] | None
    pixel_spacing: tuple[float, float] | None
    rows: int
    columns: int
    stack_keys: tuple[tuple[str, str], ...] = ()
    instance_number: int | None = None

    def key(self, name: str) -> str | None:
        return dict(self.stack_keys).get(name)


@dataclass(frozen=True)
class GeometryTolerance:
    """How far slices may disagree and still form one grid (from ``ingest.geometry``)."""

    orientation: float = 1e-3  # direction cosines
    pixel_spacing_mm: float = 1e-3
    slice_spacing_relative: float = 0.05  # of the median slice spacing
    in_plane_drift_pixels: float = 0.5
    duplicate_position_mm: float = 1e-3


@dataclass
class Stack:
    """One accepted volume: slices sorted along the normal, and a label when a series was split."""

    slices: list[SliceGeometry]
    label: str = ""
    slice_spacing: float = 0.0
    notes: list[str] = field(default_factory=list)


_GEOMETRY_TAGS = {
    "ImagePositionPatient": "position",
    "ImageOrientationPatient": "orientation",
    "PixelSpacing": "pixel_spacing",
}
#: How far ImageOrientationPatient's vectors may be from unit length and perpendicular (DS rounding).
_UNIT_TOLERANCE = 1e-2


class StackError(ValueError):
    """A stack that is not one regular grid; ``reason`` is a :class:`Reason`."""

    def __init__(self, reason: Reason, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def slice_normal(orientation: tuple[float, ...]) -> np.ndarray:
    row, col = np.asarray(orientation[:3], float), np.asarray(orientation[3:], float)
    return np.cross(row, col)


def split_stacks(
    slices: list[SliceGeometry], tol: GeometryTolerance
) -> list[tuple[str, list[SliceGeometry]]]:
    """Split slices into groups with unique positions: ``[(label, slices), ...]``.

    One group with an empty label when positions are already unique; raises :class:`StackError`
    (``duplicate_slices``) when no tag in :data:`STACK_KEYS` separates repeated positions.
    """
    if not _has_duplicate_positions(slices, tol):
        return [("", slices)]
    uneven = None
    for name in (k for k in STACK_KEYS if k not in _PAIRED_ONLY):
        groups: dict[str, list[SliceGeometry]] = defaultdict(list)
        for s in slices:
            groups[s.key(name) or ""].append(s)
        if len(groups) > 1 and not any(_has_duplicate_positions(g, tol) for g in groups.values()):
            split = [(f"{name}={value}", groups[value]) for value in sorted(groups, key=_natural_key)]
            # a tag that merely varies along the series (a time stamp per slice group) also "separates"
            # it, into stacks of odd sizes; the tag that defines the stacks gives them equal sizes
            if len({len(g) for g in groups.values()}) == 1:
                return split
            uneven = uneven or split
    if uneven is not None:
        return uneven
    # diffusion series of some vendors repeat each position per b-value *and* gradient direction
    for pair in itertools.combinations(STACK_KEYS, 2):
        groups = defaultdict(list)
        for s in slices:
            groups[" ".join(f"{name}={s.key(name)}" for name in pair if s.key(name))].append(s)
        if len({len(g) for g in groups.values()}) == 1 and not any(
            _has_duplicate_positions(g, tol) for g in groups.values()
        ):
            return [(label, groups[label]) for label in sorted(groups, key=_pair_key)]
    n_positions = len({_rounded(s.position, tol) for s in slices if s.position is not None})
    raise StackError(
        Reason.DUPLICATE_SLICES,
        f"{len(slices)} slices at only {n_positions} distinct positions and no tag "
        f"({', '.join(STACK_KEYS)}) separates them into stacks",
    )


def build_stack(
    slices: list[SliceGeometry],
    tol: GeometryTolerance,
    *,
    label: str = "",
    nominal_spacing: float | None = None,
    check_instance_numbers: bool = False,
) -> Stack:
    """Check that ``slices`` form one regular grid and return them sorted along the slice normal.

    Regular spacing alone cannot reveal a gap when every gap is the same (two slices left of three), so
    the stated ``nominal_spacing`` (SpacingBetweenSlices) and, for one unsplit series, gaps in the
    InstanceNumbers are checked too.
    """
    absent = [
        name
        for name, attribute in _GEOMETRY_TAGS.items()
        if any(getattr(s, attribute) is None for s in slices)
    ]
    if absent:
        raise StackError(
            Reason.MISSING_GEOMETRY,
            f"{_and(absent)} absent or unreadable in {'the image' if len(slices) == 1 else 'a slice'} "
            "(a secondary capture, screenshot or other image without patient geometry?)",
        )
    _check_plausible(slices)
    first = slices[0]
    orientations = np.array([s.orientation for s in slices], float)
    if np.abs(orientations - orientations[0]).max() > tol.orientation:
        n = len({tuple(np.round(o, 3)) for o in orientations})
        raise StackError(
            Reason.INCONSISTENT_GEOMETRY, f"mixed orientations: {n} different slice orientations"
        )
    sizes = {(s.rows, s.columns) for s in slices}
    if len(sizes) > 1:
        raise StackError(Reason.INCONSISTENT_GEOMETRY, f"mixed matrix sizes (rows, columns): {sorted(sizes)}")
    spacings = np.array([s.pixel_spacing for s in slices], float)
    if np.abs(spacings - spacings[0]).max() > tol.pixel_spacing_mm:
        raise StackError(
            Reason.INCONSISTENT_GEOMETRY,
            f"mixed pixel spacings: {sorted({tuple(np.round(p, 4)) for p in spacings})} mm",
        )
    normal = slice_normal(first.orientation)
    positions = np.array([s.position for s in slices], float)
    along = positions @ normal
    order = np.argsort(along, kind="stable")
    ordered = [slices[i] for i in order]
    along, positions = along[order], positions[order]

    in_plane = (positions - positions[0]) - np.outer(along - along[0], normal)
    drift = float(np.linalg.norm(in_plane, axis=1).max()) if len(slices) > 1 else 0.0
    if drift > tol.in_plane_drift_pixels * float(spacings[0].min()):
        raise StackError(
            Reason.INCONSISTENT_GEOMETRY,
            f"slices are not stacked along the slice normal (in-plane shift up to {drift:.2f} mm)",
        )
    if len(slices) == 1:
        return Stack(ordered, label=label, slice_spacing=0.0)
    gaps = np.diff(along)
    if gaps.min() < tol.duplicate_position_mm:
        raise StackError(Reason.DUPLICATE_SLICES, "two slices share one position")
    step = float(np.median(gaps))
    allowed = tol.slice_spacing_relative * step
    irregular = np.abs(gaps - step) > allowed
    if irregular.any():
        multiples = gaps / step
        if np.all(np.abs(multiples - np.round(multiples)) * step <= allowed):
            missing = int(np.round(multiples).sum() - len(gaps))
            where = ", ".join(f"{along[i]:.1f}..{along[i + 1]:.1f}" for i in np.flatnonzero(irregular)[:5])
            raise StackError(
                Reason.MISSING_SLICES,
                f"{missing} slice(s) missing: gap(s) at {where} mm along the normal "
                f"(regular spacing {step:.3g} mm, {len(slices)} slices present)",
            )
        raise StackError(
            Reason.INCONSISTENT_GEOMETRY,
            f"uneven slice spacing: {gaps.min():.3g}..{gaps.max():.3g} mm (median {step:.3g} mm)",
        )
    ratio = step / nominal_spacing if nominal_spacing else 1.0
    if ratio > 1.5 and abs(ratio - round(ratio)) * nominal_spacing <= allowed:
        raise StackError(
            Reason.MISSING_SLICES,
            f"slices are {step:.3g} mm apart, {round(ratio)} x the SpacingBetweenSlices of {nominal_spacing:.3g} mm "
            f"({(round(ratio) - 1) * len(gaps)} slice(s) missing)",
        )
    if check_instance_numbers:
        _check_instance_numbers([s.instance_number for s in ordered])
    return Stack(ordered, label=label, slice_spacing=step)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _check_plausible(slices: list[SliceGeometry]) -> None:
    """Geometry that is present but impossible (zero spacing, degenerate orientation) is rejected here:
    SimpleITK would silently replace a zero spacing by 1 mm and build a wrong grid."""
    for spacing in {s.pixel_spacing for s in slices}:
        if min(spacing) <= 0:
            raise StackError(Reason.INVALID_GEOMETRY, f"PixelSpacing {list(spacing)} mm is not positive")
    for orientation in {s.orientation for s in slices}:
        row, column = np.asarray(orientation[:3], float), np.asarray(orientation[3:], float)
        if (
            abs(np.linalg.norm(row) - 1) > _UNIT_TOLERANCE
            or abs(np.linalg.norm(column) - 1) > _UNIT_TOLERANCE
            or abs(float(row @ column)) > _UNIT_TOLERANCE
        ):
            raise StackError(
                Reason.INVALID_GEOMETRY,
                f"ImageOrientationPatient {list(orientation)} is not two perpendicular unit vectors",
            )


def _check_instance_numbers(numbers: list[int | None]) -> None:
    if None in numbers:
        return
    steps = np.diff(np.asarray(numbers, dtype=float))
    if not (np.all(steps > 0) or np.all(steps < 0)):
        return  # numbered in another order than space (interleaved acquisitions): no evidence either way
    absent = int(abs(numbers[-1] - numbers[0]) + 1 - len(numbers))
    if absent > 0:
        low, high = sorted((numbers[0], numbers[-1]))
        raise StackError(
            Reason.MISSING_SLICES,
            f"InstanceNumbers run {low}..{high} but only {len(numbers)} slices are present ({absent} missing)",
        )


def _has_duplicate_positions(slices: list[SliceGeometry], tol: GeometryTolerance) -> bool:
    keys = [_rounded(s.position, tol) for s in slices if s.position is not None]
    return len(keys) != len(set(keys))


def _rounded(position: tuple[float, float, float] | None, tol: GeometryTolerance) -> tuple[int, ...]:
    if position is None:
        return ()
    return tuple(int(round(v / max(tol.duplicate_position_mm, 1e-6))) for v in position)


def _pair_key(label: str) -> tuple[tuple[float, str], ...]:
    return tuple(_natural_key(part.partition("=")[2]) for part in label.split(" "))


def _natural_key(value: str) -> tuple[float, str]:
    try:
        return (float(value), value)
    except ValueError:
        return (float("inf"), value)
