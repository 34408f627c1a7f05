"""The realism headline table (issue 10): FRD per modality and joint against its real-vs-real floor, C2ST AUC,
and whether each meets its target; metrics that fail the metric ladder are named, never tabled.

Input: the realism scores of ``metrics.realism`` (one row per model, synthetic set and metric, with
``value, floor, ratio_to_floor, ladder_passed, ladder_reason, headline, status, reason``). A model's ladder is
run once on its own held-out patches, so its verdict is the same for every set of that model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from medsynth_pipeline.metrics.ladder import RUNGS
from medsynth_pipeline.metrics.realism import C2ST_METRIC, HIGHER_IS_BETTER
from medsynth_pipeline.reporting.tables import format_value

HEADLINE_COLUMNS = ["model", "metric", "sets", "mean", "std", "floor", "ratio_to_floor", "target", "meets_target"]
EXPLANATION = ("FRD: log Fréchet distance of FRDv1 radiomic features to the model's real training patches; floor: "
               "the same between two patient-disjoint halves of those patches; FRD / floor = exp(FRD − floor), the "
               "ratio of the distances themselves. C2ST AUC: cross-validated real-vs-synthetic classifier against "
               "held-out patients (0.5 = indistinguishable); ± is the spread over synthetic sets, not a CI. Targets "
               "are checked on the mean over sets.")
_FAILED_RUNG = re.compile(r"^'([^']+)'")  # metrics.ladder.check_ladder: "'<rung>' (x) does not score worse …"


@dataclass(frozen=True)
class RealismTargets:
    """``reporting.realism.targets``: a model meets them when its C2ST AUC and FRD/floor are at most these."""

    c2st_auc_max: float
    frd_ratio_max: float

    @classmethod
    def from_dict(cls, params: Mapping[str, Any]) -> RealismTargets:
        return cls(float(params["c2st_auc_max"]), float(params["frd_ratio_max"]))


def _family(metric: str) -> str:
    return str(metric).split("-", 1)[0]


def _target(metric: str, mean: float, ratio: float, targets: RealismTargets) -> tuple[str, bool | None]:
    if metric == C2ST_METRIC:
        return f"AUC ≤ {targets.c2st_auc_max:g}", bool(mean <= targets.c2st_auc_max)
    if _family(metric) == "FRD" and not np.isnan(ratio):
        return f"FRD/floor ≤ {targets.frd_ratio_max:g}", bool(ratio <= targets.frd_ratio_max)
    return "", None


def headline_table(scores: pd.DataFrame, families: Iterable[str], targets: RealismTargets) -> pd.DataFrame:
    """Per model and headline metric (``families``: metric name prefixes, e.g. FRD, C2ST) that passed the ladder:
    mean and std over the model's computed synthetic sets, the floor, the mean FRD/floor ratio, and whether the
    mean meets its target. Metrics that failed the ladder or were not computed are absent."""
    wanted = set(families)
    kept = scores[scores["headline"].astype(bool) & (scores["status"] == "computed")
                  & scores["metric"].map(_family).isin(wanted)]
    rows = []
    for (model, metric), group in kept.groupby(["model", "metric"], sort=False):
        values = group["value"].astype(float)
        ratio = float(group["ratio_to_floor"].astype(float).mean()) if group["ratio_to_floor"].notna().any() else np.nan
        target, meets = _target(metric, float(values.mean()), ratio, targets)
        rows.append({"model": model, "metric": metric, "sets": len(values), "mean": float(values.mean()),
                     "std": float(values.std(ddof=1)) if len(values) > 1 else np.nan,
                     "floor": float(group["floor"].astype(float).mean()) if group["floor"].notna().any() else np.nan,
                     "ratio_to_floor": ratio, "target": target, "meets_target": meets})
    return pd.DataFrame(rows, columns=HEADLINE_COLUMNS)


def headline_view(table: pd.DataFrame, digits: int) -> pd.DataFrame:
    """The Markdown view: formatted cells, "yes"/"no" for the targets."""
    def number(value: float) -> str:
        return format_value(value, digits=digits)

    return pd.DataFrame({
        "model": table["model"], "metric": table["metric"], "sets": table["sets"],
        "value (mean ± std over sets)": [format_value(m, s, digits) for m, s in zip(table["mean"], table["std"], strict=True)],
        # three significant digits: a noise generator's ratio runs to 1e10
        "real-vs-real floor": table["floor"].map(number),
        "FRD / floor": table["ratio_to_floor"].map(lambda r: "–" if pd.isna(r) else f"{r:.3g}"),
        "target": table["target"],
        "meets target": table["meets_target"].map({True: "yes", False: "no"}).fillna("–"),
    })


def ladder_step(reason: str) -> str:
    """The ladder step a metric failed, read off ``check_ladder``'s reason: ``step 4 ('uniform noise')``."""
    match = _FAILED_RUNG.match(str(reason))
    if match and match.group(1) in RUNGS:
        return f"step {RUNGS.index(match.group(1)) + 1} ('{match.group(1)}')"
    return ""


def ladder_flags(scores: pd.DataFrame, metrics: Iterable[str] | None = None,
                 families: Iterable[str] | None = None, consequence: str = "left out of the headline table") -> list[str]:
    """One sentence per model and computed metric that failed the ladder (only those named in ``metrics`` or of
    the given ``families`` when these are given), naming the step it failed, why, and ``consequence``."""
    failed = scores[~scores["ladder_passed"].astype(bool) & (scores["status"] == "computed")]
    if metrics is not None:
        failed = failed[failed["metric"].isin(set(metrics))]
    if families is not None:
        failed = failed[failed["metric"].map(_family).isin(set(families))]
    lines = []
    for row in failed.drop_duplicates(["model", "metric"]).itertuples():
        step = ladder_step(row.ladder_reason)
        where = f"fails the metric ladder at {step}" if step else "is not ranked by the metric ladder"
        # metrics.realism negates larger-is-better metrics so that every rung should score larger than the last
        negated = " (values negated: larger = worse)" if step and _family(row.metric) in HIGHER_IS_BETTER else ""
        lines.append(f"{row.metric} ({row.model}) {where}: {row.ladder_reason}{negated}; {consequence}.")
    return lines


def not_computed_lines(scores: pd.DataFrame) -> list[str]:
    """One line per model and reason for realism metrics that were not computed."""
    missing = scores[scores["status"] != "computed"]
    return [f"{model}: realism metrics not computed ({reason})"
            for (model, reason), _ in missing.groupby(["model", "reason"], sort=False)]


def realism_notes(scores: pd.DataFrame, families: Iterable[str], elsewhere: str) -> list[str]:
    """The headline table's notes: what the columns mean, the ladder failures of its ``families``, what was not
    computed, and where (table ``elsewhere``) the verdicts of the other ladder-checked metrics are."""
    families = list(families)
    notes = [EXPLANATION, *ladder_flags(scores, families=families), *not_computed_lines(scores)]
    computed = scores.loc[scores["status"] == "computed", "metric"]
    if (~computed.map(_family).isin(set(families))).any():
        notes.append(f"The ladder verdicts of the other realism-scored metrics (FD/KID/PRDC on classifier features) "
                     f"are in the notes of '{elsewhere}'.")
    return notes
