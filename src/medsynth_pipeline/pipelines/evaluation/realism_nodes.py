"""Kedro glue of the realism metrics (``metrics.realism``): FRD, its floor, C2ST AUC and the ladder verdicts."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from medsynth_pipeline.classification.patch_sets import real_images, synthetic_set_images
from medsynth_pipeline.classification.protocol import channels_of, embedder
from medsynth_pipeline.metrics.realism import COLUMNS, RealismScorer, RealismSettings
from medsynth_pipeline.metrics.results import InsufficientData
from medsynth_pipeline.metrics.scoring import ScoringSettings

log = logging.getLogger(__name__)


def score_realism(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, synthetic_images: dict[str, Any],
    synthetic_metadata: pd.DataFrame, domain_classifier: dict[str, Any], model: dict[str, Any],
    realism: dict[str, Any], scoring: dict[str, Any], task: dict[str, Any],
) -> pd.DataFrame:
    """``realism_scores``: one row per (synthetic set, metric) with floor, ratio and ladder verdict.

    Reference: the model's real training patches; held-out real (C2ST, ladder rungs): the same rows of
    the validation and test splits, grouped by patient.
    """
    channels = channels_of(synthetic_images, model)
    rows = model["select"].get("rows") or {}
    what = f"evaluation.{model['name']}/realism"
    sets = {f"set{k}": images.numpy() for k, images in
            synthetic_set_images(synthetic_images, synthetic_metadata, model["name"]).items()}
    try:
        train = real_images(patches=patches, metadata=patch_metadata, splits=["train"], channels=channels,
                            label_column=task["label_column"], rows=rows, what=what)
        held_out = real_images(patches=patches, metadata=patch_metadata, splits=["val", "test"],
                               channels=channels, label_column=task["label_column"], rows=rows, what=what)
        scorer = RealismScorer(train.images.numpy(), np.asarray(train.patient_ids), held_out.images.numpy(),
                               np.asarray(held_out.patient_ids), channels, RealismSettings.from_dict(realism),
                               embedder(domain_classifier), domain_classifier.get("space", ""),
                               ScoringSettings.from_dict(scoring))
        table = scorer.table(sets)
    except InsufficientData as error:
        log.warning("realism metrics of %s not computed: %s", model["name"], error)
        table = pd.DataFrame([{"set": label, "metric": "all", "value": None, "floor": None, "ratio_to_floor": None,
                               "ladder_passed": False, "ladder_reason": "", "headline": False,
                               "status": "not computed", "reason": str(error)} for label in sets or ["-"]],
                             columns=COLUMNS)
    table.insert(0, "model", model["name"])
    failing = sorted(set(table.loc[~table.ladder_passed & (table.status == "computed"), "metric"]))
    if failing:
        log.warning("%s: metrics failing the ladder, left out of the headline table: %s", model["name"], failing)
    return table
