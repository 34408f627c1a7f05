"""Findings tables: ProstateX positions parsed, ProstateX-2 grades joined, bad rows rejected with the row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from medsynth_pipeline.imaging.ingest.findings import (
    LESION_COLUMNS,
    find_tables,
    parse_position,
    read_findings,
)
from medsynth_pipeline.imaging.ingest.rejections import Reason

PROSTATEX = """ProxID,fid,pos,zone,ClinSig
ProstateX-0000,1,25.7457 31.8707 -38.511,PZ,TRUE
ProstateX-0000,2,-10.2  5.5   12,TZ,FALSE
ProstateX-0001,1,1 2 3,AS,FALSE
"""
PROSTATEX2 = """ProxID,fid,pos,zone,ggg
ProstateX-0000,1,25.7457 31.8707 -38.511,PZ,2
ProstateX-0002,1,4 5 6,PZ,4
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25.7457 31.8707 -38.511", (25.7457, 31.8707, -38.511)),
        ("  -1  2.5   3e1 ", (-1.0, 2.5, 30.0)),
        ("1,2,3", (1.0, 2.0, 3.0)),
        ("[1 2 3]", (1.0, 2.0, 3.0)),
    ],
)
def test_parse_position(text: str, expected) -> None:
    assert parse_position(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["1 2", "1 2 3 4", "a b c", "", "1 nan 3"])
def test_parse_position_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_position(text)


def test_join_prostatex_and_prostatex2(tmp_path: Path) -> None:
    tables = [
        write(tmp_path, "a/ProstateX-Findings-Train.csv", PROSTATEX),
        write(tmp_path, "b/ProstateX-2-Findings-Train.csv", PROSTATEX2),
    ]
    result = read_findings(tables)
    lesions = result.lesions.set_index(["patient_id", "fid"])
    assert list(result.lesions.columns) == LESION_COLUMNS and len(lesions) == 4 and not result.rejections
    first = lesions.loc[("ProstateX-0000", 1)]
    assert (first.pos_x, first.pos_y, first.pos_z) == pytest.approx((25.7457, 31.8707, -38.511))
    assert bool(first.clin_sig) and first.ggg == 2 and first.gleason == "3+4" and first.zone == "PZ"
    assert first.source == "ProstateX-Findings-Train.csv;ProstateX-2-Findings-Train.csv"
    benign = lesions.loc[("ProstateX-0000", 2)]
    assert not bool(benign.clin_sig) and pd.isna(benign.ggg) and pd.isna(benign.gleason)
    only_grade = lesions.loc[("ProstateX-0002", 1)]
    assert (
        bool(only_grade.clin_sig) and only_grade.ggg == 4 and pd.isna(only_grade.gleason)
    )  # 4 = 4+4, 3+5 or 5+3
    assert str(result.lesions["clin_sig"].dtype) == "boolean" and str(result.lesions["ggg"].dtype) == "Int64"


def test_bad_rows_rejected_with_their_row_number(tmp_path: Path) -> None:
    text = (
        PROSTATEX
        + "ProstateX-0003,1,1 2,PZ,TRUE\nProstateX-0003,x,1 2 3,PZ,TRUE\n,1,1 2 3,PZ,TRUE\nProstateX-0004,1,1 2 3,PZ,maybe\n"
    )
    table = write(tmp_path, "ProstateX-Findings-Train.csv", text)
    result = read_findings([table])
    assert len(result.lesions) == 3
    rows = {r.path.rsplit(":", 1)[1]: r for r in result.rejections}
    assert set(rows) == {"5", "6", "7", "8"} and {r.reason for r in result.rejections} == {Reason.BAD_FINDING}
    assert "three numbers" in rows["5"].detail and "fid" in rows["6"].detail and "ClinSig" in rows["8"].detail


def test_grade_group_out_of_range(tmp_path: Path) -> None:
    table = write(tmp_path, "ProstateX-2-Findings-Train.csv", "ProxID,fid,pos,zone,ggg\nP1,1,1 2 3,PZ,7\n")
    result = read_findings([table])
    assert result.lesions.empty and "grade group" in result.rejections[0].detail


def test_table_without_required_columns_rejected(tmp_path: Path) -> None:
    table = write(tmp_path, "ProstateX-Images-Findings.csv", "ProxID,Name,fid\nP1,t2,1\n")
    result = read_findings([table])
    assert result.lesions.empty and "no column(s) ['pos']" in result.rejections[0].detail


def test_patient_ids_mapped(tmp_path: Path) -> None:
    result = read_findings([write(tmp_path, "f.csv", PROSTATEX)], patient_id_map=lambda p: "anon-" + p[-4:])
    assert set(result.lesions["patient_id"]) == {"anon-0000", "anon-0001"}


def test_find_tables_by_name_and_explicit_paths(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    found = write(raw, "ProstateX-TrainingLesionInformationv2/ProstateX-Findings-Train.csv", PROSTATEX)
    write(raw, "ProstateX-TrainingLesionInformationv2/ProstateX-Images-Train.csv", "x\n")
    elsewhere = write(tmp_path, "grades.csv", PROSTATEX2)
    assert find_tables(raw, ["*findings*.csv"], [str(elsewhere)]) == [found, elsewhere]
    with pytest.raises(FileNotFoundError, match="missing.csv"):
        find_tables(raw, ["*findings*.csv"], [str(tmp_path / "missing.csv")])


def test_conflicting_positions_keep_the_first_and_warn(tmp_path: Path, caplog) -> None:
    first = write(tmp_path, "a.csv", "ProxID,fid,pos,zone,ClinSig\nP1,1,0 0 0,PZ,TRUE\n")
    second = write(tmp_path, "b.csv", "ProxID,fid,pos,zone,ggg\nP1,1,5 0 0,PZ,2\n")
    with caplog.at_level("WARNING"):
        lesions = read_findings([first, second]).lesions
    assert lesions.loc[0, "pos_x"] == 0.0 and lesions.loc[0, "ggg"] == 2
    assert "5.0 mm" in caplog.text and "b.csv:2" in caplog.text and "P1" not in caplog.text


@pytest.mark.parametrize(
    ("encoding", "separator"),
    [("utf-8-sig", ","), ("utf-16", ","), ("cp1252", ";"), ("latin-1", "\t")],
)
def test_tables_from_other_spreadsheets_are_read(tmp_path: Path, encoding: str, separator: str) -> None:
    """A Latin-1 or UTF-16 table, or a European Excel export with semicolons, lost every finding."""
    text = "ProxID,fid,pos,zone,ClinSig\nPatient-\u00e9\u00fc,1,1.5 -2 30,PZ,TRUE\n".replace(",", separator)
    table = tmp_path / "findings.csv"
    table.write_bytes(text.encode(encoding))
    result = read_findings([table])
    assert result.rejections == []
    assert result.lesions[["patient_id", "pos_x", "pos_z"]].values.tolist() == [
        ["Patient-\u00e9\u00fc", 1.5, 30.0]
    ]


def test_a_binary_file_named_like_a_table_is_rejected(tmp_path: Path) -> None:
    table = tmp_path / "findings.csv"
    table.write_bytes(bytes(range(256)) * 8)
    result = read_findings([table])
    assert result.lesions.empty and "binary data" in result.rejections[0].detail


def test_tables_in_linked_folders_are_found_like_the_images(tmp_path: Path) -> None:
    """The image scan follows linked folders; the findings search did not, so lesions went missing."""
    table = write(tmp_path / "download", "ProstateX-Findings-Train.csv", PROSTATEX)
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw/lesion_info").symlink_to(tmp_path / "download")
    assert find_tables(tmp_path / "raw", ["*findings*.csv"]) == [tmp_path / "raw/lesion_info" / table.name]
