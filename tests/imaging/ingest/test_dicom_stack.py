"""Stacks: a series is one regular grid, several stacks told apart by a tag, or rejected with the reason."""

from __future__ import annotations

import numpy as np
import pytest

from medsynth_pipeline.imaging.ingest.rejections import Reason
from medsynth_pipeline.imaging.ingest.stack import (
    GeometryTolerance,
    SliceGeometry,
    StackError,
    build_stack,
    split_stacks,
)

AXIAL = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
TOL = GeometryTolerance()


def slices(zs, *, orientation=AXIAL, spacing=(0.5, 0.5), size=(32, 32), shift=None, keys=None):
    out = []
    for i, z in enumerate(zs):
        x = 0.0 if shift is None else shift[i]
        out.append(
            SliceGeometry(
                file=f"f{i}.dcm", frame=None, position=(x, 0.0, float(z)),
                orientation=orientation if not callable(orientation) else orientation(i),
                pixel_spacing=spacing if not callable(spacing) else spacing(i), rows=size[0], columns=size[1],
                stack_keys=tuple((keys or {}).get(i, ())),
            )
        )  # fmt: skip
    return out


def test_regular_stack_is_sorted_along_the_normal() -> None:
    shuffled = slices([6.0, 0.0, 9.0, 3.0])
    stack = build_stack(shuffled, TOL)
    assert [s.position[2] for s in stack.slices] == [0.0, 3.0, 6.0, 9.0]
    assert stack.slice_spacing == pytest.approx(3.0)


def test_oblique_stack_sorted_by_projection() -> None:
    angle = np.deg2rad(10)
    orientation = (1.0, 0.0, 0.0, 0.0, np.cos(angle), np.sin(angle))
    normal = np.cross(orientation[:3], orientation[3:])
    geoms = [
        SliceGeometry(f"f{k}", None, tuple(k * 3.0 * normal), orientation, (0.5, 0.5), 8, 8)
        for k in (2, 0, 1)
    ]
    stack = build_stack(geoms, TOL)
    assert [s.file for s in stack.slices] == ["f0", "f1", "f2"] and stack.slice_spacing == pytest.approx(3.0)


def test_missing_slice_is_named_with_its_gap() -> None:
    with pytest.raises(StackError) as error:
        build_stack(slices([0, 3, 6, 12, 15]), TOL)
    assert error.value.reason == Reason.MISSING_SLICES
    assert "1 slice(s) missing" in error.value.detail and "6.0..12.0" in error.value.detail


def test_two_missing_slices_counted() -> None:
    with pytest.raises(StackError, match="2 slice"):
        build_stack(slices([0, 3, 6, 15, 18, 21]), TOL)


def test_uneven_spacing_is_inconsistent_geometry() -> None:
    with pytest.raises(StackError) as error:
        build_stack(slices([0, 3, 6, 10, 13]), TOL)
    assert error.value.reason == Reason.INCONSISTENT_GEOMETRY and "uneven slice spacing" in error.value.detail


@pytest.mark.parametrize(
    ("kwargs", "detail"),
    [
        (
            {"orientation": lambda i: AXIAL if i < 2 else (0.0, 1.0, 0.0, 0.0, 0.0, -1.0)},
            "mixed orientations",
        ),
        ({"spacing": lambda i: (0.5, 0.5) if i else (0.6, 0.6)}, "mixed pixel spacings"),
        ({"shift": [0.0, 0.0, 4.0, 0.0]}, "not stacked along the slice normal"),
    ],
)
def test_inconsistent_geometry(kwargs, detail: str) -> None:
    with pytest.raises(StackError) as error:
        build_stack(slices([0, 3, 6, 9], **kwargs), TOL)
    assert error.value.reason == Reason.INCONSISTENT_GEOMETRY and detail in error.value.detail


def test_mixed_matrix_sizes() -> None:
    mixed = slices([0, 3]) + slices([6], size=(16, 16))
    with pytest.raises(StackError, match="mixed matrix sizes"):
        build_stack(mixed, TOL)


def test_missing_geometry() -> None:
    geoms = [SliceGeometry("f", None, None, None, None, 8, 8)]
    with pytest.raises(StackError) as error:
        build_stack(geoms, TOL)
    assert error.value.reason == Reason.MISSING_GEOMETRY


def test_split_by_b_value() -> None:
    keys = {i: [("b_value", "50" if i < 3 else "800"), ("echo_time", "90")] for i in range(6)}
    groups = split_stacks(slices([0, 3, 6, 0, 3, 6], keys=keys), TOL)
    assert [label for label, _ in groups] == ["b_value=50", "b_value=800"]
    assert all(len(g) == 3 for _, g in groups)


def test_split_sorts_numeric_labels_numerically() -> None:
    keys = {i: [("echo_time", ["100", "20"][i // 2])] for i in range(4)}
    assert [label for label, _ in split_stacks(slices([0, 3, 0, 3], keys=keys), TOL)] == [
        "echo_time=20",
        "echo_time=100",
    ]


def test_unique_positions_are_not_split() -> None:
    keys = {i: [("b_value", str(i))] for i in range(3)}
    assert split_stacks(slices([0, 3, 6], keys=keys), TOL) == [("", slices([0, 3, 6], keys=keys))]


def test_duplicates_without_separating_tag() -> None:
    with pytest.raises(StackError) as error:
        split_stacks(slices([0, 3, 3, 6]), TOL)
    assert (
        error.value.reason == Reason.DUPLICATE_SLICES
        and "4 slices at only 3 distinct positions" in error.value.detail
    )


def test_single_slice_is_a_stack() -> None:
    stack = build_stack(slices([5.0]), TOL)
    assert len(stack.slices) == 1 and stack.slice_spacing == 0.0


def test_two_slices_left_of_three_caught_by_spacing_between_slices() -> None:
    with pytest.raises(StackError) as error:
        build_stack(slices([0, 6]), TOL, nominal_spacing=3.0)
    assert error.value.reason == Reason.MISSING_SLICES and "SpacingBetweenSlices" in error.value.detail
    assert build_stack(slices([0, 3.3]), TOL, nominal_spacing=3.3).slice_spacing == pytest.approx(3.3)


def test_instance_number_gap_is_a_missing_slice() -> None:
    geoms = [
        SliceGeometry(f"f{n}", None, (0.0, 0.0, z), AXIAL, (0.5, 0.5), 8, 8, instance_number=n)
        for n, z in ((1, 0.0), (3, 6.0))
    ]
    with pytest.raises(StackError, match="InstanceNumbers run 1..3"):
        build_stack(geoms, TOL, check_instance_numbers=True)
    assert len(build_stack(geoms, TOL).slices) == 2  # split stacks are numbered across stacks: no check


def test_interleaved_instance_numbers_are_no_evidence() -> None:
    geoms = [
        SliceGeometry(f"f{n}", None, (0.0, 0.0, z), AXIAL, (0.5, 0.5), 8, 8, instance_number=n)
        for n, z in ((1, 0.0), (5, 3.0), (2, 6.0))
    ]
    assert len(build_stack(geoms, TOL, check_instance_numbers=True).slices) == 3
