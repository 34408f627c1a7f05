"""Whole-slice extraction: labels from lesion centres, ambiguity gap, trimming, windowing, zero padding."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import SimpleITK as sitk

from medsynth_pipeline.imaging.patches.slices import (
    SliceRules,
    extract_cohort_slices,
    label_slices,
    next_power_of_two,
    pad_to_square,
)


def _volume(values: np.ndarray, spacing=(1.0, 1.0, 3.0), origin=(-30.0, -20.0, 100.0)) -> sitk.Image:
    image = sitk.GetImageFromArray(values.astype(np.float32))  # values are [z, y, x]
    image.SetSpacing(spacing)
    image.SetOrigin(origin)
    return image


def test_labels_follow_the_lesion_centre_with_an_ambiguity_gap() -> None:
    vol = _volume(np.zeros((10, 6, 5)))
    centre = vol.TransformIndexToPhysicalPoint((2, 3, 4))  # slice 4, z = 112 mm
    labels = label_slices(vol, [centre], SliceRules(lesion_margin_mm=3.0, exclusion_margin_mm=6.0))
    by_index = dict(zip(labels["slice_index"], labels["is_lesion"], strict=True))
    assert by_index[3] and by_index[4] and by_index[5]  # 3 mm away or less
    assert 2 not in by_index and 6 not in by_index  # 6 mm: inside the exclusion margin -> ambiguous
    assert not by_index[1] and not by_index[7] and not by_index[0] and not by_index[9]
    assert labels.loc[labels["slice_index"] == 4, "z_mm"].item() == pytest.approx(112.0)


def test_lesions_outside_the_field_of_view_do_not_label_a_slice() -> None:
    vol = _volume(np.zeros((4, 6, 5)))
    outside = vol.TransformIndexToPhysicalPoint((20, 3, 1))
    labels = label_slices(vol, [outside], SliceRules(1.0, 2.0))
    assert labels["is_lesion"].sum() == 0 and len(labels) == 4


def test_trim_fraction_drops_end_slices() -> None:
    vol = _volume(np.zeros((10, 4, 4)))
    labels = label_slices(vol, [], SliceRules(1.0, 2.0, trim_fraction=0.2))
    assert labels["slice_index"].tolist() == [2, 3, 4, 5, 6, 7]


def test_rules_are_validated() -> None:
    with pytest.raises(ValueError, match="exclusion_margin_mm"):
        SliceRules(lesion_margin_mm=5.0, exclusion_margin_mm=2.0)
    with pytest.raises(ValueError, match="trim_fraction"):
        SliceRules(1.0, 2.0, trim_fraction=0.5)


def test_padding_is_zero_and_centred_to_a_power_of_two() -> None:
    assert [next_power_of_two(n) for n in (1, 3, 4, 60, 240, 256)] == [1, 4, 4, 64, 256, 256]
    padded = pad_to_square(np.ones((2, 1, 3, 5)))
    assert padded.shape == (2, 1, 8, 8)
    assert padded.sum() == 2 * 15
    assert padded[0, 0, 2:5, 1:6].min() == 1.0 and padded[0, 0, :2].max() == 0.0
    with pytest.raises(ValueError, match="smaller"):
        pad_to_square(np.ones((1, 10, 10)), size=8)


def test_extract_cohort_slices_windows_channels_and_labels() -> None:
    z = np.arange(6, dtype=np.float32)[:, None, None] * np.ones((6, 5, 7), np.float32)
    t2 = _volume(z * 100.0)  # slice k holds 100 k
    adc = _volume(np.full((6, 5, 7), 3000.0))
    other = _volume(np.zeros((6, 5, 7)))
    lesion = t2.TransformIndexToPhysicalPoint((3, 2, 1))
    lesions = pd.DataFrame({"patient_id": ["P1"], "pos_x": [lesion[0]], "pos_y": [lesion[1]], "pos_z": [lesion[2]],
                            "clin_sig": [True]})
    images, meta = extract_cohort_slices(
        {"P1": {"T2W": t2, "ADC": lambda: adc}, "P0": {"T2W": other, "ADC": other}},
        lesions,
        channels=["T2W", "ADC"],
        normalisation={"T2W": {"method": "fixed", "low": 0.0, "high": 400.0},
                       "ADC": {"method": "fixed", "low": 0.0, "high": 2000.0}},
        rules=SliceRules(lesion_margin_mm=0.0, exclusion_margin_mm=3.0),
    )
    assert images.shape == (len(meta), 2, 8, 8) and images.dtype == np.float32
    p1 = meta[meta["patient_id"] == "P1"]
    assert p1["slice_index"].tolist() == [1, 3, 4, 5]  # slices 0 and 2 are 3 mm from the lesion: ambiguous
    assert p1["is_lesion"].tolist() == [True, False, False, False]
    assert p1["clin_sig"].tolist() == [True, False, False, False]
    assert (meta[meta["patient_id"] == "P0"]["is_lesion"] == False).all() and len(meta) == 10  # noqa: E712
    rows = meta.index[meta["patient_id"] == "P1"]
    inner = images[rows][:, :, 1:6, 0:7 + 0]  # 5×7 slice padded into 8×8: rows 1..5, cols 0..6
    assert np.allclose(inner[:, 0].max(axis=(1, 2)), [0.25, 0.75, 1.0, 1.0])  # window clips 500 to 1
    assert np.allclose(inner[:, 1], 1.0)  # ADC 3000 above the window
    assert images[rows][:, :, 0].max() == 0.0  # zero padding row


def test_extract_names_the_patient_when_a_sequence_is_missing_or_misregistered() -> None:
    t2 = _volume(np.zeros((3, 4, 4)))
    lesions = pd.DataFrame(columns=["patient_id", "pos_x", "pos_y", "pos_z"])
    rules = SliceRules(1.0, 2.0)
    window = {"method": "fixed", "low": 0.0, "high": 1.0}
    norm = {"T2W": window, "ADC": window}
    with pytest.raises(ValueError, match=r"P7.*ADC"):
        extract_cohort_slices({"P7": {"T2W": t2}}, lesions, ["T2W", "ADC"], norm, rules)
    bad = _volume(np.zeros((3, 5, 4)))
    with pytest.raises(ValueError, match=r"P7/ADC.*register"):
        extract_cohort_slices({"P7": {"T2W": t2, "ADC": bad}}, lesions, ["T2W", "ADC"], norm, rules)
    with pytest.raises(ValueError, match=r"P7.*no intensity window.*ADC"):
        extract_cohort_slices({"P7": {"T2W": t2, "ADC": t2}}, lesions, ["T2W", "ADC"], {"T2W": window}, rules)
