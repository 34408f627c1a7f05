"""What ingest did, for people: counts per series kind, rejections per reason, as a table and Markdown."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from medsynth_pipeline.imaging.ingest.classify import KINDS
from medsynth_pipeline.imaging.ingest.rejections import REASON_TEXT, Reason

SUMMARY_COLUMNS = ["section", "item", "value"]
#: The sequences the prostate pipeline needs per patient.
REQUIRED_KINDS = ("T2W", "ADC", "KTRANS")


def summarise(
    series_index: pd.DataFrame,
    lesions: pd.DataFrame,
    rejected: pd.DataFrame,
    stats: Mapping[str, float],
    *,
    max_listed_rejections: int = 25,
) -> tuple[pd.DataFrame, str]:
    """The ``ingest_summary`` table (section, item, value) and its Markdown rendering."""
    patients = set(series_index["patient_id"]) if len(series_index) else set()
    complete = _patients_with_all(series_index, REQUIRED_KINDS)
    lesion_patients = set(lesions["patient_id"]) if len(lesions) else set()
    totals = {
        "patients": len(patients),
        f"patients with {'+'.join(REQUIRED_KINDS)}": len(complete),
        "series/volumes indexed": len(series_index),
        "DICOM candidate files scanned": int(stats.get("files_scanned", 0)),
        "volume files found": int(stats.get("volume_files", 0)),
        "files ignored by name": int(stats.get("files_ignored", 0)),
        "items rejected": len(rejected),
        "lesions": len(lesions),
        "lesions with a grade group": int(lesions["ggg"].notna().sum()) if len(lesions) else 0,
        "clinically significant lesions": int(lesions["clin_sig"].fillna(False).sum()) if len(lesions) else 0,
        "lesions of patients without images": len(lesions[~lesions["patient_id"].isin(patients)])
        if len(lesions)
        else 0,
        "patients with images but no findings": len(patients - lesion_patients),
        "output cells redacted (identifiers)": int(stats.get("redacted_cells", 0)),
        "paths containing identifiers": int(stats.get("paths_with_identifiers", 0)),
        "seconds": float(stats.get("total_seconds", 0.0)),
        "header files per second": float(stats.get("files_per_second", 0.0)),
    }
    kinds = series_index["kind"].value_counts() if len(series_index) else pd.Series(dtype=int)
    formats = series_index["source_format"].value_counts() if len(series_index) else pd.Series(dtype=int)
    reasons = rejected["reason"].value_counts() if len(rejected) else pd.Series(dtype=int)
    rows = [("totals", k, v) for k, v in totals.items()]
    rows += [("series_kind", kind, int(kinds.get(kind, 0))) for kind in KINDS]
    rows += [("source_format", fmt, int(n)) for fmt, n in formats.sort_index().items()]
    rows += [("rejection_reason", reason, int(n)) for reason, n in reasons.sort_index().items()]
    table = pd.DataFrame([(s, i, _text(v)) for s, i, v in rows], columns=SUMMARY_COLUMNS)
    return table, _markdown(table, rejected, max_listed_rejections)


def _patients_with_all(series_index: pd.DataFrame, kinds: tuple[str, ...]) -> set[str]:
    if series_index.empty:
        return set()
    have = series_index.groupby("patient_id")["kind"].agg(set)
    return {p for p, present in have.items() if set(kinds) <= present}


def _markdown(table: pd.DataFrame, rejected: pd.DataFrame, max_listed: int) -> str:
    def section(name: str) -> pd.DataFrame:
        return table[table["section"] == name]

    lines = ["# Ingest summary", "", "| | |", "|---|---:|"]
    lines += [f"| {r.item} | {r.value} |" for r in section("totals").itertuples()]
    lines += ["", "## Series and volumes per kind", "", "| kind | count |", "|---|---:|"]
    lines += [f"| {r.item} | {r.value} |" for r in section("series_kind").itertuples()]
    lines += ["", "| source format | count |", "|---|---:|"]
    lines += [f"| {r.item} | {r.value} |" for r in section("source_format").itertuples()]
    lines += ["", "## Rejections by reason", ""]
    reasons = section("rejection_reason")
    if reasons.empty:
        lines.append("Nothing was rejected.")
    else:
        lines += ["| reason | count | meaning |", "|---|---:|---|"]
        lines += [
            f"| {r.item} | {r.value} | {REASON_TEXT.get(Reason(r.item), '')} |" for r in reasons.itertuples()
        ]
        lines += ["", f"### First {min(max_listed, len(rejected))} of {len(rejected)} rejected items", ""]
        lines += ["| path | reason | detail |", "|---|---|---|"]
        lines += [
            f"| `{_cell(r.path)}` | {r.reason} | {_cell(r.detail)} |"
            for r in rejected.head(max_listed).itertuples()
        ]
        lines += ["", "All of them are in `rejected_files` (data/02_intermediate/rejected_files.csv)."]
    return "\n".join(lines) + "\n"


def _text(value: float) -> str:
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
