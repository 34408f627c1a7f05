"""DICOM headers to series: one file per image, files grouped by SeriesInstanceUID into units that become
volumes, and the checks and labels that concern a whole series rather than its geometry."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from medsynth_pipeline.imaging.ingest.rejections import Reason, Rejection
from medsynth_pipeline.imaging.ingest.scan import DicomHeader


def drop_duplicate_instances(headers: list[DicomHeader]) -> tuple[list[DicomHeader], list[Rejection]]:
    """One file per SOPInstanceUID: archives copied twice or media with their own copies repeat images."""
    kept: dict[str, DicomHeader] = {}
    unique, duplicates = [], []
    for header in headers:
        first = kept.get(header.sop_instance_uid) if header.sop_instance_uid else None
        if first is None:
            kept[header.sop_instance_uid] = header
            unique.append(header)
        else:
            detail = f"same SOPInstanceUID as {first.path}, which is used"
            duplicates.append(Rejection(header.path, Reason.DUPLICATE_INSTANCE, detail))
    return unique, duplicates


def group_by_series(headers: Iterable[DicomHeader]) -> dict[str, list[DicomHeader]]:
    """Headers by SeriesInstanceUID, in the order the series were first seen."""
    groups: dict[str, list[DicomHeader]] = defaultdict(list)
    for header in headers:
        groups[header.series_uid].append(header)
    return dict(groups)


def series_units(members: list[DicomHeader]) -> list[list[DicomHeader]]:
    """Single-frame files of a series form one unit; every multi-frame object is a unit of its own."""
    single = [h for h in members if h.n_frames == 1 and not h.enhanced]
    multi = [[h] for h in members if h.n_frames > 1 or h.enhanced]
    return ([single] if single else []) + multi


def mixed_series(members: list[DicomHeader]) -> Rejection | None:
    """One SeriesInstanceUID must mean one patient and one study (anonymisers that reuse UIDs break it)."""
    patients = {h.patient_id for h in members}
    studies = {h.study_uid for h in members}
    if len(patients) == 1 and len(studies) == 1:
        return None
    return Rejection(
        common_folder([h.path for h in members]),
        Reason.INCONSISTENT_SERIES,
        f"{series_label(members)}: one SeriesInstanceUID shared by files of {len(patients)} PatientIDs and "
        f"{len(studies)} StudyInstanceUIDs (UIDs reused by an anonymiser or a copy tool?)",
        "series",
    )


def series_label(unit: list[DicomHeader]) -> str:
    """How a person finds the series: its description and, as a folder may hold several, its first files."""
    first = unit[0]
    names = sorted(Path(h.path).name for h in unit)
    shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
    files = f"{len(unit)} file: {shown}" if len(unit) == 1 else f"{len(unit)} files: {shown}"
    return f"series '{first.description or first.protocol or '(no description)'}' ({files})"


def common_folder(paths: list[str]) -> str:
    """The deepest folder holding all ``paths``: a series' ``path`` in the outputs."""
    return os.path.commonpath([str(Path(p).parent) for p in paths])
