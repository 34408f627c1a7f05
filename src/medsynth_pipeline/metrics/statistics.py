"""Summaries over repeated runs (synthetic sets, seeds): mean ± std and Welch t-tests between models."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats


def summarise(runs: pd.DataFrame, by: str | Sequence[str], metrics: Sequence[str]) -> pd.DataFrame:
    """Mean, sample std (ddof=1; 0 for a single run) and run count of each metric per group.

    Columns: the group keys, then ``<metric>_mean``, ``<metric>_std``, ``<metric>_n`` per metric.
    """
    by = [by] if isinstance(by, str) else list(by)
    missing = [column for column in [*by, *metrics] if column not in runs.columns]
    if missing:
        raise KeyError(f"columns {missing} not in the runs table (has {list(runs.columns)})")
    rows = []
    for key, group in runs.groupby(by, sort=False, dropna=False):
        row = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        for metric in metrics:
            values = pd.to_numeric(group[metric], errors="coerce").dropna().to_numpy(dtype=float)
            row[f"{metric}_mean"] = float(values.mean()) if len(values) else np.nan
            row[f"{metric}_std"] = float(values.std(ddof=1)) if len(values) > 1 else (0.0 if len(values) else np.nan)
            row[f"{metric}_n"] = len(values)
        rows.append(row)
    return pd.DataFrame(rows)


def welch_t_test(a: Sequence[float], b: Sequence[float]) -> tuple[float, float]:
    """Two-sided Welch t-test (unequal variances): (t, p). NaN when either side has fewer than 2 values."""
    a = np.asarray(a, dtype=float)[np.isfinite(np.asarray(a, dtype=float))]
    b = np.asarray(b, dtype=float)[np.isfinite(np.asarray(b, dtype=float))]
    if len(a) < 2 or len(b) < 2:
        return float("nan"), float("nan")
    result = stats.ttest_ind(a, b, equal_var=False)
    return float(result.statistic), float(result.pvalue)


def pairwise_t_tests(runs: pd.DataFrame, by: str, metrics: Sequence[str]) -> pd.DataFrame:
    """Welch t-test for every pair of groups and every metric (002 compares models this way)."""
    groups = list(dict.fromkeys(runs[by]))
    rows = []
    for first, second in itertools.combinations(groups, 2):
        for metric in metrics:
            a = pd.to_numeric(runs.loc[runs[by] == first, metric], errors="coerce")
            b = pd.to_numeric(runs.loc[runs[by] == second, metric], errors="coerce")
            t, p = welch_t_test(a, b)
            rows.append({"metric": metric, "a": first, "b": second, "t": t, "p_value": p,
                         "n_a": int(a.notna().sum()), "n_b": int(b.notna().sum())})
    return pd.DataFrame(rows, columns=["metric", "a", "b", "t", "p_value", "n_a", "n_b"])


def compare_runs(runs: pd.DataFrame, reference_prefix: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Summary and Welch t-tests of a long table of repeated runs.

    ``runs``: ``row`` (model, or a reference row whose name starts with ``reference_prefix``), ``set``,
    ``data`` (what was scored), ``metric, value, status, reason``. Summary per row and metric: ``mean, std,
    n`` (computed values), ``status`` (computed if any run was), the first ``reason``, ``sets`` (runs per
    row). T-tests compare every pair of non-reference rows scored on the same ``data``.
    """
    summary = summarise(runs, ["row", "data", "metric"], ["value"]).rename(
        columns={"value_mean": "mean", "value_std": "std", "value_n": "n"})
    status = runs.groupby(["row", "metric"], sort=False).agg(
        status=("status", lambda s: "computed" if (s == "computed").any() else "not computed"),
        reason=("reason", lambda r: next((x for x in r if x), "")))
    summary = summary.merge(status.reset_index(), on=["row", "metric"], how="left")
    summary["sets"] = summary["row"].map(runs.groupby("row")["set"].nunique())
    models = runs[~runs["row"].str.startswith(reference_prefix) & (runs["status"] == "computed")]
    tests = [pairwise_t_tests(group.pivot_table(index=["row", "set"], columns="metric", values="value").reset_index(),
                              "row", sorted(group["metric"].unique())).assign(data=data)
             for data, group in models.groupby("data", sort=False) if group["row"].nunique() > 1]
    ttests = pd.concat(tests, ignore_index=True) if tests else pd.DataFrame(
        columns=["metric", "a", "b", "t", "p_value", "n_a", "n_b", "data"])
    return summary, ttests
