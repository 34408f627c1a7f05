"""Build ``series_index`` from a raw-data tree: scan headers, group series, check stacks, read volumes.

One bad file, series or volume never stops the scan: it becomes a :class:`Rejection` and everything else
is still indexed. Every accepted series is decoded once with the same reader that
:func:`series_io.read_volume` uses later, so an indexed row is known to be readable.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
import SimpleITK as sitk
from pydicom.uid import generate_uid
from tqdm.auto import tqdm

from medsynth_pipeline.imaging.ingest.classify import SeriesClassifier, plane_of
from medsynth_pipeline.imaging.ingest.deid import (
    Pseudonymiser,
    path_contains_identifier,
    redact_identifiers,
    redact_text,
)
from medsynth_pipeline.imaging.ingest.inventory import ARCHIVE_SUFFIXES
from medsynth_pipeline.imaging.ingest.rejections import Reason, Rejection
from medsynth_pipeline.imaging.ingest.scan import DicomHeader, quiet_pydicom, read_header, take_inventory
from medsynth_pipeline.imaging.ingest.series import (
    common_folder,
    drop_duplicate_instances,
    group_by_series,
    mixed_series,
    series_label,
    series_units,
)
from medsynth_pipeline.imaging.ingest.series_io import (
    VolumeReadError,
    read_dicom_series,
    read_multiframe,
    read_volume_file,
)
from medsynth_pipeline.imaging.ingest.stack import (
    GeometryTolerance,
    Stack,
    StackError,
    build_stack,
    split_stacks,
)
from medsynth_pipeline.imaging.parallel import RateLog, chunks, ordered_map

logger = logging.getLogger(__name__)

#: Columns of ``series_index`` (docs/ARCHITECTURE.md), in order.
SERIES_INDEX_COLUMNS: list[str] = [
    "patient_id", "study_uid", "series_uid", "volume_id", "kind", "plane", "description", "stack",
    "source_format", "modality", "path", "files", "frames", "n_files",
    "size_x", "size_y", "size_z", "spacing_x", "spacing_y", "spacing_z",
    "origin_x", "origin_y", "origin_z", "direction",
]  # fmt: skip


UID_COLUMNS = ("study_uid", "series_uid", "volume_id")


@dataclass(frozen=True)
class IngestOptions:
    """Everything :func:`build_series_index` needs besides the directory (from ``ingest`` parameters)."""

    classifier: SeriesClassifier
    pseudonymiser: Pseudonymiser
    tolerance: GeometryTolerance = GeometryTolerance()
    ignore_globs: tuple[str, ...] = ()
    volume_patient_patterns: tuple[str, ...] = ()
    trust_images_in_acquisition: bool = True
    progress: bool = True
    #: Processes reading headers and decoding series (1: in this process); the outputs are the same.
    workers: int = 1


@dataclass
class IngestResult:
    """``series_index``, the rejections, and scan statistics. ``identifiers`` stays in memory only."""

    series_index: pd.DataFrame
    rejections: list[Rejection]
    stats: dict[str, float] = field(default_factory=dict)
    identifiers: set[str] = field(default_factory=set, repr=False)


def build_series_index(raw_dir: Path, options: IngestOptions) -> IngestResult:
    """Index every usable DICOM series and volume under ``raw_dir``; reject the rest with reasons."""
    started = time.perf_counter()
    inventory = take_inventory(Path(raw_dir), list(options.ignore_globs))
    logger.info(
        "ingest: %d candidate DICOM files, %d volume files, %d ignored by name under %s",
        len(inventory.dicom_candidates), len(inventory.volumes), len(inventory.ignored), raw_dir,
    )  # fmt: skip
    archives = [p.name for p in inventory.ignored if p.name.lower().endswith(ARCHIVE_SUFFIXES)]
    if archives:
        logger.warning(
            "ingest: %d archive(s) under raw_dir are not read (%s); unpack them to have their images indexed",
            len(archives), ", ".join(archives[:3]) + (", ..." if len(archives) > 3 else ""),
        )  # fmt: skip
    headers, rejections = _scan_headers(inventory.dicom_candidates, options.progress, options.workers)
    rejections = inventory.rejections + rejections
    scanned = time.perf_counter()
    identifiers = set().union(*(h.identifiers for h in headers)) if headers else set()
    headers, duplicates = drop_duplicate_instances(headers)
    rejections += duplicates
    # in the order the serial scan met them: a mixed series is rejected here, the rest goes to the pool
    tasks: list[tuple[str, Any, Any]] = []
    for series_uid, members in group_by_series(headers).items():
        if mixed := mixed_series(members):
            tasks.append(("rejected", mixed, None))
            continue
        tasks += [("unit", series_uid, unit) for unit in series_units(members)]
    tasks += [("volume", path, fmt) for path, fmt in inventory.volumes]
    rows, decoded = _decode_all(Path(raw_dir), tasks, options)
    rejections += decoded
    if options.pseudonymiser.enabled:  # then the original ids are identifiers as well
        identifiers |= {str(row["patient_id"]) for row in rows}
    frame = _frame(rows, options.pseudonymiser)
    # UIDs are digits and dots, generated by the scanner: a short numeric identifier (StudyID "1234")
    # occurs inside them by chance, and redacting them broke the join keys of every later stage
    frame, redacted = redact_identifiers(frame, identifiers, skip_columns=("path", "files", *UID_COLUMNS))
    # details quote series descriptions; the paths stay (they name the file to fix)
    rejections = [replace(r, detail=redact_text(r.detail, identifiers)) for r in rejections]
    leaky_paths = sum(path_contains_identifier(p, identifiers) for p in frame.get("path", []))
    finished = time.perf_counter()
    stats = {
        "files_scanned": len(inventory.dicom_candidates),
        "files_ignored": len(inventory.ignored),
        "volume_files": len(inventory.volumes),
        "header_seconds": round(scanned - started, 3),
        "total_seconds": round(finished - started, 3),
        "files_per_second": round(len(inventory.dicom_candidates) / max(scanned - started, 1e-9), 1),
        "redacted_cells": redacted,
        "paths_with_identifiers": int(leaky_paths),
    }
    if redacted:
        logger.warning("ingest: %d output cells contained a direct identifier and were redacted", redacted)
    if leaky_paths:
        logger.warning(
            "ingest: %d indexed paths contain a patient name or other direct identifier; outputs list paths, "
            "so rename those folders before sharing results",
            leaky_paths,
        )
    logger.info(
        "ingest: indexed %d series/volumes of %d patients, rejected %d items in %.1f s (%.0f files/s)",
        len(frame), frame["patient_id"].nunique() if len(frame) else 0, len(rejections),
        stats["total_seconds"], stats["files_per_second"],
    )  # fmt: skip
    return IngestResult(frame, rejections, stats, identifiers)


#: Files per header-scan task: enough to hide the cost of a task, few enough to keep both cores busy.
HEADER_CHUNK = 64


def _scan_headers(
    paths: Sequence[Path], progress: bool, workers: int = 1
) -> tuple[list[DicomHeader], list[Rejection]]:
    headers: list[DicomHeader] = []
    rejections: list[Rejection] = []
    with tqdm(
        total=len(paths), desc="ingest: DICOM headers", unit="file", disable=not progress, mininterval=2
    ) as bar:
        for chunk_headers, chunk_rejections, n in ordered_map(_scan_chunk, chunks(paths, HEADER_CHUNK), workers):
            headers += chunk_headers
            rejections += chunk_rejections
            bar.update(n)
    return headers, rejections


def _scan_chunk(paths: list[Path]) -> tuple[list[DicomHeader], list[Rejection], int]:
    """Headers of consecutive files (a pool task): headers, rejections, and how many files were read."""
    headers: list[DicomHeader] = []
    rejections: list[Rejection] = []
    with quiet_pydicom():
        for path in paths:
            result = _safe_read_header(path)
            (rejections if isinstance(result, Rejection) else headers).append(result)
    return headers, rejections, len(paths)


def _decode_all(
    raw_dir: Path, tasks: list[tuple[str, Any, Any]], options: IngestOptions
) -> tuple[list[dict[str, Any]], list[Rejection]]:
    """Every series unit and volume checked and decoded, ``options.workers`` at a time, results in order."""
    rows: list[dict[str, Any]] = []
    rejections: list[Rejection] = []
    rate = RateLog("ingest: decoded", len(tasks), "series/volumes", options.workers, every_s=10.0)
    for new_rows, new_rejections in ordered_map(partial(_decode_task, raw_dir, options), tasks, options.workers):
        rows += new_rows
        rejections += new_rejections
        rate.step()
    return rows, rejections


def _decode_task(
    raw_dir: Path, options: IngestOptions, task: tuple[str, Any, Any]
) -> tuple[list[dict[str, Any]], list[Rejection]]:
    """One entry of :func:`_decode_all` (a pool task): a unit's rows and rejections, or a volume's."""
    what, first, second = task
    if what == "rejected":
        return [], [first]
    if what == "unit":
        return _guarded_unit(first, second, options)
    row_or_rejection = _guarded_volume(raw_dir, first, second, options)
    if isinstance(row_or_rejection, Rejection):
        return [], [row_or_rejection]
    return [row_or_rejection], []


def _safe_read_header(path: Path) -> DicomHeader | Rejection:
    try:
        return read_header(path)
    except OSError as exc:
        return Rejection(str(path), Reason.UNREADABLE_FILE, f"{type(exc).__name__}: {exc.strerror or exc}")
    except Exception as exc:  # a file no rule foresaw must not stop the scan
        return Rejection(str(path), Reason.CORRUPT_HEADER, f"{type(exc).__name__}: {exc}")


def _guarded_unit(
    series_uid: str, unit: list[DicomHeader], options: IngestOptions
) -> tuple[list[dict[str, Any]], list[Rejection]]:
    """:func:`_index_unit`, with anything no check foresaw turned into a rejection instead of a crash."""
    try:
        return _index_unit(series_uid, unit, options)
    except Exception as exc:
        multiframe = unit[0].n_frames > 1 or unit[0].enhanced
        where = unit[0].path if multiframe else common_folder([h.path for h in unit])
        logger.warning("ingest: unexpected error on %s", where, exc_info=True)
        detail = f"{series_label(unit)}: {type(exc).__name__}: {exc}"
        return [], [Rejection(where, Reason.UNEXPECTED_ERROR, detail, "series")]


def _guarded_volume(
    raw_dir: Path, path: Path, fmt: str, options: IngestOptions
) -> dict[str, Any] | Rejection:
    try:
        return _index_volume(raw_dir, path, fmt, options)
    except Exception as exc:
        logger.warning("ingest: unexpected error on %s", path, exc_info=True)
        return Rejection(str(path), Reason.UNEXPECTED_ERROR, f"{type(exc).__name__}: {exc}", "volume")


def _index_unit(
    series_uid: str, unit: list[DicomHeader], options: IngestOptions
) -> tuple[list[dict[str, Any]], list[Rejection]]:
    first = unit[0]
    multiframe = first.n_frames > 1 or first.enhanced
    where = first.path if multiframe else common_folder([h.path for h in unit])
    label = series_label(unit)
    slices = [s for h in unit for s in h.slices]
    try:
        groups = split_stacks(slices, options.tolerance)
    except StackError as exc:
        return [], [Rejection(where, exc.reason, f"{label}: {exc.detail}", "series")]
    rows, rejections = [], []
    for stack_label, group in groups:
        try:
            stated = {h.spacing_between_slices for h in unit}
            stack = build_stack(
                group, options.tolerance, label=stack_label,
                nominal_spacing=stated.pop() if len(stated) == 1 and not multiframe else None,
                check_instance_numbers=len(groups) == 1 and not multiframe,
            )  # fmt: skip
            if options.trust_images_in_acquisition and len(groups) == 1 and not multiframe:
                _check_images_in_acquisition(unit, len(stack.slices))
            image = _read_stack(stack, multiframe)
        except (StackError, VolumeReadError) as exc:
            name = f"{label}, stack {stack_label}" if stack_label else label
            rejections.append(Rejection(where, exc.reason, f"{name}: {exc.detail}", "series"))
            continue
        rows.append(_dicom_row(series_uid, unit, stack, image, where, multiframe, len(groups) > 1, options))
    return rows, rejections


def _check_images_in_acquisition(unit: list[DicomHeader], present: int) -> None:
    announced = {h.images_in_acquisition for h in unit if h.images_in_acquisition}
    if len(announced) == 1 and (expected := announced.pop()) > present:
        raise StackError(
            Reason.MISSING_SLICES,
            f"ImagesInAcquisition says {expected} slices, {present} present (an end slice is missing)",
        )


def _read_stack(stack: Stack, multiframe: bool) -> sitk.Image:
    if multiframe:
        frames = [s.frame for s in stack.slices if s.frame is not None]
        return read_multiframe(stack.slices[0].file, frames)
    return read_dicom_series([s.file for s in stack.slices])


def _dicom_row(
    series_uid: str,
    unit: list[DicomHeader],
    stack: Stack,
    image: sitk.Image,
    where: str,
    multiframe: bool,
    split: bool,
    options: IngestOptions,
) -> dict[str, Any]:
    first = unit[0]
    b_values = {s.key("b_value") for s in stack.slices} - {None}
    b_value = float(b_values.pop()) if len(b_values) == 1 else first.diffusion_b_value
    kind = options.classifier.classify_series(
        description=first.description, protocol=first.protocol, image_type=first.image_type, b_value=b_value
    )
    files = sorted({s.file for s in stack.slices}) if multiframe else [s.file for s in stack.slices]
    description = first.description or first.protocol
    unit_key = first.path if multiframe else series_uid
    return {
        "patient_id": first.patient_id,
        "study_uid": first.study_uid,
        "series_uid": series_uid,
        "volume_id": _volume_id(series_uid, unit_key, stack.label, multiframe or split),
        "kind": kind,
        "description": f"{description} [{stack.label}]" if stack.label else description,
        "stack": stack.label,
        "source_format": "dicom_multiframe" if multiframe else "dicom",
        "modality": first.modality,
        "path": where,
        "files": files,
        "frames": [int(s.frame) for s in stack.slices] if multiframe else [],
        "n_files": len(files),
        **_geometry(image),
    }


def _volume_id(series_uid: str, unit_key: str, stack_label: str, qualified: bool) -> str:
    """The series UID, or a UID derived from it when one series yields several volumes."""
    if not qualified:
        return series_uid
    return generate_uid(entropy_srcs=[series_uid, unit_key, stack_label])


def _index_volume(raw_dir: Path, path: Path, fmt: str, options: IngestOptions) -> dict[str, Any] | Rejection:
    relative = path.relative_to(raw_dir).as_posix() if path.is_relative_to(raw_dir) else path.as_posix()
    patient_id = _volume_patient_id(relative, options.volume_patient_patterns)
    if not patient_id:
        return Rejection(str(path), Reason.MISSING_PATIENT_ID, "no patient id in the path", "volume")
    try:
        image = read_volume_file(path)
    except VolumeReadError as exc:
        return Rejection(str(path), exc.reason, exc.detail, "volume")
    series_uid = generate_uid(entropy_srcs=[relative])
    return {
        "patient_id": patient_id,
        "study_uid": "",
        "series_uid": series_uid,
        "volume_id": series_uid,
        "kind": options.classifier.classify_volume(relative),
        "description": path.name,
        "stack": "",
        "source_format": fmt,
        "modality": "",
        "path": str(path),
        "files": [str(path)],
        "frames": [],
        "n_files": 1,
        **_geometry(image),
    }


def _volume_patient_id(relative: str, patterns: Sequence[str]) -> str:
    for pattern in patterns:
        match = re.search(pattern, relative)
        if match:
            return match.groupdict().get("patient_id") or match.group(0)
    parts = Path(relative).parts
    return parts[-2] if len(parts) >= 2 else ""


def _geometry(image: sitk.Image) -> dict[str, Any]:
    size, spacing, origin = image.GetSize(), image.GetSpacing(), image.GetOrigin()
    direction = [float(v) for v in image.GetDirection()]
    return {
        "plane": plane_of(direction),
        **{f"size_{a}": int(v) for a, v in zip("xyz", size, strict=True)},
        **{f"spacing_{a}": float(v) for a, v in zip("xyz", spacing, strict=True)},
        **{f"origin_{a}": float(v) for a, v in zip("xyz", origin, strict=True)},
        "direction": direction,
    }


def _frame(rows: list[dict[str, Any]], pseudonymiser: Pseudonymiser) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=SERIES_INDEX_COLUMNS)
    if pseudonymiser.enabled and len(frame):
        frame["patient_id"] = frame["patient_id"].map(pseudonymiser.patient_id)
        for column in ("study_uid", "series_uid", "volume_id"):
            frame[column] = frame[column].map(pseudonymiser.uid)
    frame = frame.sort_values(["patient_id", "kind", "series_uid", "stack"], kind="stable")
    return frame.reset_index(drop=True)
