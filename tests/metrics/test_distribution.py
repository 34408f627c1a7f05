"""Fréchet distance, KID and the IS-style score against closed forms and limiting cases."""

from __future__ import annotations

import numpy as np
import pytest

from medsynth_pipeline.metrics.distribution import frechet_distance, inception_style_score, kernel_distance


def test_identical_sets_have_zero_distance() -> None:
    features = np.random.default_rng(0).normal(size=(300, 8))
    assert frechet_distance(features, features) == pytest.approx(0.0, abs=1e-8)
    kid, _, size = kernel_distance(features, features, subsets=10, subset_size=1000)
    assert size == 300  # capped to the set size: a few hundred samples still work
    # A set compared with itself shares its samples, so the unbiased estimate sits O(1/m) below 0
    # (here about -2 k(x, x) / m = -0.05) where a real difference of the sets gives ~10.
    far, _, _ = kernel_distance(features, features + 2.0, subsets=10, subset_size=1000)
    assert abs(kid) < 0.1 and far > 5.0


def test_shifted_gaussians_match_closed_form() -> None:
    rng = np.random.default_rng(1)
    shift = np.array([1.0, -2.0, 0.5, 0.0])
    a = rng.normal(size=(40_000, 4))
    b = rng.normal(size=(40_000, 4)) + shift
    # Same covariance: FD = ||mu_a - mu_b||^2.
    assert frechet_distance(a, b) == pytest.approx(float(shift @ shift), rel=0.02)
    # Isotropic scales s1, s2: FD = d (s1 - s2)^2.
    c = rng.normal(size=(40_000, 4)) * 3.0
    assert frechet_distance(a, c) == pytest.approx(4 * (3.0 - 1.0) ** 2, rel=0.03)


def test_kid_grows_with_the_shift_and_is_unbiased_near_zero() -> None:
    rng = np.random.default_rng(2)
    a, same = rng.normal(size=(200, 16)), rng.normal(size=(200, 16))
    near, _, _ = kernel_distance(a, same, subsets=20, subset_size=100)
    far, _, _ = kernel_distance(a, same + 1.0, subsets=20, subset_size=100)
    assert abs(near) < 0.05 < far  # the unbiased estimate of a zero MMD hovers around 0 (can be < 0)


def test_inception_style_score_bounds() -> None:
    confident_uniform = np.eye(4)[np.arange(400) % 4] * 50.0  # sure of its class, all classes used
    collapsed = np.tile([50.0, 0.0, 0.0, 0.0], (400, 1))
    assert inception_style_score(confident_uniform)[0] == pytest.approx(4.0, rel=0.05)  # splits are not exactly balanced
    assert inception_style_score(collapsed)[0] == pytest.approx(1.0, rel=1e-6)


def test_bad_features_are_refused() -> None:
    with pytest.raises(ValueError, match="dimensions differ"):
        frechet_distance(np.zeros((5, 3)), np.zeros((5, 4)))
    with pytest.raises(ValueError, match="NaN"):
        frechet_distance(np.full((5, 3), np.nan), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="splits"):
        inception_style_score(np.zeros((5, 3)), splits=10)
