"""Classifier two-sample test (C2ST; Lopez-Paz & Oquab, ICLR 2017) between real and synthetic patches.

A cheap classifier (standardised logistic regression from scikit-learn) learns to tell real from synthetic
patches on hand-made, resolution-independent descriptors: a coarse thumbnail of every channel, intensity
quantiles and histogram, neighbour-difference and Laplacian statistics (what separates blur and noise from
tissue), clipping fractions and the ADC–T2w correlation. Its cross-validated ROC AUC is the score: 0.5 means
the classifier cannot tell the sets apart, 1.0 means it always can.

Folds are grouped by patient on the real side, so a patient's patches are never split between training and
testing the classifier (otherwise it could memorise patients and the AUC would mean something else);
synthetic patches have no patient and are spread over the folds one by one. Cheap by design (a few hundred
patches in well under a second): it is called on every training snapshot for model selection.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from medsynth_pipeline.metrics.results import InsufficientData

THUMBNAIL_SIZE = 8
HISTOGRAM_BINS = 16
QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
# Strong L2 penalty: a few hundred samples and ~150 descriptors per channel; held-out real must stay at ~0.5.
REGULARISATION_C = 0.1
# Pixels closer than this to 0 or 1 count as clipped (saturated generators, constant backgrounds).
CLIP_TOLERANCE = 1e-3


def validate_patches(images: np.ndarray, what: str) -> np.ndarray:
    """``images`` as float64 N×C×H×W in [0, 1], or a ValueError naming ``what`` and the reason."""
    array = np.asarray(images)
    if array.ndim != 4:
        raise ValueError(f"{what}: expected an N×C×H×W array, got shape {array.shape}")
    if not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"{what}: expected a numeric array, got dtype {array.dtype}")
    array = array.astype(np.float64, copy=False)
    if not np.isfinite(array).all():
        raise ValueError(f"{what}: contains NaN or infinite values")
    if array.size and (array.min() < -1e-6 or array.max() > 1 + 1e-6):
        raise ValueError(f"{what}: values must lie in [0, 1], got [{array.min():.4g}, {array.max():.4g}]")
    return np.clip(array, 0.0, 1.0)


def patch_descriptors(images: np.ndarray) -> np.ndarray:
    """Per-patch descriptor vector (N × D) used by the C2ST classifier; D depends only on C."""
    x = validate_patches(images, "patches")
    n, channels = x.shape[:2]
    tensor = torch.from_numpy(x)
    thumbnail = F.adaptive_avg_pool2d(tensor, THUMBNAIL_SIZE).reshape(n, -1).numpy()
    flat = x.reshape(n, channels, -1)
    quantiles = np.quantile(flat, QUANTILES, axis=2).transpose(1, 2, 0).reshape(n, -1)
    edges = np.linspace(0.0, 1.0, HISTOGRAM_BINS + 1)
    # Bin index per pixel, then counts per (patch, channel, bin): one vectorised bincount.
    bins = np.clip(np.searchsorted(edges, flat, side="right") - 1, 0, HISTOGRAM_BINS - 1)
    offsets = (np.arange(n * channels) * HISTOGRAM_BINS).reshape(n, channels, 1)
    histogram = np.bincount((bins + offsets).ravel(), minlength=n * channels * HISTOGRAM_BINS)
    histogram = histogram.reshape(n, channels * HISTOGRAM_BINS) / flat.shape[2]
    dx = np.abs(np.diff(x, axis=3)).reshape(n, channels, -1)
    dy = np.abs(np.diff(x, axis=2)).reshape(n, channels, -1)
    laplacian = np.abs(4 * x[:, :, 1:-1, 1:-1] - x[:, :, :-2, 1:-1] - x[:, :, 2:, 1:-1]
                       - x[:, :, 1:-1, :-2] - x[:, :, 1:-1, 2:]).reshape(n, channels, -1)
    std = flat.std(axis=2)
    gradient = 0.5 * (dx.mean(axis=2) + dy.mean(axis=2))
    texture = np.concatenate([
        flat.mean(axis=2), std, dx.mean(axis=2), dy.mean(axis=2), dx.std(axis=2), dy.std(axis=2),
        laplacian.mean(axis=2), laplacian.std(axis=2),
        gradient / (std + 1e-6),  # roughness relative to contrast: noise high, blur low
        (flat <= CLIP_TOLERANCE).mean(axis=2), (flat >= 1 - CLIP_TOLERANCE).mean(axis=2),
    ], axis=1)
    parts = [thumbnail, quantiles, histogram, texture]
    if channels > 1:
        parts.append(_channel_correlations(flat))
    return np.concatenate(parts, axis=1)


def _channel_correlations(flat: np.ndarray) -> np.ndarray:
    centred = flat - flat.mean(axis=2, keepdims=True)
    norm = np.sqrt((centred**2).sum(axis=2)) + 1e-9
    pairs = [(i, j) for i in range(flat.shape[1]) for j in range(i + 1, flat.shape[1])]
    return np.stack([(centred[:, i] * centred[:, j]).sum(axis=1) / (norm[:, i] * norm[:, j]) for i, j in pairs], axis=1)


def c2st_auc(
    real: np.ndarray,
    synthetic: np.ndarray,
    *,
    real_groups: np.ndarray | None = None,
    folds: int = 5,
    seed: int = 0,
) -> float:
    """Cross-validated ROC AUC of a classifier telling ``synthetic`` from ``real`` patches (0.5 = indistinguishable).

    ``real`` and ``synthetic`` are N×C×H×W float arrays in [0, 1] with equal C, H, W. ``real_groups`` (one
    patient id per real patch) keeps each patient's patches within one fold; without it every real patch is
    its own group. The AUC is the mean over ``folds`` stratified, grouped folds (fewer if there are fewer
    real patients), with "synthetic" as the positive class.
    """
    real_x = validate_patches(real, "real patches")
    fake_x = validate_patches(synthetic, "synthetic patches")
    if real_x.shape[1:] != fake_x.shape[1:]:
        raise ValueError(f"real and synthetic patches differ in C×H×W: {real_x.shape[1:]} vs {fake_x.shape[1:]}")
    if min(real_x.shape[2:]) < 3:
        raise ValueError(f"patches must be at least 3×3 pixels, got {real_x.shape[2:]}")
    if folds < 2:
        raise ValueError(f"folds must be at least 2, got {folds}")
    n_real, n_fake = len(real_x), len(fake_x)
    if real_groups is None:
        real_ids = np.arange(n_real)
    else:
        groups_in = np.asarray(real_groups)
        if groups_in.shape != (n_real,):
            raise ValueError(f"real_groups must hold one id per real patch ({n_real}), got shape {groups_in.shape}")
        real_ids = np.unique(groups_in, return_inverse=True)[1]
    n_real_groups = int(real_ids.max()) + 1 if n_real else 0
    n_splits = min(folds, n_real_groups, n_fake)
    if n_splits < 2:
        raise InsufficientData(f"C2ST needs at least 2 real patients and 2 synthetic patches, "
                               f"got {n_real_groups} patients and {n_fake} synthetic patches")
    features = np.concatenate([patch_descriptors(real_x), patch_descriptors(fake_x)])
    labels = np.concatenate([np.zeros(n_real, dtype=int), np.ones(n_fake, dtype=int)])
    groups = np.concatenate([real_ids, n_real_groups + np.arange(n_fake)])
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    aucs = []
    for train, test in splitter.split(features, labels, groups):
        if len(np.unique(labels[test])) < 2 or len(np.unique(labels[train])) < 2:
            continue  # one patient larger than a fold's share: this fold cannot be scored
        model = make_pipeline(StandardScaler(), LogisticRegression(C=REGULARISATION_C, max_iter=2000))
        model.fit(features[train], labels[train])
        aucs.append(roc_auc_score(labels[test], model.predict_proba(features[test])[:, 1]))
    if not aucs:
        raise InsufficientData("C2ST: no fold held both real and synthetic patches (too few real patients)")
    return float(np.mean(aucs))
