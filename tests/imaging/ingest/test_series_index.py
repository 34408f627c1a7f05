"""The archive zoo: a tree of everything third-party DICOM exports contain, ingested in one scan.

Every file must end up indexed, rejected with the right reason (alone or with its series), or ignored by
name; nothing good may be lost because of something bad next to it; no identifier may leak.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pydicom
import pytest
import SimpleITK as sitk
import yaml
from pydicom import uid

from medsynth_pipeline.imaging.ingest.rejections import Reason, rejections_frame
from medsynth_pipeline.imaging.ingest.series_index import (
    SERIES_INDEX_COLUMNS,
    IngestResult,
    build_series_index,
)
from medsynth_pipeline.imaging.ingest.series_io import read_volume
from medsynth_pipeline.pipelines.ingest.nodes import ingest_options

PROJECT = Path(__file__).resolve().parents[3]


def base_params() -> dict:
    params = yaml.safe_load((PROJECT / "conf/base/parameters_ingest.yml").read_text())["ingest"]
    return {**params, "progress": False, "workers": 1}  # in-process: monkeypatches reach it, no pool start-up


def build_zoo(f, root: Path) -> dict[str, object]:
    """Write the zoo; returns the paths tests look at."""
    p0 = {"patient_id": "ProstateX-0000", "study_uid": "1.2.826.0.1.3680043.8.498.1"}
    t2, _ = f.write_series(root / "p0/t2", description="t2_tse_tra", n_slices=5, **p0)
    (root / "zz_copy").mkdir()
    (root / "zz_copy" / "IMG0001").write_bytes(t2[0].read_bytes())  # an export holding an image twice
    f.write_series(
        root / "p0/adc",
        description="ep2d_diff_tra_DYNDIST_ADC",
        syntax=uid.JPEG2000Lossless,
        pixel_spacing=(2, 2),
        **p0,
    )
    b_values = {
        "DiffusionBValue": [50] * 3 + [800] * 3,
        "ImagePositionPatient": [[0, 0, 3.0 * (i % 3)] for i in range(6)],
    }
    f.write_series(
        root / "p0/dwi",
        description="ep2d_diff_tra_DYNDIST",
        n_slices=6,
        syntax=uid.ImplicitVRLittleEndian,
        per_slice=b_values,
        **p0,
    )
    p1 = {"patient_id": "ProstateX-0001"}
    f.write_series(root / "p1/t2", description="t2_tse_tra", syntax=uid.ExplicitVRBigEndian, **p1)
    f.write_series(root / "p1/adc", description="ep2d_diff_tra_DYNDIST_ADC", syntax=uid.RLELossless, **p1)
    f.write_series(
        root / "p1/sag", description="t2_tse_sag", syntax=uid.JPEGLSLossless, orientation=f.SAGITTAL, **p1
    )
    f.write_series(root / "p1/t1", description="t1_tse_tra", syntax=uid.JPEGBaseline8Bit, n_slices=2, **p1)
    f.write_enhanced_mr(root / "p2/enhanced_dwi.dcm", b_values=(0, 800), patient_id="ProstateX-0002")
    dicomdir, media_files = f.write_dicomdir(
        root / "media", patient_id="ProstateX-0003", description="t2_tse_tra"
    )
    bad = root / "broken"
    f.write_series(bad / "missing_slice", skip=[2], n_slices=5)
    f.write_series(
        bad / "mixed_orientation",
        per_slice={"ImageOrientationPatient": [f.AXIAL, f.AXIAL, f.SAGITTAL, f.AXIAL]},
    )
    f.write_series(bad / "uneven", per_slice={"ImagePositionPatient": [[0, 0, z] for z in (0, 3, 6, 10)]})
    f.write_series(bad / "duplicates", per_slice={"ImagePositionPatient": [[0, 0, z] for z in (0, 3, 3, 6)]})
    truncated_series, _ = f.write_series(bad / "truncated_middle", n_slices=3)
    f.truncate(truncated_series[1])
    undecodable, _ = f.write_series(bad / "undecodable", n_slices=2, syntax=uid.JPEG2000Lossless)
    data = bytearray(undecodable[0].read_bytes())
    marker = data.find(b"\xff\x4f\xff\x51")
    data[marker : marker + 40] = b"\x00" * 40
    undecodable[0].write_bytes(bytes(data))
    mpeg, _ = f.write_series(bad / "video", n_slices=1)
    f.set_transfer_syntax(mpeg[0], "1.2.840.10008.1.2.4.100")
    (bad / "notes.dcm").write_text("this is a text file with a .dcm name\n")
    f.write_structured_report(bad / "report.dcm")
    volumes = root / "ProstateXKtrans-train-fixed"
    f.write_volume(
        volumes / "ProstateX-0000/ProstateX-0000-Ktrans.mhd", f.volume_values(4, 8, 8).astype(np.float32)
    )
    f.write_volume(
        volumes / "ProstateX-0001/ProstateX-0001-Ktrans.mhd", f.volume_values(4, 8, 8).astype(np.float32)
    )
    for companion in (volumes / "ProstateX-0001").glob("*raw"):
        companion.unlink()
    f.write_volume(root / "dce/case_dce.nii.gz", np.zeros((2, 3, 4, 5), np.float32))
    (root / "README.txt").write_text("export notes\n")
    return {
        "dicomdir": dicomdir,
        "media_files": media_files,
        "truncated": truncated_series[1],
        "mpeg": mpeg[0],
    }


@pytest.fixture(scope="module")
def zoo(factory, tmp_path_factory) -> tuple[Path, dict, IngestResult]:
    root = tmp_path_factory.mktemp("zoo")
    paths = build_zoo(factory, root)
    return root, paths, build_series_index(root, ingest_options(base_params()))


def test_every_file_is_indexed_rejected_or_ignored(zoo) -> None:
    root, _, result = zoo
    indexed = {f for files in result.series_index["files"] for f in files}
    rejected = {r.path for r in result.rejections}
    unaccounted = []
    for path in (p for p in root.rglob("*") if p.is_file()):
        text = str(path)
        if text in indexed or text in rejected or str(path.parent) in rejected:
            continue
        if path.suffix in (".txt", ".raw", ".zraw"):
            continue
        unaccounted.append(text)
    assert not unaccounted


def test_rejections_carry_the_right_reasons(zoo) -> None:
    root, paths, result = zoo
    by_path = {r.path: r for r in result.rejections}
    expected = {
        str(paths["dicomdir"]): Reason.DICOMDIR,
        str(paths["truncated"]): Reason.TRUNCATED,
        str(paths["mpeg"]): Reason.UNSUPPORTED_TRANSFER_SYNTAX,
        str(root / "broken/notes.dcm"): Reason.NOT_DICOM,
        str(root / "broken/report.dcm"): Reason.NO_PIXEL_DATA,
        str(root / "broken/missing_slice"): Reason.MISSING_SLICES,
        str(root / "broken/truncated_middle"): Reason.MISSING_SLICES,
        str(root / "broken/mixed_orientation"): Reason.INCONSISTENT_GEOMETRY,
        str(root / "broken/uneven"): Reason.INCONSISTENT_GEOMETRY,
        str(root / "broken/duplicates"): Reason.DUPLICATE_SLICES,
        str(root / "broken/undecodable"): Reason.DECODE_FAILED,
        str(
            root / "ProstateXKtrans-train-fixed/ProstateX-0001/ProstateX-0001-Ktrans.mhd"
        ): Reason.UNREADABLE_VOLUME,
        str(root / "dce/case_dce.nii.gz"): Reason.NOT_3D,
        str(root / "zz_copy/IMG0001"): Reason.DUPLICATE_INSTANCE,
    }
    assert {p: by_path[p].reason for p in expected if p in by_path} == expected
    assert len(result.rejections) == len(expected)
    assert all(r.detail for r in result.rejections)
    frame = rejections_frame(result.rejections)
    assert list(frame.columns) == ["path", "reason", "detail", "level"] and set(frame["reason"]) <= {
        str(r) for r in Reason
    }


def test_good_series_survive_their_broken_neighbours(zoo) -> None:
    _, _, result = zoo
    index = result.series_index
    assert list(index.columns) == SERIES_INDEX_COLUMNS
    kinds = index.groupby("patient_id")["kind"].agg(lambda k: sorted(k)).to_dict()
    assert kinds["ProstateX-0000"] == ["ADC", "DWI", "DWI", "KTRANS", "T2W"]
    assert kinds["ProstateX-0001"] == ["ADC", "OTHER", "T2W", "T2W"]
    assert kinds["ProstateX-0002"] == ["DWI", "DWI"]
    assert kinds["ProstateX-0003"] == ["T2W"]  # the DICOMDIR's files, without extensions
    assert index["volume_id"].is_unique
    dwi = index[(index["patient_id"] == "ProstateX-0000") & (index["kind"] == "DWI")]
    assert sorted(dwi["stack"]) == ["b_value=50", "b_value=800"] and set(dwi["size_z"]) == {3}
    assert dwi["series_uid"].nunique() == 1
    enhanced = index[index["source_format"] == "dicom_multiframe"]
    assert sorted(enhanced["stack"]) == ["b_value=0", "b_value=800"] and all(
        len(f) == 5 for f in enhanced["frames"]
    )
    sagittal = index[index["description"] == "t2_tse_sag"].iloc[0]
    assert sagittal["plane"] == "sagittal"
    assert set(index.loc[index["source_format"] == "mhd", "kind"]) == {"KTRANS"}


def test_every_row_reads_back_with_its_indexed_geometry(zoo) -> None:
    _, _, result = zoo
    for row in result.series_index.to_dict("records"):
        image = read_volume(row)
        assert image.GetSize() == (row["size_x"], row["size_y"], row["size_z"])
        assert image.GetSpacing() == pytest.approx((row["spacing_x"], row["spacing_y"], row["spacing_z"]))
        assert image.GetOrigin() == pytest.approx((row["origin_x"], row["origin_y"], row["origin_z"]))
        assert image.GetDirection() == pytest.approx(tuple(row["direction"]))
        assert image.GetPixelID() == sitk.sitkFloat32


def test_no_identifier_in_outputs_or_log(factory, tmp_path: Path, caplog) -> None:
    build_zoo(factory, tmp_path)
    with caplog.at_level(logging.DEBUG):
        result = build_series_index(tmp_path, ingest_options(base_params()))
    text = "\n".join(
        [
            result.series_index.to_csv(),
            rejections_frame(result.rejections).to_csv(),
            str(result.stats),
            caplog.text,
        ]
    ).lower()
    # every name component and distinctive word of the addresses and institution, and the birth date
    words = {w for v in factory.IDENTIFIERS.values() for w in v.replace("^", " ").replace(",", " ").split()}
    parts = {w for w in words if len(w) >= 6}  # shorter words ("Ann", "Lane") occur in ordinary text
    assert "Quixotebury" in parts and "Wrenfield" in parts and "19470312" in parts
    assert not [p for p in parts if p.lower() in text]
    assert "quixotebury" in {v.lower() for v in result.identifiers}  # they were seen, and kept out


def test_identifier_in_a_description_is_redacted_and_named_folders_reported(factory, tmp_path: Path) -> None:
    folder = tmp_path / "Quixotebury_Philomena" / "t2"
    factory.write_series(folder, description="t2 Quixotebury")
    factory.write_series(tmp_path / "bad", description="dwi for Quixotebury", skip=[1])
    result = build_series_index(tmp_path, ingest_options(base_params()))
    assert result.series_index.loc[0, "description"] == "<redacted>"
    assert result.stats["redacted_cells"] == 1 and result.stats["paths_with_identifiers"] == 1
    (rejection,) = result.rejections
    assert "quixotebury" not in rejection.detail.lower() and "dwi for <redacted>" in rejection.detail


def test_images_in_acquisition_reveals_a_missing_end_slice(factory, tmp_path: Path) -> None:
    factory.write_series(tmp_path / "s", n_slices=4, skip=[3], per_slice={"ImagesInAcquisition": [4] * 4})
    result = build_series_index(tmp_path, ingest_options(base_params()))
    assert result.series_index.empty
    assert (
        result.rejections[0].reason == Reason.MISSING_SLICES
        and "ImagesInAcquisition" in result.rejections[0].detail
    )
    params = base_params()
    params["geometry"] = {**params["geometry"], "trust_images_in_acquisition": False}
    assert len(build_series_index(tmp_path, ingest_options(params)).series_index) == 1


def test_pseudonymised_ids_and_uids(factory, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MEDSYNTH_PSEUDONYM_SALT", "test-salt")
    paths, _ = factory.write_series(tmp_path / "s", patient_id="HOSP-123456")
    params = base_params()
    params["pseudonymise"] = {**params["pseudonymise"], "enabled": True}
    row = build_series_index(tmp_path, ingest_options(params)).series_index.iloc[0]
    original = pydicom.dcmread(paths[0])
    assert row["patient_id"].startswith("anon-") and "123456" not in row["patient_id"]
    assert row["series_uid"] != original.SeriesInstanceUID and row["series_uid"].startswith("2.25.")
    assert row["study_uid"] != original.StudyInstanceUID


def test_an_empty_tree_gives_empty_tables(tmp_path: Path) -> None:
    result = build_series_index(tmp_path, ingest_options(base_params()))
    assert result.series_index.empty and list(result.series_index.columns) == SERIES_INDEX_COLUMNS
    assert result.rejections == [] and isinstance(result.series_index, pd.DataFrame)


def test_a_rescan_gives_identical_ids(zoo) -> None:
    """Reruns must be reproducible: ids derived for volumes and split series depend on the input alone."""
    root, _, first = zoo
    second = build_series_index(root, ingest_options(base_params()))
    columns = ["patient_id", "series_uid", "volume_id", "kind"]
    pd.testing.assert_frame_equal(
        first.series_index[columns].reset_index(drop=True), second.series_index[columns].reset_index(drop=True)
    )
    assert first.series_index["volume_id"].is_unique
