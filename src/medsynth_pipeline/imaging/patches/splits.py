"""Patient-level train/val/test splits, stratified by whether a patient has a clinically significant lesion.

Splitting patients, never patches, keeps every patch of one patient on one side (seed 002: "each
patient's data is either solely in the training or solely in the test set"). scikit-learn's
``train_test_split`` refuses strata with fewer than two members, which small cohorts and the test
configuration always have, so the allocation below is written out: strata are shuffled with a seeded
generator, interleaved in proportion, and cut into consecutive blocks. Every block then holds the
strata in (nearly) the cohort's proportion, and small cohorts still get every non-empty split.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

SPLITS = ("train", "val", "test")


def split_sizes(n: int, fractions: Mapping[str, float]) -> dict[str, int]:
    """Integer sizes summing to ``n`` (largest remainder); each split with a positive fraction gets at least
    one patient when there are enough patients."""
    unknown = set(fractions) - set(SPLITS)
    if unknown:
        raise ValueError(f"splits: unknown split names {sorted(unknown)}; use {SPLITS}")
    weights = np.array([float(fractions.get(name, 0.0)) for name in SPLITS])
    if np.any(weights < 0) or weights.sum() <= 0:
        raise ValueError(f"splits: fractions must be non-negative and not all zero, got {dict(fractions)}")
    exact = weights / weights.sum() * n
    sizes = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - sizes), kind="stable")[: n - sizes.sum()]:
        sizes[i] += 1
    wanted = weights > 0
    if n >= wanted.sum():
        for i in np.flatnonzero(wanted & (sizes == 0)):
            donor = int(np.argmax(sizes))
            sizes[donor] -= 1
            sizes[i] += 1
    return dict(zip(SPLITS, (int(s) for s in sizes), strict=True))


def split_patients(
    patients: pd.DataFrame, fractions: Mapping[str, float], seed: int, stratify_by: str = "has_clin_sig",
    test_folds: int = 0,
) -> pd.DataFrame:
    """``patient_id, split, <stratify_by>, fold`` for every patient of ``patients`` (one row each).

    ``test_folds`` > 1 deals the test patients into that many cross-validation folds (``fold`` 0..k-1),
    round-robin along the interleaved order, so every fold holds the strata in the cohort's proportion;
    patients of the other splits get ``fold`` -1. Deterministic for a given seed and patient set;
    independent of the row order of ``patients``.
    """
    if patients["patient_id"].duplicated().any():
        dupes = sorted(patients.loc[patients["patient_id"].duplicated(), "patient_id"].unique())
        raise ValueError(f"splits: patient ids listed twice: {dupes[:5]}")
    table = patients[["patient_id", stratify_by]].sort_values("patient_id", kind="stable").reset_index(drop=True)
    rng = np.random.default_rng(seed)
    keys = np.empty(len(table))
    for _, index in table.groupby(stratify_by, sort=True).indices.items():
        order = rng.permutation(len(index))
        # Evenly spaced positions in [0, 1): sorting on them interleaves the strata in proportion.
        keys[index] = (order + rng.uniform(0.25, 0.75)) / len(index)
    ordered = table.iloc[np.argsort(keys, kind="stable")].reset_index(drop=True)
    sizes = split_sizes(len(ordered), fractions)
    ordered["split"] = np.repeat(list(sizes), list(sizes.values()))
    ordered["fold"] = -1
    if test_folds > 1:
        test = np.flatnonzero(ordered["split"].to_numpy() == "test")
        if len(test) < test_folds:
            raise ValueError(f"splits: {len(test)} test patients cannot fill {test_folds} folds")
        ordered.loc[test, "fold"] = np.arange(len(test)) % test_folds
    return ordered[["patient_id", "split", stratify_by, "fold"]].sort_values("patient_id").reset_index(drop=True)
