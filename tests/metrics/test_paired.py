"""Paired patient-bootstrap differences and the verdicts they support."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from medsynth_pipeline.metrics.paired import (
    HELPS,
    HURTS,
    UNDECIDED,
    paired_difference,
    verdict,
    verdict_sentence,
)


def _predictions(noise_a: float, noise_b: float, n_patients: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    patients = np.repeat([f"P{i}" for i in range(n_patients)], 4)
    labels = rng.integers(0, 2, size=len(patients))
    frames = []
    for condition, noise in (("real + GAN", noise_a), ("real", noise_b)):
        for s in (0, 1):
            score = labels + rng.normal(0, noise, size=len(labels))
            frames.append(pd.DataFrame({"condition": condition, "seed": s, "test_index": np.arange(len(labels)),
                                        "patient_id": patients, "label": labels,
                                        "probability": 1 / (1 + np.exp(-3 * (score - 0.5)))}))
    return pd.concat(frames, ignore_index=True)


def test_a_clearly_better_condition_helps_and_a_worse_one_hurts() -> None:
    better = paired_difference(_predictions(0.2, 1.5), "real + GAN", "real", n_boot=300)
    auc = better.set_index("metric").loc["roc_auc"]
    assert auc["difference"] > 0.1 and auc["ci_low"] > 0 and auc["p_value"] < 0.01
    assert verdict(auc["ci_low"], auc["ci_high"]) == HELPS
    worse = paired_difference(_predictions(1.5, 0.2), "real + GAN", "real", n_boot=300).set_index("metric")
    assert verdict(worse.loc["roc_auc", "ci_low"], worse.loc["roc_auc", "ci_high"]) == HURTS


def test_identical_conditions_are_undecided_with_p_one() -> None:
    same = _predictions(0.8, 0.8)
    same.loc[same["condition"] == "real + GAN", "probability"] = same.loc[same["condition"] == "real", "probability"].to_numpy()
    table = paired_difference(same, "real + GAN", "real", n_boot=200)
    assert (table["difference"] == 0).all() and (table["p_value"] == 1.0).all()
    sentence = verdict_sentence("dcgan64", table)
    assert sentence.startswith("dcgan64, real + GAN vs real: " + UNDECIDED)
    assert "60 test patients" in sentence


def test_pairs_must_be_the_same_test_images() -> None:
    predictions = _predictions(0.5, 0.5)
    shifted = predictions.copy()
    shifted.loc[shifted["condition"] == "real", "patient_id"] = "other"
    with pytest.raises(ValueError, match="same images"):
        paired_difference(shifted, "real + GAN", "real", n_boot=10)
