"""De-identification guards: identifier values collected, outputs redacted, pseudonyms salted and stable."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pydicom
import pytest
from pydicom.datadict import tag_for_keyword

from medsynth_pipeline.imaging.ingest.deid import (
    DIRECT_IDENTIFIER_KEYWORDS,
    Pseudonymiser,
    identifier_values,
    is_placeholder,
    path_contains_identifier,
    redact_identifiers,
    redact_text,
)
from medsynth_pipeline.imaging.ingest.series_index import build_series_index
from medsynth_pipeline.pipelines.ingest.nodes import ingest_options


def test_every_listed_keyword_is_a_dicom_keyword() -> None:
    assert all(tag_for_keyword(k) is not None for k in DIRECT_IDENTIFIER_KEYWORDS)
    assert "PatientID" not in DIRECT_IDENTIFIER_KEYWORDS  # the join key, pseudonymised separately


def test_identifier_values_split_names(factory) -> None:
    ds = pydicom.Dataset()
    for keyword, value in factory.IDENTIFIERS.items():
        setattr(ds, keyword, value)
    values = identifier_values(ds)
    assert {"Quixotebury", "Philomena", "19470312", "Thistlewood", "Gossington Royal Infirmary"} <= values
    assert "Ann" not in values  # too short to match safely


def test_redact_identifiers_in_cells_but_not_skipped_columns() -> None:
    frame = pd.DataFrame(
        {"description": ["t2 for quixotebury", "t2_tse_tra"], "path": ["/x/Quixotebury/1", "/y"], "n": [1, 2]}
    )
    cleaned, count = redact_identifiers(frame, {"Quixotebury"}, skip_columns=("path",))
    assert count == 1 and cleaned["description"].tolist() == ["<redacted>", "t2_tse_tra"]
    assert cleaned["path"].tolist() == frame["path"].tolist()
    assert path_contains_identifier("/x/Quixotebury/1", {"quixotebury"})


def test_pseudonymiser_needs_a_salt(monkeypatch) -> None:
    monkeypatch.delenv("TEST_SALT", raising=False)
    with pytest.raises(ValueError, match="TEST_SALT"):
        Pseudonymiser(enabled=True, salt_env="TEST_SALT")


def test_pseudonyms_are_stable_salted_and_valid(monkeypatch) -> None:
    monkeypatch.setenv("TEST_SALT", "s3cret")
    first = Pseudonymiser(enabled=True, salt_env="TEST_SALT")
    assert first.patient_id("ProstateX-0000") == first.patient_id("ProstateX-0000")
    assert first.patient_id("ProstateX-0000") != first.patient_id("ProstateX-0001")
    assert re.fullmatch(r"anon-[0-9a-f]{12}", first.patient_id("ProstateX-0000"))
    uid = first.uid("1.2.3.4")
    assert uid.startswith("2.25.") and len(uid) <= 64 and pydicom.uid.UID(uid).is_valid
    monkeypatch.setenv("TEST_SALT", "other")
    assert Pseudonymiser(enabled=True, salt_env="TEST_SALT").patient_id("ProstateX-0000") != first.patient_id(
        "ProstateX-0000"
    )
    assert Pseudonymiser(enabled=False).patient_id("ProstateX-0000") == "ProstateX-0000"


def test_numbers_match_only_whole_and_placeholders_not_at_all() -> None:
    identifiers = {"1234", "19470312", "Doe"}
    assert redact_text("study 1234, 512345 bytes, born 19470312, Doe", identifiers) == (
        "study <redacted>, 512345 bytes, born <redacted>, <redacted>"
    )
    assert is_placeholder("000000000") and is_placeholder("ANONYMOUS") and not is_placeholder("19470312")


def test_a_numeric_study_id_inside_the_uids_leaves_the_uids_intact(
    factory, ingest_params, tmp_path: Path
) -> None:
    """A StudyID "1234" occurring in the UIDs replaced study_uid, series_uid and volume_id by <redacted>,
    which broke the join keys of every later stage."""
    paths, _ = factory.write_series(
        tmp_path, n_slices=3, series_uid="1.2.826.0.1.3680043.1234.5", study_uid="1.2.826.0.1.3680043.1234.6",
        description="t2 1234",
    )  # fmt: skip
    factory.rewrite(paths, lambda ds: setattr(ds, "StudyID", "1234"))
    row = build_series_index(tmp_path, ingest_options(ingest_params)).series_index.iloc[0]
    assert (row["series_uid"], row["study_uid"]) == (
        "1.2.826.0.1.3680043.1234.5",
        "1.2.826.0.1.3680043.1234.6",
    )
    assert row["volume_id"] == row["series_uid"] and row["description"] == "<redacted>"


def test_coded_values_inside_identifier_sequences_are_not_identifiers() -> None:
    """pydicom's CT_small holds "TEXT" (a code string) in such a sequence: "Basic Text SR" became
    "Basic <redacted> SR" in the rejection details."""
    item = pydicom.Dataset()
    item.ValueType, item.RequestedProcedureID = "TEXT", "RQ-7781-Pemberton"
    ds = pydicom.Dataset()
    ds.RequestAttributesSequence = pydicom.Sequence([item])
    assert identifier_values(ds) == {"RQ-7781-Pemberton"}
