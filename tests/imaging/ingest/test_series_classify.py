"""Classification by the configured rules: ProstateX's real series names and volume file names."""

from __future__ import annotations

import pytest

from medsynth_pipeline.imaging.ingest.classify import SeriesClassifier, plane_of


@pytest.fixture
def classifier(ingest_params) -> SeriesClassifier:
    return SeriesClassifier.from_config(ingest_params["classification"])


@pytest.mark.parametrize(
    ("description", "kind"),
    [
        ("t2_tse_tra", "T2W"),
        ("t2_tse_sag", "T2W"),
        ("t2_tse_tra_Grappa3", "T2W"),
        ("ep2d_diff_tra_DYNDIST_ADC", "ADC"),
        ("ep2d_diff_tra_DYNDIST_MIX_ADC", "ADC"),
        ("ep2d_diff_tra_DYNDIST", "DWI"),
        ("ep2d_diff_tra_DYNDISTCALC_BVAL", "DWI"),
        ("t2_loc sag", "OTHER"),
        ("localizer", "OTHER"),
        ("tfl_3d PD ref_tra_1.5x1.5_t3", "OTHER"),
        ("t2_star_gre", "OTHER"),
        ("Ktrans map", "KTRANS"),
        ("", "OTHER"),
    ],
)
def test_prostatex_series_names(classifier: SeriesClassifier, description: str, kind: str) -> None:
    assert classifier.classify_series(description=description) == kind


def test_tags_classify_without_a_telling_name(classifier: SeriesClassifier) -> None:
    assert (
        classifier.classify_series(description="series 7", image_type=("DERIVED", "PRIMARY", "ADC")) == "ADC"
    )
    assert classifier.classify_series(description="series 8", b_value=800.0) == "DWI"
    assert classifier.classify_series(description="series 9", b_value=0.0) == "OTHER"
    assert classifier.classify_series(description="", protocol="t2_tse_tra") == "T2W"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("ProstateXKtrans-train-fixed/ProstateX-0000/ProstateX-0000-Ktrans.mhd", "KTRANS"),
        ("case1/case1_adc.nii.gz", "ADC"),
        ("case1/case1_t2w.nii.gz", "T2W"),
        ("case1/case1_flair.nii.gz", "OTHER"),
    ],
)
def test_volume_names(classifier: SeriesClassifier, path: str, kind: str) -> None:
    assert classifier.classify_volume(path) == kind


def test_rules_are_validated() -> None:
    with pytest.raises(ValueError, match="not one of"):
        SeriesClassifier.from_config({"series_rules": [{"kind": "PET", "description": "x"}]})
    with pytest.raises(ValueError, match="unknown keys"):
        SeriesClassifier.from_config({"series_rules": [{"kind": "T2W", "descripton": "t2"}]})


def test_first_matching_rule_wins() -> None:
    classifier = SeriesClassifier.from_config(
        {"series_rules": [{"kind": "ADC", "description": "adc"}, {"kind": "DWI", "description": "diff"}]}
    )
    assert classifier.classify_series(description="diff_adc") == "ADC"


@pytest.mark.parametrize(
    ("direction", "plane"),
    [
        ((1, 0, 0, 0, 1, 0, 0, 0, 1), "axial"),
        ((0, 0, 1, 1, 0, 0, 0, -1, 0), "sagittal"),
        ((1, 0, 0, 0, 0, 1, 0, -1, 0), "coronal"),
    ],
)
def test_plane(direction, plane: str) -> None:
    assert plane_of(direction) == plane
