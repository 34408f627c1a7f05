"""The registration pipeline on a tiny on-disk cohort: accuracy, report, robustness, check figure."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
import SimpleITK as sitk
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from medsynth_pipeline.imaging.registration.rigid import box_corners, identity_at, max_displacement_difference
from medsynth_pipeline.pipelines.registration import create_pipeline
from medsynth_pipeline.pipelines.registration.nodes import plot_registration_check, register_and_crop

from ..conftest import KeptMemoryDataset

LESION = (12.0, 10.0, 5.0)


def _transform(row) -> sitk.Euler3DTransform:
    transform = identity_at((row.center_x, row.center_y, row.center_z))
    transform.SetRotation(*np.radians([row.rx_deg, row.ry_deg, row.rz_deg]))
    transform.SetTranslation((row.tx_mm, row.ty_mm, row.tz_mm))
    return transform


def test_pipeline_registers_every_moving_series_within_1mm(tiny_cohort, registration_params):
    series_index, lesions, truths = tiny_cohort
    catalog = DataCatalog(
        {
            "series_index": MemoryDataset(series_index),
            "lesions": MemoryDataset(lesions),
            "params:registration": MemoryDataset(registration_params),
            "registered_volumes": KeptMemoryDataset(copy_mode="assign"),
            "registration_report": MemoryDataset(),
            "registration_check": MemoryDataset(copy_mode="assign"),
        }
    )
    SequentialRunner().run(create_pipeline(), catalog)
    report = catalog.load("registration_report")
    done = report[report["status"] == "registered"]
    assert sorted(zip(done["patient_id"], done["moving_kind"], strict=True)) == sorted(truths)
    for row in done.itertuples():
        centre = (row.center_x, row.center_y, row.center_z)
        truth, recovered = truths[(row.patient_id, row.moving_kind)], _transform(row)
        # the offset at the prostate (crop centre and finding) within 1 mm; rotations within reason
        error = max_displacement_difference(recovered, truth, [centre, LESION])
        assert error < 1.0, f"{row.patient_id} {row.moving_kind}: {error:.2f} mm"
        assert max_displacement_difference(recovered, truth, box_corners(centre, (40.0, 40.0, 30.0))) < 2.0
        assert row.metric_final < row.metric_initial
    missing = report[report["status"].str.startswith("missing")]
    assert ("P2", "KTRANS") in set(zip(missing["patient_id"], missing["moving_kind"], strict=True))
    assert "P0" not in set(missing["patient_id"])
    unreadable = report[report["status"].str.startswith("unreadable")]
    assert list(unreadable["patient_id"]) == ["P3"]

    volumes = catalog.load("registered_volumes")
    assert sorted(volumes) == ["P0/ADC", "P0/KTRANS", "P0/T2W", "P1/ADC", "P1/KTRANS", "P1/T2W", "P2/ADC", "P2/T2W"]
    assert {v.GetSize()[:2] for v in volumes.values()} == {(64, 64)}
    # crop centred on the finding; the registered ADC shows the lesion's low ADC at the T2w lesion position
    p0_adc = volumes["P0/ADC"]
    assert p0_adc.TransformContinuousIndexToPhysicalPoint((31.5, 31.5, 0))[:2] == pytest.approx(LESION[:2])
    assert p0_adc[p0_adc.TransformPhysicalPointToIndex(LESION)] < 1000.0
    assert catalog.load("registration_check").axes
    plt.close("all")


def test_switching_registration_off_keeps_scanner_alignment(tiny_cohort, registration_params):
    series_index, lesions, _ = tiny_cohort
    params = {**registration_params, "rigid": {**registration_params["rigid"], "enabled": False}}
    p0 = series_index[series_index["patient_id"] == "P0"]
    volumes, report = register_and_crop(p0, lesions, params)
    assert set(report["status"]) == {"identity (registration off)"}
    assert np.allclose(report[["rx_deg", "ry_deg", "rz_deg", "tx_mm", "ty_mm", "tz_mm"]], 0.0)
    assert report["iterations"].eq(0).all()
    assert sorted(volumes) == ["P0/ADC", "P0/KTRANS", "P0/T2W"]


def test_no_readable_t2w_is_a_clear_error(tiny_cohort, registration_params):
    series_index, lesions, _ = tiny_cohort
    with pytest.raises(ValueError, match="no patient has a readable T2W"):
        register_and_crop(series_index[series_index["patient_id"] == "P3"], lesions, registration_params)


def test_check_figure_accepts_lazy_partitions(registration_params):
    image = sitk.GetImageFromArray(np.random.default_rng(0).uniform(size=(4, 16, 16)).astype(np.float32))
    loaders = {f"P{i}/{kind}": (lambda: image) for i in range(3) for kind in ("T2W", "ADC", "KTRANS")}
    params = {**registration_params, "check_figure": {"max_patients": 2, "checker_size_px": 4}}
    fig = plot_registration_check(loaders, params)
    assert len(fig.axes) == 2 * 5  # 2 patients × (3 sequences + 2 checkerboards)
    plt.close(fig)
