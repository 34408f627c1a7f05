"""Realism table of one model: FRD, its real-vs-real floor, C2ST AUC and the ladder verdict of every metric.

Reference = the real training patches the model learnt from; held-out = the real validation/test patches
(other patients). Per synthetic set: FRD per channel and jointly (vs the reference), the ratio of its
Fréchet distance to the floor's (two patient-disjoint halves of the reference), the C2ST AUC against the
held-out patients, and — when a domain classifier is given — its FD/KID/PRDC. Every metric is run through
the ladder (``metrics.ladder``) on this run's own held-out patches; a metric that fails is flagged and
``headline`` is False, so the report leaves it out of the headline table.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from medsynth_pipeline.metrics.c2st import c2st_auc
from medsynth_pipeline.metrics.frd import FRDSettings, frd_floor, frd_scores, radiomic_features
from medsynth_pipeline.metrics.ladder import check_ladder, ladder_sets
from medsynth_pipeline.metrics.results import InsufficientData
from medsynth_pipeline.metrics.scoring import ScoringSettings, domain_metrics

log = logging.getLogger(__name__)

C2ST_METRIC = "C2ST-AUC"
# Metrics where larger = more realistic: negated for the ladder. IS-style scores have no realism direction.
HIGHER_IS_BETTER = ("precision", "recall", "density", "coverage")
NO_DIRECTION = ("IS",)
COLUMNS = ["set", "metric", "value", "floor", "ratio_to_floor", "ladder_passed", "ladder_reason", "headline",
           "status", "reason"]
Embedder = Callable[[torch.Tensor], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class RealismSettings:
    """``realism`` parameters: FRD extraction, C2ST folds, ladder size and seed."""

    frd: FRDSettings = FRDSettings()
    c2st_folds: int = 5
    ladder_patches: int = 64  # held-out patches per rung (five rungs are scored per metric)
    max_reference: int = 400  # real training patches the FRD reference and C2ST ladder use at most
    # Patches of each synthetic set that are scored at most: pyradiomics extracts ~10 patch channels/s per
    # core, so scoring every image of every set would cost more than training the model.
    max_synthetic: int = 400
    seed: int = 0

    @classmethod
    def from_dict(cls, params: dict | None) -> RealismSettings:
        params = dict(params or {})
        unknown = set(params) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"realism: unknown settings {sorted(unknown)}")
        return cls(**{**params, "frd": FRDSettings.from_dict(params.get("frd"))})


def _subsample(images: np.ndarray, groups: np.ndarray, limit: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    if len(images) <= limit:
        return images, groups
    keep = np.sort(np.random.default_rng(seed).choice(len(images), limit, replace=False))
    return images[keep], groups[keep]


def _family(metric: str) -> str:
    return metric.split("-", 1)[0]


def _ladder_value(metric: str, value: float) -> float:
    return -value if _family(metric) in HIGHER_IS_BETTER else value


class RealismScorer:
    """Scores synthetic sets of one model; reference features are extracted once."""

    def __init__(self, reference: np.ndarray, reference_groups: np.ndarray, held_out: np.ndarray,
                 held_out_groups: np.ndarray, channels: list[str], settings: RealismSettings,
                 embed: Embedder | None = None, space: str = "", scoring: ScoringSettings | None = None) -> None:
        self.settings = settings
        self.channels = channels
        self.reference, self.reference_groups = _subsample(np.asarray(reference), np.asarray(reference_groups),
                                                           settings.max_reference, settings.seed)
        self.held_out, self.held_out_groups = np.asarray(held_out), np.asarray(held_out_groups)
        self.reference_features = radiomic_features(self.reference, settings.frd, "real reference patches")
        self.embed, self.space, self.scoring = embed, space, scoring or ScoringSettings()
        self.reference_embedding = embed(torch.from_numpy(self.reference).float())[0] if embed else None

    def floor(self) -> dict[str, float]:
        return frd_floor(self.reference_features, self.reference_groups, self.channels, self.settings.seed)

    def distances(self, synthetic: np.ndarray) -> dict[str, float]:
        """Metrics against the reference (FRD, domain metrics) and C2ST against the reference's patients."""
        scores = frd_scores(self.reference_features, radiomic_features(synthetic, self.settings.frd), self.channels)
        scores.update(self._domain(synthetic))
        return scores

    def _domain(self, synthetic: np.ndarray) -> dict[str, float]:
        if self.embed is None:
            return {}
        features, logits = self.embed(torch.from_numpy(np.ascontiguousarray(synthetic)).float())
        results = domain_metrics(self.reference_embedding, features, logits, self.space, self.scoring)
        return {r.name: float(r.value) for r in results if r.value is not None}

    def ladder(self) -> dict[str, tuple[bool, str]]:
        """Ladder verdict per metric name on this run's held-out patches."""
        rung_source, _ = _subsample(self.held_out, self.held_out_groups, self.settings.ladder_patches, self.settings.seed)
        per_rung = []
        for rung, images in ladder_sets(rung_source, self.settings.seed).items():
            scores = self.distances(images)
            scores[C2ST_METRIC] = c2st_auc(self.reference, images, real_groups=self.reference_groups,
                                           folds=self.settings.c2st_folds, seed=self.settings.seed)
            log.info("realism ladder, rung '%s': %s", rung, {k: round(v, 3) for k, v in scores.items()})
            per_rung.append(scores)
        verdicts = {}
        for name in per_rung[0]:
            if _family(name) in NO_DIRECTION:
                verdicts[name] = (False, "no realism direction (larger is neither better nor worse)")
                continue
            verdict = check_ladder(name, [_ladder_value(name, s.get(name, np.nan)) for s in per_rung],
                                   ceiling=1.0 if name == C2ST_METRIC else None)
            verdicts[name] = (verdict.passed, verdict.reason)
        return verdicts

    def table(self, candidates: dict[str, np.ndarray]) -> pd.DataFrame:
        """One row per (set, metric); ``headline`` is False for metrics that fail the ladder."""
        verdicts = self.ladder()
        floor = self.floor()
        rows = []
        for label, images in candidates.items():
            images, _ = _subsample(np.asarray(images), np.zeros(len(images)), self.settings.max_synthetic,
                                   self.settings.seed)
            try:
                scores = self.distances(images)
                scores[C2ST_METRIC] = c2st_auc(self.held_out, images, real_groups=self.held_out_groups,
                                               folds=self.settings.c2st_folds, seed=self.settings.seed)
            except InsufficientData as error:
                rows += [_row(label, name, None, verdicts, floor, str(error)) for name in verdicts]
                continue
            rows += [_row(label, name, value, verdicts, floor, "") for name, value in scores.items()]
        return pd.DataFrame(rows, columns=COLUMNS)


def _row(label: str, metric: str, value: float | None, verdicts: dict[str, tuple[bool, str]],
         floor: dict[str, float], reason: str) -> dict[str, object]:
    passed, why = verdicts.get(metric, (False, "not run through the ladder"))
    base = floor.get(metric)
    # FRD values are log Fréchet distances: exp of the difference is the ratio of the distances themselves.
    ratio = float(np.exp(value - base)) if value is not None and base is not None else None
    return {"set": label, "metric": metric, "value": value, "floor": base, "ratio_to_floor": ratio,
            "ladder_passed": passed, "ladder_reason": why, "headline": bool(passed and value is not None),
            "status": "computed" if value is not None else "not computed", "reason": reason}
