"""Model selection in train_gan: the exported generator is the best snapshot's, the curve, selection off = before."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd
import pytest
import torch
from matplotlib.figure import Figure

from medsynth_pipeline.pipelines.gan_training import model_selection
from medsynth_pipeline.pipelines.gan_training.model_selection import (
    plot_selection_curve,
    select_validation_pool,
    selection_curve,
)
from medsynth_pipeline.pipelines.gan_training.nodes import select_training_images, train_gan

from .conftest import tiny_patches

ITERATIONS = 4


def two_val_patients(preset: str) -> tuple[dict[str, Any], pd.DataFrame]:
    """The tiny patches with patient PX-0002 moved to val: train PX-0000/1 (rows 0-5), val PX-0002/3 (6-11)."""
    patches, meta = tiny_patches(preset)
    meta.loc[meta["patient_id"] == "PX-0002", "split"] = "val"
    return patches, meta


@pytest.fixture
def model(test_parameters: dict[str, Any]) -> dict[str, Any]:
    """conf/test dcgan64 (all lesions, T2W 64x64) with selection on: scored at every iteration."""
    params = copy.deepcopy(test_parameters["gan_training"]["dcgan64"])
    params["schedule"]["iterations"] = ITERATIONS
    params["selection"] |= {"enabled": True, "every_fraction": 1 / ITERATIONS, "n_samples": 8}
    return params


def scripted_metric(monkeypatch: pytest.MonkeyPatch, scores: list[float]) -> list[tuple[Any, Any]]:
    """Replace C2ST by a metric answering ``scores`` in turn; returns the (real, synthetic) it was called with."""
    calls: list[tuple[Any, Any]] = []

    def factory(groups: list[str], settings: dict[str, Any]):
        def metric(real: Any, synthetic: Any) -> float:
            calls.append((real, synthetic))
            return scores[len(calls) - 1]
        return metric

    monkeypatch.setitem(model_selection.METRICS, "c2st_auc", (factory, 2))
    return calls


def train(params: dict[str, Any], patches: dict[str, Any], meta: pd.DataFrame):
    selected = select_training_images(patches, meta, params)
    return selected, train_gan(selected, params, {}, select_validation_pool(patches, meta, params))


def off(params: dict[str, Any], iterations: int = ITERATIONS) -> dict[str, Any]:
    return {**params, "selection": {**params["selection"], "enabled": False},
            "schedule": {**params["schedule"], "iterations": iterations}}


def same_weights(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_the_artifact_is_the_best_snapshot_not_the_last(model, monkeypatch) -> None:
    patches, meta = two_val_patients("mpmri_64")
    calls = scripted_metric(monkeypatch, [0.9, 0.6, 0.7, 0.8])  # iteration 2 is best
    _, (artifact, _, history, _, summary) = train(model, patches, meta)
    # the same training stopped at iteration 2 (scoring does not move the random streams), and run to the end
    _, (at_2, *_) = train(off(model, 2), patches, meta)
    _, (last, *_) = train(off(model), patches, meta)
    assert same_weights(artifact["state_dict"], at_2["state_dict"])
    assert not same_weights(artifact["state_dict"], last["state_dict"])
    assert artifact["iterations"] == ITERATIONS and history["iteration"].tolist() == [1, 2, 3, 4]
    record = artifact["selection"]
    assert (record["metric"], record["best_iteration"], record["best_score"]) == ("c2st_auc", 2, 0.6)
    assert record["curve"] == [[1, 0.9], [2, 0.6], [3, 0.7], [4, 0.8]]
    assert record["validation_patients"] == ["PX-0002", "PX-0003"]
    row = summary.iloc[0]
    assert (row["selection_metric"], row["selection_best_iteration"], row["selection_best_score"]) == ("c2st_auc", 2, 0.6)
    # scored against the val split's lesions (rows 6, 7, 10, 11: conf/test dcgan64 takes every lesion), T2W only
    real, synthetic = calls[0]
    assert torch.equal(torch.as_tensor(real), patches["images"][[6, 7, 10, 11]][:, 1:])
    assert synthetic.shape == (8, 1, 64, 64) and synthetic.min() >= 0 and synthetic.max() <= 1


def test_the_curve_has_one_row_per_scoring_point_and_marks_the_best(model, monkeypatch) -> None:
    patches, meta = two_val_patients("mpmri_64")
    scripted_metric(monkeypatch, [0.8, 0.7, 0.75])
    model["selection"] |= {"every_fraction": 0, "iterations": [1, 2]}  # + the end: 3 points
    _, (artifact, *_) = train(model, patches, meta)
    curve = selection_curve(artifact)
    assert curve["iteration"].tolist() == [1, 2, 4] and curve["score"].tolist() == [0.8, 0.7, 0.75]
    assert curve["best"].tolist() == [False, True, False] and set(curve["metric"]) == {"c2st_auc"}
    figure = plot_selection_curve(curve, model)
    assert isinstance(figure, Figure) and figure.axes[0].get_xlabel() == "iteration"


def test_selection_with_the_real_c2st_on_a_conditional_model(test_parameters) -> None:
    params = copy.deepcopy(test_parameters["gan_training"]["prostategan"])
    params["selection"] |= {"enabled": True, "every_fraction": 0, "n_samples": 16}
    patches, meta = two_val_patients("prostategan_32")
    _, (artifact, *_) = train(params, patches, meta)
    (iteration, score), = artifact["selection"]["curve"]  # only the end is scored
    assert iteration == 3 and 0.0 <= score <= 1.0 and artifact["selection"]["best_iteration"] == 3


def test_selection_off_gives_the_outputs_of_before(model, monkeypatch) -> None:
    patches, meta = two_val_patients("mpmri_64")
    scripted_metric(monkeypatch, [0.9, 0.8, 0.7, 0.6])  # the last is best: the same weights as no selection
    _, (selected, *_) = train(model, patches, meta)
    params = off(model)
    assert select_validation_pool(patches, meta, params) == {}
    _, (artifact, others, history, snapshots, summary) = train(params, patches, meta)
    assert same_weights(selected["state_dict"], artifact["state_dict"])
    assert "selection" not in artifact and not any(c.startswith("selection_") for c in summary.columns)
    assert set(artifact) == set(selected) - {"selection"}
    curve = selection_curve(artifact)
    assert curve.empty and list(curve.columns) == model_selection.CURVE_COLUMNS
    assert isinstance(plot_selection_curve(curve, params), Figure)


def test_clear_errors_without_enough_validation_patients(model) -> None:
    patches, meta = tiny_patches("mpmri_64")  # one val patient (PX-0003)
    selected = select_training_images(patches, meta, model)
    with pytest.raises(ValueError, match=r"c2st_auc needs validation patches of at least 2 patients.*has 1"):
        train_gan(selected, model, {}, select_validation_pool(patches, meta, model))
    meta["split"] = meta["split"].replace("val", "test")
    with pytest.raises(ValueError, match=r"dcgan64.selection: the 'val' split has no patches"):
        select_validation_pool(patches, meta, model)
    with pytest.raises(ValueError, match=r"selection is on but no validation pool"):
        train_gan(selected, model, {})
    with pytest.raises(ValueError, match=r"unknown keys \['every'\]"):
        select_validation_pool(patches, meta, {**model, "selection": {**model["selection"], "every": 2}})
