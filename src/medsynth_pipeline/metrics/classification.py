"""Binary classification statistics with bootstrap confidence intervals.

Accuracy, sensitivity, specificity (at a probability threshold) and ROC AUC. Confidence
intervals are percentile bootstraps over the test set; when patient ids are given the bootstrap resamples
*patients* (all their images together), because images of one patient are not independent. When several
seeds were trained, each bootstrap replicate averages the metric over the seeds, so the interval is that of
the seed-averaged metric.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import rankdata

log = logging.getLogger(__name__)

METRICS = ("accuracy", "balanced_accuracy", "sensitivity", "specificity", "roc_auc")


def _check(y_true: np.ndarray, probability: np.ndarray) -> None:
    if y_true.shape != probability.shape or y_true.ndim != 1:
        raise ValueError(f"labels {y_true.shape} and probabilities {probability.shape} must be equal 1-D arrays")
    if not np.isin(y_true, (0, 1)).all():
        raise ValueError("labels must be 0 (negative) or 1 (positive)")


def roc_auc(y_true: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve as the Mann-Whitney statistic (ties count one half), equal to
    ``sklearn.metrics.roc_auc_score`` but cheap enough for thousands of bootstrap replicates."""
    positives = y_true == 1
    n_pos, n_neg = int(positives.sum()), int((~positives).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(score)
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def binary_metrics(y_true: np.ndarray, probability: np.ndarray, threshold: float = 0.5) -> dict[str, float]:
    """Accuracy, balanced accuracy, sensitivity (TPR), specificity (TNR) and ROC AUC; NaN where a class is absent."""
    y_true = np.asarray(y_true).astype(int)
    probability = np.asarray(probability, dtype=float)
    _check(y_true, probability)
    predicted = probability >= threshold
    positives, negatives = y_true == 1, y_true == 0
    both = positives.any() and negatives.any()
    sensitivity = float(predicted[positives].mean()) if positives.any() else float("nan")
    specificity = float((~predicted[negatives]).mean()) if negatives.any() else float("nan")
    return {
        "accuracy": float(np.mean(predicted == positives)),
        # the expected accuracy on a class-balanced test set (002's 50/50 TestSet) without discarding images
        "balanced_accuracy": (sensitivity + specificity) / 2.0,
        "sensitivity": sensitivity,
        "specificity": specificity,
        "roc_auc": roc_auc(y_true, probability) if both else float("nan"),
    }


def _resample_indices(members: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """One bootstrap replicate: draw groups (patients, or single images) with replacement."""
    chosen = rng.integers(0, len(members), size=len(members))
    return np.concatenate([members[g] for g in chosen])


def bootstrap_metrics(
    y_true: np.ndarray,
    probabilities: Sequence[np.ndarray],
    groups: Sequence[str] | None = None,
    n_boot: int = 2000,
    confidence: float = 0.95,
    threshold: float = 0.5,
    seed: int = 0,
) -> pd.DataFrame:
    """Point estimates (mean and std over seeds) and bootstrap CIs of the seed-averaged metrics.

    ``probabilities`` holds one array of positive-class probabilities per trained seed, all for the same
    test images. Returns one row per metric: ``metric, mean, std, ci_low, ci_high, n_seeds, n_boot_valid``
    (replicates that drew a single class give no AUC and are skipped; their count is reported).
    """
    y_true = np.asarray(y_true).astype(int)
    probabilities = [np.asarray(p, dtype=float) for p in probabilities]
    if not probabilities:
        raise ValueError("at least one seed's probabilities are needed")
    group_array = None if groups is None else np.asarray(groups)
    if group_array is not None and len(group_array) != len(y_true):
        raise ValueError(f"{len(group_array)} patient ids for {len(y_true)} test images")
    per_seed = pd.DataFrame([binary_metrics(y_true, p, threshold) for p in probabilities])

    if group_array is None:
        members = [np.array([i]) for i in range(len(y_true))]
    else:
        _, inverse = np.unique(group_array, return_inverse=True)
        members = [np.flatnonzero(inverse == g) for g in range(inverse.max() + 1)]
    rng = np.random.default_rng(seed)
    replicates = np.full((n_boot, len(METRICS)), np.nan)
    for b in range(n_boot):
        idx = _resample_indices(members, rng)
        values = [binary_metrics(y_true[idx], p[idx], threshold) for p in probabilities]
        replicates[b] = [np.mean([v[m] for v in values]) for m in METRICS]
    alpha = (1.0 - confidence) / 2.0
    rows = []
    for j, metric in enumerate(METRICS):
        valid = replicates[:, j][np.isfinite(replicates[:, j])]
        low, high = (np.quantile(valid, [alpha, 1.0 - alpha]) if len(valid) else (np.nan, np.nan))
        rows.append({
            "metric": metric,
            "mean": float(per_seed[metric].mean()),
            "std": float(per_seed[metric].std(ddof=1)) if len(per_seed) > 1 else 0.0,
            "ci_low": float(low),
            "ci_high": float(high),
            "n_seeds": len(probabilities),
            "n_boot_valid": int(len(valid)),
        })
    return pd.DataFrame(rows)
