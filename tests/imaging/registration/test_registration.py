"""Rigid registration: accuracy on a phantom with a known offset, switches, determinism, patient-level output."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import SimpleITK as sitk

from medsynth_pipeline.imaging.registration.patient import (
    CropSettings,
    pick_series,
    register_and_crop_patient,
)
from medsynth_pipeline.imaging.registration.rigid import (
    RegistrationSettings,
    box_corners,
    euler_parameters,
    max_displacement_difference,
    register_rigid,
)

PROSTATE = (4.0, 6.0, 0.0)  # the phantom prostate, also the centre of the known offset
# Where accuracy matters: the corners of a box around the gland (rotation errors are largest there).
GLAND_BOX_MM = (40.0, 40.0, 30.0)


def _settings(params: dict, **changes) -> RegistrationSettings:
    return RegistrationSettings.from_params({**params["rigid"], **changes})


@pytest.mark.parametrize("initialisation", ["geometry", "identity"])
def test_recovers_known_offset_within_1mm(misaligned, truth, truth_params, registration_params, initialisation):
    t2w, adc = misaligned
    assert max_displacement_difference(sitk.Euler3DTransform(), truth, box_corners(PROSTATE, GLAND_BOX_MM)) > 3
    result = register_rigid(t2w, adc, PROSTATE, _settings(registration_params, initialisation=initialisation))
    error = max_displacement_difference(result.transform, truth, box_corners(PROSTATE, GLAND_BOX_MM))
    assert error < 1.0
    params = result.parameters()
    assert np.allclose([params["tx_mm"], params["ty_mm"], params["tz_mm"]], truth_params["translation_mm"], atol=0.5)
    assert result.metric < -0.5  # Mattes MI is reported negated: lower is better


def test_disabled_returns_identity_with_its_metric(misaligned, registration_params):
    t2w, adc = misaligned
    off = register_rigid(t2w, adc, PROSTATE, _settings(registration_params, enabled=False))
    on = register_rigid(t2w, adc, PROSTATE, _settings(registration_params))
    assert off.stop_condition == "registration disabled" and off.iterations == 0
    assert np.allclose(off.transform.GetParameters(), 0.0)
    assert on.metric < off.metric  # registration improved the similarity


def test_same_seed_gives_identical_result(misaligned, registration_params):
    t2w, adc = misaligned
    first = register_rigid(t2w, adc, PROSTATE, _settings(registration_params))
    second = register_rigid(t2w, adc, PROSTATE, _settings(registration_params))
    assert first.transform.GetParameters() == second.transform.GetParameters()


def test_settings_reject_unknown_and_missing_keys(registration_params):
    with pytest.raises(ValueError, match="unknown keys \\['learnin_rate'\\]"):
        RegistrationSettings.from_params({**registration_params["rigid"], "learnin_rate": 1})
    incomplete = dict(registration_params["rigid"])
    del incomplete["seed"]
    with pytest.raises(ValueError, match="missing keys \\['seed'\\]"):
        RegistrationSettings.from_params(incomplete)
    with pytest.raises(ValueError, match="initialisation"):
        _settings(registration_params, initialisation="moments")


def test_euler_parameters_in_degrees_and_mm(phantom):
    transform = phantom.rigid((10.0, 0.0, -5.0), (1.0, 2.0, 3.0), centre=(5.0, 6.0, 7.0))
    params = euler_parameters(transform)
    assert params["rx_deg"] == pytest.approx(10.0) and params["rz_deg"] == pytest.approx(-5.0)
    assert (params["tx_mm"], params["ty_mm"], params["tz_mm"]) == pytest.approx((1.0, 2.0, 3.0))
    assert (params["center_x"], params["center_y"], params["center_z"]) == (5.0, 6.0, 7.0)


def test_pick_series_prefers_axial_then_most_slices():
    axial = [1, 0, 0, 0, 1, 0, 0, 0, 1]
    sagittal = [0, 0, -1, 1, 0, 0, 0, -1, 0]
    rows = pd.DataFrame(
        {
            "series_uid": ["1.3", "1.1", "1.2"],
            "direction": [sagittal, axial, axial],
            "size_z": [30, 19, 21],
        }
    )
    assert pick_series(rows)["series_uid"] == "1.2"
    assert pick_series(rows.iloc[::-1])["series_uid"] == "1.2"
    with pytest.raises(ValueError):
        pick_series(rows.iloc[:0])


def test_patient_volumes_share_one_cropped_grid(misaligned, phantom, registration_params):
    t2w, adc = misaligned
    crop = CropSettings.from_params(registration_params["working_grid"], "findings_centroid")
    finding = np.array([[12.0, 10.0, 5.0]])  # the phantom's lesion
    volumes, rows = register_and_crop_patient(
        "P0", "T2W", {"T2W": t2w, "ADC": adc}, finding, _settings(registration_params), crop
    )
    assert set(volumes) == {"T2W", "ADC"}
    grids = {(v.GetSize(), v.GetSpacing(), v.GetOrigin(), v.GetDirection()) for v in volumes.values()}
    assert len(grids) == 1
    t2w_out = volumes["T2W"]
    assert t2w_out.GetSize()[:2] == (64, 64) and t2w_out.GetSize()[2] == t2w.GetSize()[2]
    assert t2w_out.GetSpacing() == pytest.approx((1.0, 1.0, t2w.GetSpacing()[2]))
    assert t2w_out.GetPixelID() == sitk.sitkFloat32
    centre = t2w_out.TransformContinuousIndexToPhysicalPoint((31.5, 31.5, 0))
    assert centre[:2] == pytest.approx((12.0, 10.0))  # in-plane crop centre = the finding
    # crop slices sit exactly on T2w slices (no interpolation across 3 mm)
    k = t2w.TransformPhysicalPointToContinuousIndex(t2w_out.GetOrigin())[2]
    assert k == pytest.approx(round(k), abs=1e-6)
    (row,) = rows
    assert row["moving_kind"] == "ADC" and row["crop_centre_rule"] == "findings_centroid"
    assert row["metric_final"] < row["metric_initial"]
    assert 0.9 < row["inside_fov_fraction"] <= 1.0
    # the registered ADC is dark where the (T2w-space) lesion is, as the lesion's ADC value says
    lesion_index = t2w_out.TransformPhysicalPointToIndex((12.0, 10.0, 5.0))
    assert volumes["ADC"][lesion_index] == pytest.approx(phantom.STRUCTURES["lesion"][3], rel=0.15)


def test_without_findings_crop_falls_back_to_image_centre(misaligned, registration_params):
    t2w, adc = misaligned
    crop = CropSettings.from_params(registration_params["working_grid"], "findings_centroid")
    volumes, rows = register_and_crop_patient(
        "P0", "T2W", {"T2W": t2w}, np.empty((0, 3)), _settings(registration_params, enabled=False), crop
    )
    assert rows == []
    centre = volumes["T2W"].TransformContinuousIndexToPhysicalPoint((31.5, 31.5, 0))
    assert centre[:2] == pytest.approx((0.0, 0.0), abs=1e-6)
