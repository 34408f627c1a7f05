"""Precision / recall / density / coverage sanity cases (Naeem et al. 2020)."""

from __future__ import annotations

import numpy as np
import pytest

from medsynth_pipeline.metrics.prdc import prdc


def test_identical_sets_are_perfect() -> None:
    real = np.random.default_rng(0).normal(size=(200, 5))
    result = prdc(real, real, nearest_k=5)
    assert result.precision == result.recall == result.coverage == 1.0
    assert result.density >= 1.0  # every sample lies in its own ball plus those of its neighbours


def test_far_away_samples_score_zero() -> None:
    rng = np.random.default_rng(1)
    result = prdc(rng.normal(size=(200, 5)), rng.normal(size=(200, 5)) + 100.0)
    assert result.as_dict() == {"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0}


def test_mode_collapse_keeps_precision_but_loses_recall_and_coverage() -> None:
    rng = np.random.default_rng(2)
    real = rng.normal(size=(500, 2))
    collapsed = rng.normal(size=(500, 2)) * 0.05  # every sample near the centre mode
    result = prdc(real, collapsed, nearest_k=5)
    assert result.precision > 0.95
    assert result.recall < 0.2 and result.coverage < 0.3


def test_same_distribution_scores_high() -> None:
    rng = np.random.default_rng(3)
    result = prdc(rng.normal(size=(500, 3)), rng.normal(size=(500, 3)), nearest_k=5)
    assert min(result.precision, result.recall, result.coverage) > 0.8
    assert 0.7 < result.density < 1.3


def test_too_few_samples_for_k() -> None:
    with pytest.raises(ValueError, match="k=5"):
        prdc(np.zeros((5, 2)), np.zeros((10, 2)), nearest_k=5)
