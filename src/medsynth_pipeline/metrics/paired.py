"""Paired comparisons of two training conditions tested on the same images, and the verdict they support.

Both conditions were trained on the same folds with the same seeds and predict the same test images, so
the difference of a metric is computed on the *same* bootstrap replicate for both: patients are resampled
(all their images together), each condition's metric is averaged over its seeds, and the replicate gives
one difference. The 95 % interval is the percentile interval of those differences; the two-sided p-value is
the percentile-inversion one (twice the smaller tail share at zero, at least one over the replicates).

A verdict is read off the ROC AUC difference: "helps" when the whole interval is above zero, "hurts" when it
is below, otherwise "no detectable difference at this sample size".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from medsynth_pipeline.metrics.classification import binary_metrics

PAIRED_METRICS = ("roc_auc", "balanced_accuracy")
HELPS, HURTS, UNDECIDED = "helps", "hurts", "no detectable difference at this sample size"


def _per_seed(predictions: pd.DataFrame, condition: str) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """(labels, patient ids, one probability array per seed) in test_index order."""
    rows = predictions[predictions["condition"] == condition]
    if rows.empty:
        raise ValueError(f"paired comparison: no predictions of condition '{condition}'")
    seeds = [g.sort_values("test_index") for _, g in rows.groupby("seed", sort=True)]
    first = seeds[0]
    return (first["label"].to_numpy().astype(int), first["patient_id"].astype(str).to_numpy(),
            [g["probability"].to_numpy(dtype=float) for g in seeds])


def _mean_metrics(labels: np.ndarray, probabilities: Sequence[np.ndarray], index: np.ndarray) -> dict[str, float]:
    values = [binary_metrics(labels[index], p[index]) for p in probabilities]
    return {m: float(np.mean([v[m] for v in values])) for m in PAIRED_METRICS}


def paired_difference(
    predictions: pd.DataFrame, condition: str, baseline: str, n_boot: int = 2000, confidence: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """``condition − baseline`` per metric: ``metric, condition, baseline, value, baseline_value, difference,
    ci_low, ci_high, p_value, n_patients, n_images, n_boot_valid``.

    Refuses conditions that were not tested on the same images (a paired test needs the pairs).
    """
    labels, patients, probs = _per_seed(predictions, condition)
    base_labels, base_patients, base_probs = _per_seed(predictions, baseline)
    if not (np.array_equal(labels, base_labels) and np.array_equal(patients, base_patients)):
        raise ValueError(f"paired comparison: '{condition}' and '{baseline}' were not tested on the same images")
    _, inverse = np.unique(patients, return_inverse=True)
    members = [np.flatnonzero(inverse == g) for g in range(inverse.max() + 1)]
    everything = np.arange(len(labels))
    point, base_point = _mean_metrics(labels, probs, everything), _mean_metrics(labels, base_probs, everything)
    rng = np.random.default_rng(seed)
    differences = np.full((n_boot, len(PAIRED_METRICS)), np.nan)
    for b in range(n_boot):
        index = np.concatenate([members[g] for g in rng.integers(0, len(members), size=len(members))])
        a, c = _mean_metrics(labels, probs, index), _mean_metrics(labels, base_probs, index)
        differences[b] = [a[m] - c[m] for m in PAIRED_METRICS]
    alpha = (1.0 - confidence) / 2.0
    rows = []
    for j, metric in enumerate(PAIRED_METRICS):
        valid = differences[:, j][np.isfinite(differences[:, j])]
        low, high = np.quantile(valid, [alpha, 1.0 - alpha]) if len(valid) else (np.nan, np.nan)
        tail = min(np.mean(valid <= 0), np.mean(valid >= 0)) if len(valid) else np.nan
        rows.append({"metric": metric, "condition": condition, "baseline": baseline, "value": point[metric],
                     "baseline_value": base_point[metric], "difference": point[metric] - base_point[metric],
                     "ci_low": float(low), "ci_high": float(high),
                     "p_value": float(min(1.0, max(2.0 * tail, 1.0 / max(len(valid), 1)))),
                     "n_patients": len(members), "n_images": len(labels), "n_boot_valid": int(len(valid))})
    return pd.DataFrame(rows)


def verdict(ci_low: float, ci_high: float) -> str:
    """What a paired interval of a difference supports."""
    if not (np.isfinite(ci_low) and np.isfinite(ci_high)):
        return UNDECIDED
    if ci_low > 0:
        return HELPS
    if ci_high < 0:
        return HURTS
    return UNDECIDED


def verdict_sentence(model: str, comparisons: pd.DataFrame) -> str:
    """One plain sentence per model and comparison, e.g. "prostategan, real + GAN vs real: no detectable
    difference at this sample size (ΔROC AUC +0.012 [−0.020, +0.045], p = 0.47; Δbalanced accuracy ...)"."""
    def one(row: pd.Series, name: str) -> str:
        return (f"Δ{name} {row['difference']:+.3f} [{row['ci_low']:+.3f}, {row['ci_high']:+.3f}], "
                f"p = {row['p_value']:.3g}")

    by_metric = comparisons.set_index("metric")
    auc = by_metric.loc["roc_auc"]
    parts = [one(auc, "ROC AUC")]
    if "balanced_accuracy" in by_metric.index:
        parts.append(one(by_metric.loc["balanced_accuracy"], "balanced accuracy"))
    return (f"{model}, {auc['condition']} vs {auc['baseline']}: {verdict(auc['ci_low'], auc['ci_high'])} "
            f"({'; '.join(parts)}; {int(auc['n_patients'])} test patients).")
