"""Binary metrics, bootstrap intervals (patient-aware) and the run summaries / Welch t-tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from medsynth_pipeline.metrics.classification import binary_metrics, bootstrap_metrics, roc_auc
from medsynth_pipeline.metrics.statistics import compare_runs, pairwise_t_tests, summarise, welch_t_test


def test_binary_metrics_by_hand() -> None:
    y = np.array([1, 1, 1, 0, 0])
    p = np.array([0.9, 0.6, 0.2, 0.4, 0.7])
    metrics = binary_metrics(y, p)
    assert metrics["accuracy"] == pytest.approx(3 / 5)
    assert metrics["sensitivity"] == pytest.approx(2 / 3)
    assert metrics["specificity"] == pytest.approx(1 / 2)
    assert metrics["roc_auc"] == pytest.approx(3 / 6)  # 3 of 6 positive/negative pairs ranked right
    assert np.isnan(binary_metrics(np.array([1, 1]), np.array([0.2, 0.8]))["roc_auc"])


def test_auc_equals_scikit_learn_with_ties() -> None:
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, size=200)
    score = np.round(rng.uniform(size=200) + 0.3 * y, 1)  # rounding makes ties
    assert roc_auc(y, score) == pytest.approx(roc_auc_score(y, score), abs=1e-12)


def test_bootstrap_ci_covers_the_truth_on_a_toy() -> None:
    # A classifier right with probability 0.8 on every image: its true accuracy is 0.8.
    rng = np.random.default_rng(0)
    covered = 0
    for trial in range(20):
        y = rng.integers(0, 2, size=300)
        correct = rng.uniform(size=300) < 0.8
        p = np.where(correct, y, 1 - y) * 0.8 + 0.1
        row = bootstrap_metrics(y, [p], n_boot=200, seed=trial).set_index("metric").loc["accuracy"]
        assert row["ci_low"] < row["mean"] < row["ci_high"]
        covered += row["ci_low"] <= 0.8 <= row["ci_high"]
    assert covered >= 16  # a 95 % interval: ~19 of 20 expected


def test_patient_aware_bootstrap_is_wider_for_clustered_errors() -> None:
    # Each patient's 20 images are all right or all wrong: patient resampling must see that variance.
    rng = np.random.default_rng(1)
    patients = np.repeat(np.arange(15), 20)
    patient_right = rng.uniform(size=15) < 0.7
    y = rng.integers(0, 2, size=len(patients))
    p = np.where(patient_right[patients], y, 1 - y).astype(float)
    aware = bootstrap_metrics(y, [p], groups=patients, n_boot=300).set_index("metric").loc["accuracy"]
    naive = bootstrap_metrics(y, [p], groups=None, n_boot=300).set_index("metric").loc["accuracy"]
    assert (aware["ci_high"] - aware["ci_low"]) > 2 * (naive["ci_high"] - naive["ci_low"])


def test_seed_mean_and_std() -> None:
    y = np.array([0, 1, 0, 1])
    table = bootstrap_metrics(y, [np.array([0.1, 0.9, 0.2, 0.8]), np.array([0.9, 0.9, 0.2, 0.8])], n_boot=50)
    row = table.set_index("metric").loc["accuracy"]
    assert row["mean"] == pytest.approx(0.875) and row["std"] == pytest.approx(np.std([1.0, 0.75], ddof=1))
    assert row["n_seeds"] == 2


def test_summaries_and_welch_t_test() -> None:
    runs = pd.DataFrame({"model": ["a"] * 5 + ["b"] * 5,
                         "fid": [10, 11, 10.5, 9.5, 10.2, 20, 21, 19, 20.5, 19.8]})
    summary = summarise(runs, "model", ["fid"]).set_index("model")
    assert summary.loc["a", "fid_mean"] == pytest.approx(10.24)
    assert summary.loc["b", "fid_std"] == pytest.approx(np.std([20, 21, 19, 20.5, 19.8], ddof=1))
    tests = pairwise_t_tests(runs, "model", ["fid"])
    assert len(tests) == 1 and tests.loc[0, "p_value"] < 1e-6
    t, p = welch_t_test([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert t == pytest.approx(0.0) and p == pytest.approx(1.0)
    assert np.isnan(welch_t_test([1.0], [2.0, 3.0])[1])


def test_compare_runs_tests_only_models_scored_on_the_same_data() -> None:
    runs = pd.DataFrame({
        "row": ["a"] * 3 + ["b"] * 3 + ["c"] * 3 + ["real data (a)"],
        "set": ["set0", "set1", "set2"] * 3 + ["real held-out"],
        "data": ["ADC 32"] * 6 + ["T2W 64"] * 3 + ["ADC 32"],
        "metric": "FD", "value": [1.0, 1.1, 0.9, 2.0, 2.1, 1.9, 5.0, 5.0, 5.1, 0.2],
        "status": "computed", "reason": "",
    })
    summary, ttests = compare_runs(runs, reference_prefix="real data")
    assert summary.set_index("row").loc["a", "mean"] == pytest.approx(1.0) and summary.set_index("row").loc["a", "sets"] == 3
    assert ttests[["a", "b"]].values.tolist() == [["a", "b"]]  # c is on other data, the reference is no model
    assert ttests.loc[0, "p_value"] < 0.01
