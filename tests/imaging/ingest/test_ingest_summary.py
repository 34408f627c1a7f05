"""The summary counts what the tables hold."""

from __future__ import annotations

import pandas as pd

from medsynth_pipeline.imaging.ingest.rejections import Reason, Rejection, rejections_frame
from medsynth_pipeline.imaging.ingest.summary import summarise


def test_counts_and_markdown() -> None:
    index = pd.DataFrame(
        {"patient_id": ["a", "a", "a", "b"], "kind": ["T2W", "ADC", "KTRANS", "T2W"],
         "source_format": ["dicom", "dicom", "mhd", "dicom"]}
    )  # fmt: skip
    lesions = pd.DataFrame(
        {
            "patient_id": ["a", "c"],
            "ggg": pd.array([2, None], "Int64"),
            "clin_sig": pd.array([True, None], "boolean"),
        }
    )
    rejected = rejections_frame(
        [Rejection("x.dcm", Reason.TRUNCATED, "short"), Rejection("y", Reason.TRUNCATED, "short"),
         Rejection("z|w", Reason.NOT_DICOM, "text | file")]
    )  # fmt: skip
    table, markdown = summarise(index, lesions, rejected, {"files_scanned": 12, "total_seconds": 1.25})
    values = {(r.section, r.item): r.value for r in table.itertuples()}
    assert values[("totals", "patients")] == "2" and values[("totals", "patients with T2W+ADC+KTRANS")] == "1"
    assert values[("series_kind", "T2W")] == "2" and values[("series_kind", "DWI")] == "0"
    assert (
        values[("rejection_reason", "truncated")] == "2" and values[("rejection_reason", "not_dicom")] == "1"
    )
    assert values[("totals", "lesions of patients without images")] == "1"
    assert (
        values[("totals", "clinically significant lesions")] == "1" and values[("totals", "seconds")] == "1.2"
    )
    assert "| truncated | 2 |" in markdown and "text \\| file" in markdown


def test_nothing_rejected() -> None:
    empty = pd.DataFrame(columns=["patient_id", "kind", "source_format"])
    lesions = pd.DataFrame(columns=["patient_id", "ggg", "clin_sig"])
    table, markdown = summarise(empty, lesions, rejections_frame([]), {})
    assert "Nothing was rejected." in markdown and set(table["section"]) == {"totals", "series_kind"}
