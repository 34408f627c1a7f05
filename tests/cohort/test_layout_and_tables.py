"""The cohort sits in the ProstateX layout with the ProstateX tables; the ground truth is kept aside."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import SimpleITK as sitk

from medsynth_pipeline.cohort import plan_cohort, resolve_spec, tables

STUDY = re.compile(r"\d{2}-\d{2}-\d{4}-NA-MR prostaat kanker detectie WDSmc MCAPRODETW-\d{5}")
SERIES = {
    "t2_tse_tra": re.compile(r"4-t2tsetra-\d{5}"),
    "t2_tse_sag": re.compile(r"3-t2tsesag-\d{5}"),
    "ep2d_diff_tra_DYNDIST_ADC": re.compile(r"7-ep2ddifftraDYNDISTADC-\d{5}"),
    "ep2d_diff_tra_DYNDISTCALC_BVAL": re.compile(r"8-ep2ddifftraDYNDISTCALCBVAL-\d{5}"),
}


@pytest.fixture(scope="module")
def big_plan():
    """Planning is cheap: 40 patients of full-size geometry without rendering an image."""
    return plan_cohort(resolve_spec("prostatex"), 40, 2016)


def test_dicom_tree_follows_prostatex_names(tiny_cohort) -> None:
    patients = sorted(p.name for p in (tiny_cohort.raw / "PROSTATEx").iterdir())
    assert patients == ["ProstateX-0000", "ProstateX-0001", "ProstateX-0002"]
    for patient in patients:
        (study,) = list((tiny_cohort.raw / "PROSTATEx" / patient).iterdir())
        assert STUDY.fullmatch(study.name), study.name
        names = sorted(s.name for s in study.iterdir())
        assert len(names) == len(SERIES)
        assert all(any(rx.fullmatch(n) for rx in SERIES.values()) for n in names), names
        for series in study.iterdir():
            files = sorted(f.name for f in series.iterdir())
            assert files == [f"1-{k:02d}.dcm" for k in range(1, len(files) + 1)]


def test_ktrans_volumes_are_float_mhd_with_planned_geometry(tiny_cohort) -> None:
    for patient in tiny_cohort.plan.patients:
        pid = patient.patient_id
        path = tiny_cohort.raw / "ProstateXKtrans-train-fixed" / pid / f"{pid}-Ktrans.mhd"
        assert path.with_suffix(".zraw").is_file()  # compressed, as ProstateX ships it
        image = sitk.ReadImage(str(path))
        grid = patient.series_of("KTRANS").grid
        assert image.GetPixelID() == sitk.sitkFloat32 and image.GetSize() == grid.size
        np.testing.assert_allclose(image.GetOrigin(), grid.origin, atol=1e-6)
        np.testing.assert_allclose(image.GetSpacing(), grid.spacing, atol=1e-6)
        values = sitk.GetArrayViewFromImage(image)
        assert values.min() >= 0.0 and 0.2 < values.max() < 2.0  # /min


def test_findings_tables_have_prostatex_columns_and_values(tiny_cohort) -> None:
    info = tiny_cohort.raw / "ProstateX-TrainingLesionInformationv2"
    findings = pd.read_csv(info / "ProstateX-Findings-Train.csv", dtype=str)
    assert list(findings.columns) == ["ProxID", "fid", "pos", "zone", "ClinSig"]
    assert set(findings["ClinSig"]) <= {"TRUE", "FALSE"} and set(findings["zone"]) <= {"PZ", "TZ", "AS"}
    for pos in findings["pos"]:
        assert len([float(v) for v in pos.split(" ")]) == 3
    px2 = pd.read_csv(tiny_cohort.raw / "ProstateX-2" / "ProstateX-2-Findings-Train.csv", dtype=str)
    assert list(px2.columns) == ["ProxID", "fid", "pos", "zone", "ggg"]
    images = pd.read_csv(info / "ProstateX-Images-Train.csv")
    assert list(images.columns) == tables.IMAGES_COLUMNS
    ktrans = pd.read_csv(info / "ProstateX-Images-KTrans-Train.csv")
    assert list(ktrans.columns) == ["ProxID", "fid", "pos", "WorldMatrix", "ijk"]
    assert len(ktrans) == len(findings) and len(images) == 4 * len(findings)


def test_clinsig_and_grade_tables_agree_and_include_benign_findings(big_plan) -> None:
    findings = tables.findings_table(big_plan)
    px2 = tables.prostatex2_findings_table(big_plan)
    joined = px2.merge(findings, on=["ProxID", "fid"], suffixes=("", "_f"), validate="one_to_one")
    assert (joined["pos"] == joined["pos_f"]).all() and (joined["zone"] == joined["zone_f"]).all()
    assert set(px2["ggg"]) <= {1, 2, 3, 4, 5} and {1, 2, 3} <= set(px2["ggg"])
    assert (
        (joined["ggg"] >= 2) == (joined["ClinSig"] == "TRUE")
    ).all()  # ProstateX: significant = Gleason ≥ 7
    benign = findings.merge(px2[["ProxID", "fid"]], how="left", indicator=True).query("_merge == 'left_only'")
    assert len(benign) > 0 and (benign["ClinSig"] == "FALSE").all()  # benign biopsies are findings too
    share = (findings["ClinSig"] == "TRUE").mean()
    assert 0.1 < share < 0.5  # ProstateX: about a quarter of findings are significant
    assert findings.groupby("ProxID").size().max() > 1  # some patients have several findings


def test_images_table_locates_each_finding_in_each_series(big_plan) -> None:
    images = tables.images_table(big_plan)
    patient = big_plan.patients[5]
    rows = images[images["ProxID"] == patient.patient_id]
    for _, row in rows.iterrows():
        series = next(s for s in patient.series if s.description == row["DCMSerDescr"])
        world = np.array([float(v) for v in row["WorldMatrix"].split(",")]).reshape(4, 4)
        ijk = np.array([int(v) for v in row["ijk"].split()] + [1])
        pos = np.array([float(v) for v in row["pos"].split()])
        assert np.linalg.norm((world @ ijk)[:3] - pos) <= np.linalg.norm(series.grid.spacing) / 2 + 1e-6
        assert row["Dim"] == "x".join(str(v) for v in (*series.grid.size, 1))
        assert row["DCMSerNum"] == series.number


def test_truth_is_kept_outside_the_raw_tree(tiny_cohort) -> None:
    truth_files = {p.name for p in tiny_cohort.truth.iterdir()}
    assert truth_files == {"cohort_truth.csv", "lesions_truth.csv", "cohort_spec.json"}
    raw_names = {p.name for p in tiny_cohort.raw.rglob("*")}
    assert not raw_names & truth_files
    lesions = pd.read_csv(tiny_cohort.truth / "lesions_truth.csv")
    findings = pd.read_csv(
        tiny_cohort.raw / "ProstateX-TrainingLesionInformationv2" / "ProstateX-Findings-Train.csv"
    )
    assert len(lesions) == len(findings)
    assert list(lesions.columns) == tables.LESION_TRUTH_COLUMNS
    assert set(lesions["kind"]) <= {"cancer", "bph_nodule", "prostatitis", "benign"}
