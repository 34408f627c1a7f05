"""Precision, recall, density and coverage (Naeem et al., ICML 2020) on any feature space.

Follows the authors' reference (github.com/clovaai/generative-evaluation-prdc): k-NN balls around real
samples (radius = distance to the k-th nearest other real sample) and around synthetic samples, strict
``<`` comparisons. Written out here (30 lines on torch.cdist) rather than adding the unmaintained ``prdc``
package as a dependency.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from medsynth_pipeline.metrics.results import InsufficientData


@dataclass(frozen=True)
class PRDC:
    precision: float
    recall: float
    density: float
    coverage: float
    nearest_k: int

    def as_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "density": self.density, "coverage": self.coverage}


def _kth_neighbour_radii(features: torch.Tensor, k: int) -> torch.Tensor:
    distances = torch.cdist(features, features)
    # k + 1 because the nearest "neighbour" of every sample is itself at distance 0.
    return distances.kthvalue(k + 1, dim=1).values


def prdc(real_features: np.ndarray | torch.Tensor, fake_features: np.ndarray | torch.Tensor, nearest_k: int = 5) -> PRDC:
    """Precision/recall (fidelity/diversity via k-NN manifolds) and density/coverage of ``fake`` vs ``real``."""
    real = torch.as_tensor(np.asarray(real_features), dtype=torch.float64)
    fake = torch.as_tensor(np.asarray(fake_features), dtype=torch.float64)
    if real.dim() != 2 or fake.dim() != 2 or real.shape[1] != fake.shape[1]:
        raise ValueError(f"PRDC needs 2-D features of equal width, got {tuple(real.shape)} and {tuple(fake.shape)}")
    if min(real.shape[0], fake.shape[0]) <= nearest_k:
        raise InsufficientData(f"PRDC with k={nearest_k} needs more than {nearest_k} real and synthetic samples, "
                         f"got {real.shape[0]} real and {fake.shape[0]} synthetic")
    real_radii = _kth_neighbour_radii(real, nearest_k)
    fake_radii = _kth_neighbour_radii(fake, nearest_k)
    real_to_fake = torch.cdist(real, fake)  # [n_real, n_fake]

    inside_real_balls = real_to_fake < real_radii[:, None]
    precision = inside_real_balls.any(dim=0).double().mean()
    recall = (real_to_fake < fake_radii[None, :]).any(dim=1).double().mean()
    density = inside_real_balls.double().sum(dim=0).mean() / nearest_k
    coverage = (real_to_fake.min(dim=1).values < real_radii).double().mean()
    return PRDC(float(precision), float(recall), float(density), float(coverage), nearest_k)
