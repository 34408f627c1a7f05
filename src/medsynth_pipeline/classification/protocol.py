"""The study protocol's inputs: classifier and scoring settings, the stage inputs as labelled sets (which split,
which rows, class balance), and the "not computed" frames of a study that cannot run."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from medsynth_pipeline.classification.data import LabelledImages
from medsynth_pipeline.classification.patch_sets import real_images, synthetic_sets
from medsynth_pipeline.classification.training import TrainSettings, predict
from medsynth_pipeline.metrics.inception import InceptionScorer, resolve_inception_weights
from medsynth_pipeline.metrics.results import InsufficientData
from medsynth_pipeline.models.classifiers import build_classifier
from medsynth_pipeline.training.runtime import select_device

log = logging.getLogger(__name__)


def train_settings(study: dict[str, Any], device: str) -> TrainSettings:
    return TrainSettings.from_dict({**study["classifier"], "device": str(select_device(device))})


def channels_of(synthetic_images: dict[str, Any], model: dict[str, Any]) -> list[str]:
    channels = list(synthetic_images.get("channels") or model["select"].get("channels") or [])
    if not channels:
        raise ValueError(f"synthetic images of {model['name']}: no channel names")
    return channels


def task_splits(patches: dict[str, Any], metadata: pd.DataFrame, channels: list[str], task: dict[str, Any],
                 rows: dict[str, Any], what: str) -> tuple[LabelledImages, LabelledImages, LabelledImages]:
    return tuple(real_images(patches, metadata, [split], channels, task["label_column"], rows, what)
                 for split in ("train", "val", "test"))


def labelled_sets(synthetic_images: dict[str, Any], synthetic_metadata: pd.DataFrame, task: dict[str, Any],
          model: dict[str, Any], which: Any = "all") -> tuple[dict[int, LabelledImages], str]:
    """The labelled synthetic sets, or ``({}, reason)`` when the model's images carry no class label
    (an unconditional generator trained on several classes)."""
    try:
        sets = synthetic_sets(synthetic_images, synthetic_metadata, task["label_column"], model["name"])
    except InsufficientData as error:
        log.warning("%s: %s; the classifier studies leave it out", model["name"], error)
        return {}, f"synthetic images of {model['name']} carry no '{task['label_column']}' label"
    return (sets if which == "all" else {k: v for k, v in sets.items() if k in set(which)}), ""


def not_computed_frame(model: dict[str, Any], study: str, reason: str) -> pd.DataFrame:
    return pd.DataFrame({"model": [model["name"]], "condition": [study], "status": ["not computed"],
                         "reason": [reason]})


def with_skipped(runs: pd.DataFrame, skipped: pd.DataFrame, model: dict[str, Any]) -> pd.DataFrame:
    """Trained runs (status computed) followed by the conditions too small to train, with the reason."""
    missing = skipped.assign(model=model["name"], status="not computed")
    return pd.concat([runs.assign(model=model["name"], status="computed", reason=""), missing], ignore_index=True)


def no_study(model: dict[str, Any], study: str, reason: str, outputs: int) -> tuple[pd.DataFrame, ...]:
    log.warning("%s of %s not computed: %s", study, model["name"], reason)
    empty = pd.DataFrame(columns=["model", "condition"])
    return (not_computed_frame(model, study, reason), *[empty] * (outputs - 1))


def embedder(artifact: dict[str, Any]) -> Any:
    if artifact.get("state_dict") is None:
        return None
    settings = TrainSettings.from_dict(artifact["settings"])
    net = build_classifier(settings.architecture, artifact["in_shape"], 2, settings.hidden, settings.dropout, None,
                           settings.input_size, settings.center_crop)
    net.load_state_dict(artifact["state_dict"])
    net.to(settings.device).eval()
    return lambda images: predict(net, images, settings.batch_size, settings.device)[:2]


def inception_scorer(params: dict[str, Any], device: str) -> tuple[InceptionScorer | None, str]:
    if not params.get("enabled", True):
        return None, "Inception metrics disabled (evaluation.inception.enabled: false)"
    path, reason = resolve_inception_weights(params.get("weights_path"), params.get("search_torch_cache", True))
    if path is None:
        log.warning("FID/IS/KID not computed: %s", reason)
        return None, reason
    return InceptionScorer(path, int(params.get("batch_size", 64)), str(select_device(device))), ""


def describe_data(channels: list[str], images: LabelledImages, rows: dict[str, Any]) -> str:
    """What the scores are computed on, e.g. ``ADC 32×32, is_lesion=True``: models are only compared
    (t-tests) when this is the same."""
    height, width = images.images.shape[-2:]
    filters = ", ".join(f"{k}={v}" for k, v in rows.items() if v is not None)
    return f"{'+'.join(channels)} {height}×{width}" + (f", {filters}" if filters else "")


def no_tsne(model: dict[str, Any], reason: str) -> pd.DataFrame:
    log.warning("t-SNE of %s not computed: %s", model["name"], reason)
    return pd.DataFrame({"model": [model["name"]], "panel": pd.array([pd.NA], dtype="string"),
                         "label": pd.array([pd.NA], dtype="Int64"), "x": [np.nan], "y": [np.nan], "reason": [reason]})
