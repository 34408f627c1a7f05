"""Score image sets against the real training images: every metric of the evaluation for one set.

Used for each synthetic set of a model and for the held-out real images (002's "real data" row, the
floor a perfect generator would reach). Inception metrics come from torch-fidelity's network when its
weights are available, else they are reported as not computed with the reason; the domain metrics use the
features and logits of a classifier trained on the real training split and are named after it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd
import torch

from medsynth_pipeline.metrics.distribution import frechet_distance, inception_style_score, kernel_distance
from medsynth_pipeline.metrics.inception import (
    InceptionScorer,
    inception_metric_names,
    inception_metrics,
    inception_not_computed,
)
from medsynth_pipeline.metrics.memorisation import memorisation_check
from medsynth_pipeline.metrics.prdc import prdc
from medsynth_pipeline.metrics.results import InsufficientData, MetricResult

log = logging.getLogger(__name__)

Embedder = Callable[[torch.Tensor], tuple[np.ndarray, np.ndarray]]  # images -> (features, logits)
NEAR_COPY_METRIC = "near-copy %"


@dataclass(frozen=True)
class ScoringSettings:
    """Subset sizes and seeds of the set metrics (``evaluation.scoring``)."""

    is_splits: int = 10
    kid_subsets: int = 100
    kid_subset_size: int = 1000
    prdc_nearest_k: int = 5
    memorisation_quantile: float = 0.01
    seed: int = 2020

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> ScoringSettings:
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown scoring settings {sorted(unknown)}")
        return cls(**values)


PRDC_NAMES = ("precision", "recall", "density", "coverage")


def domain_metric_names(space: str) -> list[str]:
    return [f"{m}-{space}" for m in ("FD", "KID", "IS", *PRDC_NAMES)]


def _guarded(names: Sequence[str], features: str, compute: Callable[[], list[MetricResult]]) -> list[MetricResult]:
    """``compute()``, or every name reported as not computed when the set is too small for it."""
    try:
        return compute()
    except InsufficientData as error:
        return [MetricResult.missing(name, str(error), features) for name in names]


def domain_metrics(
    real_features: np.ndarray, synthetic_features: np.ndarray, synthetic_logits: np.ndarray, space: str,
    settings: ScoringSettings,
) -> list[MetricResult]:
    """FD, KID, IS-style score and PRDC in a classifier's feature space, each named ``<metric>-<space>``."""
    results = [
        MetricResult(f"FD-{space}", frechet_distance(real_features, synthetic_features), features=space),
        MetricResult(f"KID-{space}", kernel_distance(real_features, synthetic_features, settings.kid_subsets,
                                                     settings.kid_subset_size, seed=settings.seed)[0], features=space),
    ]
    splits = min(settings.is_splits, len(synthetic_logits))  # few-hundred-image sets: at most one split per image
    results.append(MetricResult(f"IS-{space}", inception_style_score(synthetic_logits, splits, settings.seed)[0],
                                features=space))
    names = [f"{m}-{space}" for m in PRDC_NAMES]
    if min(len(real_features), len(synthetic_features)) <= settings.prdc_nearest_k:
        reason = f"PRDC needs more than k={settings.prdc_nearest_k} images per set"
        return results + [MetricResult.missing(name, reason, space) for name in names]
    values = prdc(real_features, synthetic_features, settings.prdc_nearest_k).as_dict()
    return results + [MetricResult(name, value, features=space) for name, value in zip(names, values.values(), strict=True)]


def score_image_sets(
    real_train: torch.Tensor,
    real_patient_ids: Sequence[str],
    candidates: Mapping[str, torch.Tensor],
    channel_names: Sequence[str],
    settings: ScoringSettings,
    inception: InceptionScorer | None = None,
    inception_reason: str = "",
    embed: Embedder | None = None,
    space: str = "",
    domain_reason: str = "",
) -> pd.DataFrame:
    """One row per (candidate set, metric): ``set, metric, value, status, reason, features``.

    ``candidates`` maps a set label (``set0`` …, or ``real held-out``) to ``[N, C, H, W]`` images in [0, 1]
    with the channels of ``real_train``. The memorisation check gives ``near-copy %``: the share of the
    set closer to a real training image than ``memorisation_quantile`` of real images of other patients.
    A metric the sets are too small for is reported as not computed with the reason.
    """
    rows: list[dict[str, Any]] = []
    inception_names = inception_metric_names(channel_names)
    real_inception = (inception.features_per_modality(real_train, channel_names, label="real train")
                      if inception is not None else None)
    real_domain = embed(real_train) if embed is not None else None
    for label, images in candidates.items():
        if images.shape[1:] != real_train.shape[1:]:
            raise ValueError(f"set {label}: images {tuple(images.shape[1:])} differ from real {tuple(real_train.shape[1:])}")
        results: list[MetricResult] = []
        if inception is not None:
            def with_inception(images: torch.Tensor = images, label: str = label) -> list[MetricResult]:
                synthetic = inception.features_per_modality(images, channel_names, label=label)
                return inception_metrics(real_inception, synthetic, channel_names, settings.is_splits,
                                         settings.kid_subsets, settings.kid_subset_size, settings.seed)
            results += _guarded(inception_names, "Inception-v3", with_inception)
        else:
            results += inception_not_computed(channel_names, inception_reason or "Inception metrics disabled")
        if real_domain is not None:
            def with_domain(images: torch.Tensor = images) -> list[MetricResult]:
                features, logits = embed(images)
                return domain_metrics(real_domain[0], features, logits, space, settings)
            results += _guarded(domain_metric_names(space), space, with_domain)
        else:
            results += [MetricResult.missing(n, domain_reason or "no domain classifier", space)
                        for n in domain_metric_names(space or "classifier-real")]

        def near_copies(images: torch.Tensor = images) -> list[MetricResult]:
            check = memorisation_check(images, real_train, real_patient_ids, settings.memorisation_quantile)
            return [MetricResult(NEAR_COPY_METRIC, 100.0 * check.summary()["near_copy_fraction"],
                                 features="pixels (RMS)")]
        results += _guarded([NEAR_COPY_METRIC], "pixels (RMS)", near_copies)
        rows += [{"set": label, **result.as_row()} for result in results]
        log.info("scored %s: %d images, %d metrics", label, images.shape[0], len(results))
    return pd.DataFrame(rows, columns=["set", "name", "value", "status", "reason", "features"]).rename(
        columns={"name": "metric"})


def not_computed_rows(labels: Sequence[str], channel_names: Sequence[str], space: str, reason: str) -> pd.DataFrame:
    """The rows ``score_image_sets`` would give, all not computed for ``reason`` (e.g. no real images)."""
    names = [*inception_metric_names(channel_names), *domain_metric_names(space), NEAR_COPY_METRIC]
    return pd.DataFrame([{"set": label, **MetricResult.missing(name, reason).as_row()} for label in labels
                         for name in names]).rename(columns={"name": "metric"})
