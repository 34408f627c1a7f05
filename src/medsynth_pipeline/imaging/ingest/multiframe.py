"""Multi-frame DICOM objects: per-frame geometry and values from the functional groups.

Enhanced MR (and other enhanced objects) keep one file with many frames; the position, orientation,
pixel spacing, rescale and b-value of each frame live in the Shared and Per-frame Functional Groups
Sequences. A classic multi-frame file (no functional groups) has one position and a fixed slice spacing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pydicom

from medsynth_pipeline.imaging.ingest.stack import SliceGeometry
from medsynth_pipeline.imaging.ingest.values import float_or_none, floats, key_text


def is_enhanced(ds: pydicom.Dataset) -> bool:
    """Whether ``ds`` describes its frames with per-frame functional groups."""
    return "PerFrameFunctionalGroupsSequence" in ds


def number_of_frames(ds: pydicom.Dataset) -> int:
    try:
        return max(int(ds.get("NumberOfFrames", 1) or 1), 1)
    except (TypeError, ValueError):
        return 1


def _group_value(ds: pydicom.Dataset, frame: int, sequence: str, keyword: str) -> Any:
    """``keyword`` inside ``sequence`` of frame ``frame``'s per-frame group, else of the shared group."""
    per_frame = ds.get("PerFrameFunctionalGroupsSequence")
    shared = ds.get("SharedFunctionalGroupsSequence")
    items = [per_frame[frame]] if per_frame and frame < len(per_frame) else []
    items += [shared[0]] if shared else []
    for item in items:
        inner = item.get(sequence)
        if inner:
            value = inner[0].get(keyword)
            if value is not None and value != "":
                return value
    return None


def enhanced_frame_geometries(ds: pydicom.Dataset, path: str) -> list[SliceGeometry]:
    """One :class:`SliceGeometry` per frame of an enhanced multi-frame object."""
    rows, columns = int(ds.get("Rows", 0) or 0), int(ds.get("Columns", 0) or 0)
    spatial = _spatial_dimensions(ds)
    geometries = []
    for frame in range(number_of_frames(ds)):
        keys = {
            "stack_id": _group_value(ds, frame, "FrameContentSequence", "StackID"),
            "b_value": _group_value(ds, frame, "MRDiffusionSequence", "DiffusionBValue"),
            "diffusion_direction": _direction(ds, frame),
            "echo_time": _group_value(ds, frame, "MREchoSequence", "EffectiveEchoTime"),
            "temporal_position": _group_value(ds, frame, "FrameContentSequence", "TemporalPositionIndex"),
            "dimension_index": _dimension_index(ds, frame, spatial),
        }
        geometries.append(
            SliceGeometry(
                file=path,
                frame=frame,
                position=floats(_group_value(ds, frame, "PlanePositionSequence", "ImagePositionPatient"), 3),
                orientation=floats(
                    _group_value(ds, frame, "PlaneOrientationSequence", "ImageOrientationPatient"), 6
                ),
                pixel_spacing=floats(_group_value(ds, frame, "PixelMeasuresSequence", "PixelSpacing"), 2),
                rows=rows,
                columns=columns,
                stack_keys=tuple((k, key_text(v)) for k, v in keys.items() if v is not None),
                instance_number=frame + 1,
            )
        )
    return geometries


#: Dimension index pointers that order frames in space (within a stack) rather than separate stacks.
_SPATIAL_POINTERS = frozenset({0x00209057, 0x00200032})  # InStackPositionNumber, ImagePositionPatient


def _direction(ds: pydicom.Dataset, frame: int) -> str | None:
    gradient = _group_value(ds, frame, "MRDiffusionSequence", "DiffusionGradientDirectionSequence")
    direction = floats(gradient[0].get("DiffusionGradientOrientation"), 3) if gradient else None
    return "/".join(f"{v:.3g}" for v in direction) if direction is not None else None


def _spatial_dimensions(ds: pydicom.Dataset) -> set[int]:
    """Positions, in DimensionIndexValues, of the dimensions that are slice positions."""
    dimensions = ds.get("DimensionIndexSequence") or []
    return {
        i for i, d in enumerate(dimensions) if int(d.get("DimensionIndexPointer") or 0) in _SPATIAL_POINTERS
    }


def _dimension_index(ds: pydicom.Dataset, frame: int, spatial: set[int]) -> str | None:
    """The frame's non-spatial DimensionIndexValues (e.g. ``2`` for the second time point), or None.

    The multi-frame module says what separates stacks (time, b-value, echo, ...) through these indices, even
    when the tags they point to are missing or odd.
    """
    values = _group_value(ds, frame, "FrameContentSequence", "DimensionIndexValues")
    if values is None or not spatial:
        return None
    values = list(values) if isinstance(values, list | tuple | pydicom.multival.MultiValue) else [values]
    kept = [str(v) for i, v in enumerate(values) if i not in spatial]
    return "/".join(kept) or None


def classic_frame_geometries(ds: pydicom.Dataset, path: str) -> list[SliceGeometry]:
    """Frames of a classic multi-frame file: first frame at ImagePositionPatient, then a fixed step."""
    position = floats(ds.get("ImagePositionPatient"), 3)
    orientation = floats(ds.get("ImageOrientationPatient"), 6)
    spacing = floats(ds.get("PixelSpacing"), 2)
    step = float_or_none(ds.get("SpacingBetweenSlices")) or float_or_none(ds.get("SliceThickness"))
    rows, columns = int(ds.get("Rows", 0) or 0), int(ds.get("Columns", 0) or 0)
    n = number_of_frames(ds)
    if position is None or orientation is None or step is None:
        return [SliceGeometry(path, f, None, orientation, spacing, rows, columns) for f in range(n)]
    normal = np.cross(np.asarray(orientation[:3]), np.asarray(orientation[3:]))
    start = np.asarray(position)
    return [
        SliceGeometry(
            path, f, tuple(float(v) for v in start + f * step * normal), orientation, spacing, rows, columns
        )
        for f in range(n)
    ]


def frame_rescale(ds: pydicom.Dataset, frame: int) -> tuple[float, float]:
    """(slope, intercept) of one frame; enhanced objects keep them in PixelValueTransformationSequence."""
    slope = _group_value(ds, frame, "PixelValueTransformationSequence", "RescaleSlope")
    intercept = _group_value(ds, frame, "PixelValueTransformationSequence", "RescaleIntercept")
    if slope is None and intercept is None:
        slope, intercept = ds.get("RescaleSlope"), ds.get("RescaleIntercept")
    return (float_or_none(slope) or 1.0, float_or_none(intercept) or 0.0)
