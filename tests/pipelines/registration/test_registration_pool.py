"""register & crop with a pool of two gives the volumes and transforms of the serial run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import SimpleITK as sitk
import yaml

from medsynth_pipeline.cohort import write_cohort
from medsynth_pipeline.pipelines.ingest.nodes import index_series, read_lesions
from medsynth_pipeline.pipelines.registration.nodes import register_and_crop

ROOT = Path(__file__).resolve().parents[3]
TIMING = ["seconds"]  # the only report column that may differ between runs


def test_pooled_registration_equals_the_serial_one(tmp_path: Path) -> None:
    write_cohort(tmp_path / "raw", tmp_path / "truth", n_patients=3, seed=7, preset="tiny")
    ingest = yaml.safe_load((ROOT / "conf/base/parameters_ingest.yml").read_text())["ingest"]
    ingest.update(raw_dir=str(tmp_path / "raw"), progress=False, workers=1)
    series_index, _, _ = index_series(ingest)
    lesions, _ = read_lesions(ingest)
    params = yaml.safe_load((ROOT / "conf/base/parameters_registration.yml").read_text())["registration"]
    params["rigid"]["refine"]["iterations"] = 1  # as conf/test: the equality, not the accuracy, is tested
    (serial, serial_report), (pooled, pooled_report) = (
        register_and_crop(series_index, lesions, {**params, "workers": n}) for n in (1, 2)
    )
    assert len(serial) == 3 * 3 and set(serial_report["status"]) == {"registered"}
    assert list(pooled) == list(serial)  # the same partitions in the same order
    for name, image in serial.items():
        other = pooled[name]
        assert other.GetSize() == image.GetSize() and other.GetOrigin() == image.GetOrigin(), name
        assert other.GetSpacing() == image.GetSpacing() and other.GetDirection() == image.GetDirection(), name
        np.testing.assert_array_equal(sitk.GetArrayFromImage(other), sitk.GetArrayFromImage(image), err_msg=name)
    assert serial_report[["rx_deg", "tx_mm"]].abs().to_numpy().sum() > 0  # transforms were estimated
    pd.testing.assert_frame_equal(pooled_report.drop(columns=TIMING), serial_report.drop(columns=TIMING))
