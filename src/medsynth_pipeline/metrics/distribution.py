"""Distances between feature distributions: Fréchet distance, KID, IS-style score.

The formulas are torch-fidelity's own functions (the reference implementation the FID/IS/KID numbers are
compared against), applied to whatever feature space the caller names: Inception-v3 pool features for
FID/KID, or the penultimate layer / logits of a classifier trained on real data for the domain metrics.
"""

from __future__ import annotations

import numpy as np
import torch
from torch_fidelity.metric_fid import KEY_METRIC_FID, fid_features_to_statistics, fid_statistics_to_metric
from torch_fidelity.metric_isc import KEY_METRIC_ISC_MEAN, KEY_METRIC_ISC_STD, isc_features_to_metric
from torch_fidelity.metric_kid import KEY_METRIC_KID_MEAN, KEY_METRIC_KID_STD, kid_features_to_metric

from medsynth_pipeline.metrics.results import InsufficientData


def _as_features(features: np.ndarray | torch.Tensor, what: str) -> torch.Tensor:
    tensor = features if torch.is_tensor(features) else torch.from_numpy(np.asarray(features))
    if not tensor.is_floating_point():
        tensor = tensor.to(torch.float64)
    if tensor.dim() != 2:
        raise ValueError(f"{what}: expected a 2-D [samples, features] array, got shape {tuple(tensor.shape)}")
    if tensor.shape[0] < 2:
        raise InsufficientData(f"{what}: at least 2 images are needed, got {tensor.shape[0]}")
    if not torch.isfinite(tensor).all():
        raise ValueError(f"{what}: features contain NaN or infinite values")
    return tensor.detach().cpu()


def frechet_distance(features_a: np.ndarray | torch.Tensor, features_b: np.ndarray | torch.Tensor) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (torch-fidelity's FID formula).

    ``||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))``; equals FID when the features are
    torch-fidelity's Inception-v3 ``2048`` features.
    """
    a = _as_features(features_a, "features_a")
    b = _as_features(features_b, "features_b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"feature dimensions differ: {a.shape[1]} vs {b.shape[1]}")
    # torch-fidelity asserts equal dtypes of the statistics; Inception features arrive as float32.
    dtype = a.dtype if a.dtype == b.dtype else torch.float64
    stats_a = fid_features_to_statistics(a.to(dtype))
    stats_b = fid_features_to_statistics(b.to(dtype))
    return float(fid_statistics_to_metric(stats_a, stats_b, verbose=False)[KEY_METRIC_FID])


def inception_style_score(logits: np.ndarray | torch.Tensor, splits: int = 10, seed: int = 2020) -> tuple[float, float]:
    """``exp(E_x KL(p(y|x) || p(y)))`` over ``splits`` chunks (torch-fidelity's IS formula).

    ``logits`` are unnormalised class scores (softmax is applied inside). Returns (mean, std) over the
    splits. With K classes the score lies in [1, K].
    """
    tensor = _as_features(logits, "logits")
    if tensor.shape[0] < splits:
        raise InsufficientData(f"inception-style score: {tensor.shape[0]} images cannot fill {splits} splits")
    out = isc_features_to_metric(tensor, splits=splits, shuffle=True, rng_seed=seed)
    return float(out[KEY_METRIC_ISC_MEAN]), float(out[KEY_METRIC_ISC_STD])


def kernel_distance(
    features_a: np.ndarray | torch.Tensor,
    features_b: np.ndarray | torch.Tensor,
    subsets: int = 100,
    subset_size: int = 1000,
    degree: int = 3,
    coef0: float = 1.0,
    seed: int = 2020,
) -> tuple[float, float, int]:
    """Unbiased squared MMD with the cubic polynomial kernel (KID; torch-fidelity's estimator).

    ``subset_size`` is capped at the smaller set so that a few hundred samples still give an unbiased
    estimate averaged over ``subsets`` random subsets. Returns (mean, std over subsets, subset size used).
    """
    a = _as_features(features_a, "features_a").to(torch.float64)
    b = _as_features(features_b, "features_b").to(torch.float64)
    size = int(min(subset_size, a.shape[0], b.shape[0]))
    out = kid_features_to_metric(
        a,
        b,
        kid_subsets=subsets,
        kid_subset_size=size,
        kid_kernel="poly",
        kid_kernel_poly_degree=degree,
        kid_kernel_poly_gamma=None,  # 1 / feature dimension, as in the KID paper
        kid_kernel_poly_coef0=coef0,
        rng_seed=seed,
        verbose=False,
    )
    return float(out[KEY_METRIC_KID_MEAN]), float(out[KEY_METRIC_KID_STD]), size
