"""The gan_training pipeline: one namespaced instance per model, end to end on tiny patches (conf/test)."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd
import pytest
import torch
from kedro.io import DataCatalog
from kedro.runner import SequentialRunner
from matplotlib.figure import Figure

from medsynth_pipeline.models.latent import load_generator
from medsynth_pipeline.pipelines.gan_training import MODELS, create_pipeline
from medsynth_pipeline.pipelines.gan_training.pipeline import model_template

from ..conftest import KeptMemoryDataset
from .conftest import tiny_patches

FIGURES = ("progress_grid", "loss_curves", "real_vs_synthetic", "latent_interpolation", "selection_curve_figure")


@pytest.fixture(scope="module")
def outputs(test_parameters: dict[str, Any]) -> dict[str, Any]:
    params = copy.deepcopy(test_parameters)
    pipeline = create_pipeline()
    datasets: dict[str, Any] = {name: KeptMemoryDataset(copy_mode="assign") for name in pipeline.datasets()}
    for preset in set(MODELS.values()):
        patches, meta = tiny_patches(preset)
        datasets[f"patches.{preset}.patches"] = KeptMemoryDataset(patches)
        datasets[f"patches.{preset}.patch_metadata"] = KeptMemoryDataset(meta)
    datasets["params:gan_training.figures"] = KeptMemoryDataset(params["gan_training"]["figures"])
    for model in MODELS:
        datasets[f"params:gan_training.{model}"] = KeptMemoryDataset(params["gan_training"][model])
    catalog = DataCatalog(datasets)
    SequentialRunner().run(pipeline, catalog)
    return {name: catalog[name].load() for node in pipeline.nodes for name in node.outputs}


def test_every_model_is_the_same_template_under_its_namespace() -> None:
    pipeline = create_pipeline()
    template = {n.name: n.func for n in model_template().nodes}
    for model, preset in MODELS.items():
        nodes = [n for n in pipeline.nodes if n.namespace == f"gan_training.{model}"]
        assert {n.name.rsplit(".", 1)[1]: n.func for n in nodes} == template
        inputs = set().union(*(n.inputs for n in nodes))
        assert {f"patches.{preset}.patches", f"patches.{preset}.patch_metadata",
                f"params:gan_training.{model}"} <= inputs


def test_conditional_prostategan(outputs: dict[str, Any]) -> None:
    artifact = outputs["gan_training.prostategan.generator"]
    # conf/test conditions on ClinSig, training split only (the tiny cohort has few graded lesions)
    assert artifact["class_values"] == [False, True] and artifact["label_column"] == "clin_sig"
    assert artifact["class_attributes"][0] == {"is_lesion": True, "clin_sig": False, "ggg": 1,
                                               "gleason_score": "3+3", "zone": "PZ"}
    assert artifact["channels"] == ["ADC"] and artifact["output_range"] == [-1.0, 1.0]
    g = load_generator(artifact)
    assert g.generate(2, torch.tensor([0, 1])).shape == (2, 1, 32, 32)
    history = outputs["gan_training.prostategan.training_history"]
    assert isinstance(history, pd.DataFrame) and history["iteration"].tolist() == [1, 2, 3]
    assert {"loss_D", "loss_G", "D_x", "D_G_z"} <= set(history.columns)
    snapshots = outputs["gan_training.prostategan.training_snapshots"]
    assert snapshots["iterations"] == [2, 3]  # snapshot_fractions 0.5, 1.0 of 3 iterations
    assert snapshots["images"].shape == (2, 2, 1, 32, 32)  # milestones × classes (one fixed z per row)
    summary = outputs["gan_training.prostategan.training_summary"]
    # the 7 training-split lesions + 1 pre-augmented copy each (conf/test copies: 1)
    assert summary.loc[0, "training_images"] == 14 and summary.loc[0, "iterations"] == 3


def test_unconditional_models(outputs: dict[str, Any]) -> None:
    for model, shape in (("kitchen_seah", (3, 16, 16)), ("dcgan64", (1, 64, 64))):
        artifact = outputs[f"gan_training.{model}.generator"]
        assert artifact["num_classes"] == 0 and artifact["class_values"] == []
        assert artifact["class_attributes"] == [{"is_lesion": True, "zone": "PZ"}]  # ClinSig varies: not a class
        assert load_generator(artifact).generate(2).shape == (2, *shape)
        assert "D" in outputs[f"gan_training.{model}.discriminator"]
        assert outputs[f"gan_training.{model}.training_summary"].loc[0, "training_images"] == 7  # train lesions
    assert outputs["gan_training.dcgan64.generator"]["channels"] == ["T2W"]
    assert outputs["gan_training.kitchen_seah.generator"]["output_range"] == [0.0, 1.0]  # Table 1's ReLU output


def test_figures(outputs: dict[str, Any]) -> None:
    for model in MODELS:
        for figure in FIGURES:
            assert isinstance(outputs[f"gan_training.{model}.{figure}"], Figure), (model, figure)
    grid = outputs["gan_training.prostategan.progress_grid"]
    assert len(grid.axes) == 2 * (2 + 1)  # 2 classes × (2 milestones + the real column)
    interpolation = outputs["gan_training.kitchen_seah.latent_interpolation"]
    assert len(interpolation.axes) == 2 * 3 * 3  # linear + spherical, 3 channels, 3 steps


def test_mpmri_semi_trains_002s_full_method_with_its_non_cs_pool(outputs: dict[str, Any]) -> None:
    artifact = outputs["gan_training.mpmri_semi.generator"]
    assert artifact["channels"] == ["ADC", "T2W"] and artifact["num_classes"] == 0
    assert artifact["class_attributes"][0]["clin_sig"] is True  # a CS generator: augmentation labels its pairs CS
    assert load_generator(artifact).generate(2).shape == (2, 2, 64, 64)
    # the auxiliary critics of Eqs. 8-9 exist and were trained: beta > 0 inside the gan_training stage
    assert {"D_ADC", "D_T2w", "D_AAE", "C_ADC", "C_T2w"} <= set(outputs["gan_training.mpmri_semi.discriminator"])
    history = outputs["gan_training.mpmri_semi.training_history"]
    assert {"W_ADC", "W_T2w", "L_rec", "J_ADC", "J_T2w", "loss_aux_critics", "AD_loss"} <= set(history.columns)
    assert history["J_ADC"].notna().all() and history["AD_loss"].notna().any()
    # the pool: exactly the training split's non-CS patches (rows 0, 4, 5, 8), both channels; 5 CS train images
    patches, _ = tiny_patches("mpmri_64")
    pool = outputs["gan_training.mpmri_semi.reference_pools"]["non_cs"]
    assert torch.equal(pool, patches["images"][[0, 4, 5, 8]])
    summary = outputs["gan_training.mpmri_semi.training_summary"]
    assert summary.loc[0, "training_images"] == 5 and summary.loc[0, "reference_images_non_cs"] == 4
    for model in ("prostategan", "kitchen_seah", "dcgan64"):
        assert outputs[f"gan_training.{model}.reference_pools"] == {}
