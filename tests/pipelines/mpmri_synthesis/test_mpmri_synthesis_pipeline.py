"""The 002 method comparison end to end on toy tensors with the conf/test settings."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
import torch
from kedro.io import DataCatalog
from matplotlib.figure import Figure

from medsynth_pipeline.models.latent import load_generator
from medsynth_pipeline.pipelines.mpmri_synthesis.pipeline import MODELS, create_pipeline

from .conftest import SPLITS, run_study


@pytest.fixture(scope="module")
def outputs(test_parameters: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> DataCatalog:
    return run_study(create_pipeline(), test_parameters, tmp_path_factory.mktemp("weights"))


def test_every_table_ii_model_has_its_settings(test_parameters: dict[str, Any]) -> None:
    models = test_parameters["mpmri_synthesis"]["models"]
    assert set(models) == set(MODELS)
    assert all(spec["name"] == key for key, spec in models.items())
    assert models["ours_ad"]["settings"]["beta"] > 0 and models["ours_no_ad"]["settings"]["beta"] == 0


def test_pairs_split_cs_and_noncs_of_the_training_split(outputs: DataCatalog) -> None:
    pairs = outputs.load("mpmri_synthesis.pairs")
    assert pairs["channels"] == ["ADC", "T2W"]
    assert pairs["cs"].shape == (SPLITS["train"], 2, 64, 64)  # one CS slice per training patient
    assert pairs["noncs"].shape[0] == 2 * SPLITS["train"]  # nonCS finding + background per patient
    assert pairs["figure_maps"].shape[0] == SPLITS["test"]
    assert pairs["class_attributes"][0]["clin_sig"] is True


def test_table_ii_has_every_model_and_the_real_data_row(outputs: DataCatalog, test_parameters: dict[str, Any]) -> None:
    summary = outputs.load("mpmri_synthesis.table_ii")
    labels = [test_parameters["mpmri_synthesis"]["models"][m]["label"] for m in MODELS]
    assert set(summary["row"]) == {*labels, "Real Data"}
    by = summary.set_index(["row", "metric"])
    for label in labels:
        sca = by.loc[(label, "SCA")]
        assert sca["status"] == "computed" and sca["n"] == 2 and 0.0 <= sca["mean"] <= 1.0  # 2 synthetic sets
        fd = by.loc[(label, "FD-ANN-real")]  # the named offline fallback of FID
        assert fd["status"] == "computed" and fd["mean"] >= 0
        is_adc = by.loc[(label, "IS-ADC")]  # no Inception weights here: said, not faked
        assert is_adc["status"] == "not computed" and "absent.pth" in is_adc["reason"] and pd.isna(is_adc["mean"])
    assert by.loc[("Real Data", "SCA"), "n"] == 1
    markdown = outputs.load("mpmri_synthesis.table_ii_markdown")
    assert markdown.startswith("### 002 Table II") and all(label in markdown for label in labels)
    assert "not computed" in markdown


def test_t_tests_compare_models_pairwise(outputs: DataCatalog, test_parameters: dict[str, Any]) -> None:
    ttests = outputs.load("mpmri_synthesis.table_ii_ttests")
    labels = {test_parameters["mpmri_synthesis"]["models"][m]["label"] for m in MODELS}
    assert set(ttests["a"]) | set(ttests["b"]) == labels
    assert "SCA" in set(ttests["metric"])
    assert ttests["p_value"].dropna().between(0, 1).all()


def test_generators_give_cs_pairs_and_the_synthetic_sets_are_labelled(outputs: DataCatalog) -> None:
    for model in MODELS:
        artifact = outputs.load(f"mpmri_synthesis.{model}.generator")
        images = load_generator(artifact).generate(2, generator=torch.Generator().manual_seed(0))
        assert images.shape == (2, 2, 64, 64)
        synthetic = outputs.load(f"mpmri_synthesis.{model}.synthetic_images")
        metadata = outputs.load(f"mpmri_synthesis.{model}.synthetic_metadata")
        assert synthetic["images"].shape == (12, 2, 64, 64) and synthetic["channels"] == ["ADC", "T2W"]
        assert metadata["clin_sig"].all() and sorted(metadata["set_index"].unique()) == [0, 1]
        assert 0.0 <= synthetic["images"].min() and synthetic["images"].max() <= 1.0
    assert load_generator(outputs.load("mpmri_synthesis.costa.generator")).encoder is not None


def test_histories_hold_each_systems_losses(outputs: DataCatalog) -> None:
    ours = outputs.load("mpmri_synthesis.ours_ad.training_history")
    assert {"W_ADC", "W_T2w", "GP_ADC", "J_ADC", "J_T2w", "L_rec", "J_AAE", "AD_loss"} <= set(ours.columns)
    assert "J_ADC" not in outputs.load("mpmri_synthesis.ours_no_ad.training_history").columns
    assert {"loss_D", "loss_G"} <= set(outputs.load("mpmri_synthesis.cogan.training_history").columns)


def test_figures_are_drawn(outputs: DataCatalog) -> None:
    for name in ("fig6_interpolation", "fig7_random_pairs", "ours_ad.loss_curves"):
        assert isinstance(outputs.load(f"mpmri_synthesis.{name}"), Figure)
    fig6 = outputs.load("mpmri_synthesis.fig6_interpolation")
    assert len(fig6.axes) == 2 * (3 + 2)  # two methods x (3 decoded + 2 real ends)
    fig7 = outputs.load("mpmri_synthesis.fig7_random_pairs")
    assert len(fig7.axes) == 2 * 2 * 3  # two methods x (ADC, T2w) rows x 3 pairs
