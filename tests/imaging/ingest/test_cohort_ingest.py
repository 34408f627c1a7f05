"""The embedded cohort generator's output is ingested whole: every sequence of every patient, every lesion."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import SimpleITK as sitk
import yaml

from medsynth_pipeline.cohort import write_cohort
from medsynth_pipeline.imaging.ingest.findings import find_tables, read_findings
from medsynth_pipeline.imaging.ingest.series_index import build_series_index
from medsynth_pipeline.imaging.ingest.series_io import read_volume
from medsynth_pipeline.pipelines.ingest.nodes import ingest_options

PROJECT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cohort")
    write_cohort(root / "raw", root / "truth", n_patients=3, seed=7, preset="tiny")
    return root / "raw", root / "truth"


def test_tiny_cohort_ingests_completely(cohort) -> None:
    raw, truth = cohort
    params = {
        **yaml.safe_load((PROJECT / "conf/base/parameters_ingest.yml").read_text())["ingest"],
        "progress": False,
    }
    result = build_series_index(raw, ingest_options(params))
    assert result.rejections == []
    index = result.series_index
    patients = sorted(pd.read_csv(truth / "lesions_truth.csv")["patient_id"].unique())
    for patient in patients:
        kinds = set(index.loc[index["patient_id"] == patient, "kind"])
        assert {"T2W", "ADC", "KTRANS"} <= kinds, (patient, kinds)
    t2w = index[(index["kind"] == "T2W") & (index["plane"] == "axial")].iloc[0]
    image = read_volume(t2w)
    assert image.GetSize() == (t2w["size_x"], t2w["size_y"], t2w["size_z"])
    assert float(sitk.GetArrayViewFromImage(image).max()) > 0.0  # an image, not an empty grid


def test_tiny_cohort_lesions_match_the_truth(cohort, ingest_params) -> None:
    raw, truth = cohort
    tables = find_tables(raw, ingest_params["findings"]["name_globs"])
    result = read_findings(tables)
    assert result.rejections == []
    expected = pd.read_csv(truth / "lesions_truth.csv").set_index(["patient_id", "fid"]).sort_index()
    lesions = result.lesions.set_index(["patient_id", "fid"]).sort_index()
    assert list(lesions.index) == list(expected.index)
    np.testing.assert_allclose(
        lesions[["pos_x", "pos_y", "pos_z"]].to_numpy(),
        expected[["center_x", "center_y", "center_z"]].to_numpy(),
        atol=0.01,
    )
    assert lesions["clin_sig"].astype(bool).tolist() == expected["clin_sig"].astype(bool).tolist()
    graded = expected["ggg"] > 0
    assert lesions.loc[graded, "ggg"].astype(int).tolist() == expected.loc[graded, "ggg"].astype(int).tolist()
