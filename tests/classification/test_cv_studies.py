"""Which conditions the cross-validated studies pair, and SCA's sets folded into one paired condition."""

from __future__ import annotations

import numpy as np
import pandas as pd

from medsynth_pipeline.classification.cv_studies import compare_conditions, comparisons, sets_as_seeds


def test_gan_conditions_are_paired_with_real_only_and_with_classical_only() -> None:
    conditions = ["real", "real + classical", "real + GAN", "real + classical + GAN"]
    assert comparisons(conditions) == [("real + GAN", "real"), ("real + classical + GAN", "real + classical"),
                                       ("real + classical + GAN", "real")]
    assert comparisons(["TRTR", "TSTR a", "TSTR a"], reference="TRTR") == [("TSTR a", "TRTR")]
    assert comparisons(["TSTR a"], reference="TRTR") == []  # nothing to pair without the reference


def _predictions(condition: str, seed: int, probability: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    n = len(labels)
    return pd.DataFrame({"condition": condition, "seed": seed, "fold": 0, "test_index": np.arange(n),
                         "patient_id": [f"P{i // 2}" for i in range(n)], "label": labels, "probability": probability})


def test_sca_sets_become_the_seeds_of_one_condition_and_a_better_classifier_helps() -> None:
    rng = np.random.default_rng(0)
    labels = np.tile([0, 1], 100)
    good = [labels * 0.6 + rng.uniform(0, 0.4, len(labels)) for _ in range(3)]  # separates the classes
    frames = [_predictions(f"m/set{k}", 0, p, labels) for k, p in enumerate(good)]
    frames.append(_predictions("real data", 0, rng.uniform(size=len(labels)), labels))  # chance
    merged = sets_as_seeds(pd.concat(frames, ignore_index=True), "m", "synthetic CS")
    assert set(merged["condition"]) == {"synthetic CS", "real data"}
    assert sorted(merged.loc[merged["condition"] == "synthetic CS", "seed"].unique()) == [0, 1000, 2000]
    table = compare_conditions(merged, [("synthetic CS", "real data")], n_boot=200, confidence=0.95, seed=0)
    auc = table.set_index("metric").loc["roc_auc"]
    assert auc["verdict"] == "helps" and auc["ci_low"] > 0 and auc["value"] == 1.0
    reverse = compare_conditions(merged, [("real data", "synthetic CS")], n_boot=200, confidence=0.95, seed=0)
    assert reverse.set_index("metric").loc["roc_auc", "verdict"] == "hurts"
