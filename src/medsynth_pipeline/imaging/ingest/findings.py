"""Findings tables (ProstateX, ProstateX-2) to one ``lesions`` table in LPS millimetres.

ProstateX ships ``ProstateX-Findings-Train.csv`` (ProxID, fid, pos, zone, ClinSig) and ProstateX-2
``ProstateX-2-Findings-Train.csv`` (ProxID, fid, pos, zone, ggg). Tables are found under the raw
directory by file name or given explicitly; their kind is told by their columns. Rows are joined on
(patient, fid). A bad row or table is rejected with its row number; the others are kept.
"""

from __future__ import annotations

import fnmatch
import io
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from medsynth_pipeline.imaging.ingest.inventory import is_utf8_name, walk_files
from medsynth_pipeline.imaging.ingest.rejections import Reason, Rejection

logger = logging.getLogger(__name__)

LESION_COLUMNS = [
    "patient_id",
    "fid",
    "pos_x",
    "pos_y",
    "pos_z",
    "zone",
    "clin_sig",
    "ggg",
    "gleason",
    "source",
]

#: Column names as the tables spell them (lower-cased), mapped to ours.
COLUMN_ALIASES: dict[str, str] = {
    "proxid": "patient_id",
    "patientid": "patient_id",
    "patient_id": "patient_id",
    "fid": "fid",
    "pos": "pos",
    "zone": "zone",
    "clinsig": "clin_sig",
    "clin_sig": "clin_sig",
    "ggg": "ggg",
    "gleason_grade_group": "ggg",
    "gleasongradegroup": "ggg",
    "gleason": "gleason",
    "gleason_score": "gleason",
}
#: Grade group to Gleason pattern where the group determines it (groups 4 and 5 do not).
GLEASON_OF_GRADE_GROUP = {1: "3+3", 2: "3+4", 3: "4+3"}
#: ProstateX calls a lesion clinically significant from Gleason 7 (grade group 2) upwards.
SIGNIFICANT_FROM_GRADE_GROUP = 2
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


@dataclass
class FindingsResult:
    lesions: pd.DataFrame
    rejections: list[Rejection] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)


def find_tables(raw_dir: Path, name_globs: Sequence[str], explicit: Sequence[str] = ()) -> list[Path]:
    """Findings tables under ``raw_dir`` whose name matches a glob, then the explicit paths."""
    patterns = [g.lower() for g in name_globs]
    # the same walk as the image scan (linked folders followed); a name that is not UTF-8 is rejected there
    found = [
        path
        for path in walk_files(Path(raw_dir))
        if is_utf8_name(path) and any(fnmatch.fnmatch(path.name.lower(), p) for p in patterns)
    ]
    for path in map(Path, explicit):
        if not path.is_file():
            raise FileNotFoundError(f"ingest.findings.paths names '{path}', which is not a file")
        if path not in found:
            found.append(path)
    return found


def parse_position(text: Any) -> tuple[float, float, float]:
    """ProstateX ``pos``: three numbers "x y z" (LPS mm), separated by spaces or commas."""
    parts = [p for p in re.split(r"[\s,;]+", str(text).strip().strip("[]()")) if p]
    if len(parts) != 3:
        raise ValueError(f"pos {text!r} is not three numbers 'x y z'")
    values = tuple(float(p) for p in parts)
    if not all(np.isfinite(values)):
        raise ValueError(f"pos {text!r} is not finite")
    return values  # type: ignore[return-value]


def read_table(path: Path) -> pd.DataFrame:
    """A CSV as text columns, whatever spreadsheet wrote it: UTF-8 (with or without BOM), UTF-16,
    Windows-1252/Latin-1, separated by commas, semicolons (European Excel) or tabs."""
    data = Path(path).read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    elif b"\x00" in data[:8192]:
        raise ValueError("binary data, not a text table")
    else:
        text = _decode_8bit(data)
    first_line = text.split("\n", 1)[0]
    separator = max((",", ";", "\t"), key=first_line.count)
    return pd.read_csv(
        io.StringIO(text), sep=separator, dtype=str, keep_default_na=False, skipinitialspace=True
    )


def _decode_8bit(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # every byte is a character: never fails


def read_findings(
    tables: Iterable[Path], patient_id_map: Any = None, pos_tolerance_mm: float = 1.0
) -> FindingsResult:
    """Parse and join findings tables. ``patient_id_map`` maps raw ids to pseudonyms (identity if None)."""
    result = FindingsResult(pd.DataFrame(columns=LESION_COLUMNS))
    records: dict[tuple[str, int], dict[str, Any]] = {}
    for table in tables:
        result.tables.append(str(table))
        try:
            frame = read_table(table)
        except Exception as exc:  # unreadable CSV: reject the table, keep the others
            result.rejections.append(
                Rejection(str(table), Reason.BAD_FINDING, f"cannot read table: {exc}", "finding")
            )
            continue
        frame = frame.rename(columns=lambda c: COLUMN_ALIASES.get(str(c).strip().lower(), str(c).strip()))
        missing = {"patient_id", "fid", "pos"} - set(frame.columns)
        if missing:
            detail = f"not a findings table: no column(s) {sorted(missing)} (has {list(frame.columns)})"
            result.rejections.append(Rejection(str(table), Reason.BAD_FINDING, detail, "finding"))
            continue
        for number, row in enumerate(frame.to_dict("records"), start=2):  # row 1 is the header
            try:
                record = _parse_row(row, table.name)
            except ValueError as exc:
                where = f"{table}:{number}"
                result.rejections.append(Rejection(where, Reason.BAD_FINDING, str(exc), "finding"))
                continue
            _merge(records, record, pos_tolerance_mm, f"{table}:{number}")
    lesions = pd.DataFrame(list(records.values()), columns=LESION_COLUMNS)
    if patient_id_map is not None and len(lesions):
        lesions["patient_id"] = lesions["patient_id"].map(patient_id_map)
    result.lesions = _typed(lesions)
    return result


def _parse_row(row: dict[str, str], source: str) -> dict[str, Any]:
    patient_id = str(row.get("patient_id", "")).strip()
    if not patient_id:
        raise ValueError("empty patient id")
    try:
        fid = int(float(str(row["fid"]).strip()))
    except ValueError:
        raise ValueError(f"fid {row['fid']!r} is not a number") from None
    x, y, z = parse_position(row["pos"])
    ggg = _grade_group(row.get("ggg", ""))
    gleason = str(row.get("gleason", "")).strip() or GLEASON_OF_GRADE_GROUP.get(ggg or 0)
    clin_sig = _boolean(row.get("clin_sig", ""))
    if clin_sig is None and ggg is not None:
        clin_sig = ggg >= SIGNIFICANT_FROM_GRADE_GROUP
    return {
        "patient_id": patient_id, "fid": fid, "pos_x": x, "pos_y": y, "pos_z": z,
        "zone": str(row.get("zone", "")).strip() or None, "clin_sig": clin_sig, "ggg": ggg,
        "gleason": gleason, "source": source,
    }  # fmt: skip


def _merge(
    records: dict[tuple[str, int], dict[str, Any]], record: dict[str, Any], tol: float, where: str
) -> None:
    key = (record["patient_id"], record["fid"])
    if key not in records:
        records[key] = record
        return
    kept = records[key]
    shift = np.linalg.norm([kept[a] - record[a] for a in ("pos_x", "pos_y", "pos_z")])
    if shift > tol:
        # the row, not the patient id: ids may be the ones pseudonymisation replaces
        logger.warning(
            "findings: %s places its finding %.1f mm from an earlier table; kept the first", where, shift
        )
    for column in ("zone", "clin_sig", "ggg", "gleason"):
        if kept[column] is None and record[column] is not None:
            kept[column] = record[column]
    if record["source"] not in kept["source"].split(";"):
        kept["source"] += ";" + record["source"]


def _grade_group(value: Any) -> int | None:
    text = str(value).strip()
    if not text or text.lower() in {"na", "nan", "none"}:
        return None
    try:
        group = int(float(text))
    except ValueError:
        raise ValueError(f"ggg {value!r} is not a grade group 1-5") from None
    if not 1 <= group <= 5:
        raise ValueError(f"ggg {value!r} is not a grade group 1-5")
    return group


def _boolean(value: Any) -> bool | None:
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text in {"", "na", "nan", "none"}:
        return None
    raise ValueError(f"ClinSig {value!r} is not TRUE/FALSE")


def _typed(lesions: pd.DataFrame) -> pd.DataFrame:
    lesions = lesions.astype(
        {"patient_id": "string", "fid": "int64", "pos_x": "float64", "pos_y": "float64", "pos_z": "float64",
         "zone": "string", "clin_sig": "boolean", "ggg": "Int64", "gleason": "string", "source": "string"}
    )  # fmt: skip
    return lesions.sort_values(["patient_id", "fid"], kind="stable").reset_index(drop=True)
