"""Automatic discarding of unrealistic synthetic images (004 discarded them by hand, about 25 %).

Two stated criteria, both ranking the synthetic images of one class and keeping the most realistic ones:

* ``critic``: the PGGAN's own critic at the final resolution (the class's critic for per-class networks).
  A WGAN critic scores how real an image looks relative to the generator's current output; its raw value
  drifts, so only the ranking within one class is used, never a fixed threshold.
* ``knn_realism``: the realism score of Kynkäänniemi et al. (NeurIPS 2019, "Improved precision and recall"):
  ``max_r radius_k(r) / ‖φ(r) − φ(g)‖`` over real images r, with ``radius_k`` the distance from r to its k-th
  nearest real neighbour. A score ≥ 1 means the image lies inside the estimated real manifold. The feature
  space is the images themselves, average-pooled to ``feature_size`` pixels a side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from medsynth_pipeline.models.pggan import PGGANArchitecture, PGGANDiscriminator

CRITERIA = ("none", "critic", "knn_realism")


@dataclass(frozen=True)
class RealismFilter:
    """``criterion`` (none | critic | knn_realism), ``discard_fraction`` of each class's images dropped
    (the least realistic), and the k-NN settings."""

    criterion: str
    discard_fraction: float
    nearest_k: int = 5
    feature_size: int = 16
    batch_size: int = 256
    critic_repeats: int = 4

    def __post_init__(self) -> None:
        if self.criterion not in CRITERIA:
            raise ValueError(f"realism criterion must be one of {CRITERIA}, got {self.criterion!r}")
        if not 0.0 <= self.discard_fraction < 1.0:
            raise ValueError(f"discard_fraction must be in [0, 1), got {self.discard_fraction}")
        if self.criterion == "none" and self.discard_fraction:
            raise ValueError("criterion 'none' discards nothing: set discard_fraction to 0")

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> RealismFilter:
        return cls(**dict(params))

    def to_generate(self, keep: int) -> int:
        """How many images to generate so that ``keep`` remain after discarding."""
        return int(np.ceil(keep / (1.0 - self.discard_fraction)))


def load_critics(critics: Mapping[str, Any], device: str | torch.device = "cpu") -> list[PGGANDiscriminator]:
    """The critics saved by the pggan stage (``{"mode", "architecture", "critics": [state_dict, ...]}``)."""
    arch = PGGANArchitecture.coerce(critics["architecture"])
    nets = []
    for state in critics["critics"]:
        net = PGGANDiscriminator(arch)
        net.load_state_dict(state)
        nets.append(net.to(device).eval())
    return nets


@torch.no_grad()
def critic_scores(
    critics: Sequence[PGGANDiscriminator], images: torch.Tensor, labels: torch.Tensor, batch_size: int = 256,
    repeats: int = 4, seed: int = 0,
) -> np.ndarray:
    """Critic score of each image (data range [-1, 1]); ``labels`` pick the critic when there is one per class.

    The minibatch-standard-deviation layer makes a score depend on the other images of its group, so each
    image is scored in ``repeats`` random groupings of its own class and the scores are averaged.
    """
    scores = np.zeros(len(images), dtype=np.float64)
    rng = torch.Generator().manual_seed(seed)
    for cls in labels.unique().tolist():
        members = (labels == cls).nonzero(as_tuple=True)[0]
        critic = critics[int(cls)] if len(critics) > 1 else critics[0]
        device = next(critic.parameters()).device
        for _ in range(repeats):
            order = members[torch.randperm(len(members), generator=rng)]
            for start in range(0, len(order), batch_size):
                index = order[start : start + batch_size]
                score, _ = critic(images[index].to(device))
                scores[index.numpy()] += score.double().cpu().numpy() / repeats
    return scores


def pooled_features(images: torch.Tensor, size: int) -> torch.Tensor:
    """Images averaged down to ``size`` pixels a side and flattened (a cheap, model-free feature space)."""
    if images.shape[-1] > size:
        images = F.adaptive_avg_pool2d(images, size)
    return images.flatten(1).double()


def knn_realism_scores(real: torch.Tensor, fake: torch.Tensor, nearest_k: int) -> np.ndarray:
    """Kynkäänniemi et al.'s realism score of every ``fake`` feature vector against ``real`` ones."""
    if len(real) <= nearest_k:
        raise ValueError(f"the realism score with k={nearest_k} needs more than {nearest_k} real images, got {len(real)}")
    radii = torch.cdist(real, real).kthvalue(nearest_k + 1, dim=1).values  # +1: each point is its own neighbour
    # Their reference drops the real samples with the largest radii (outliers inflate the manifold).
    keep = radii <= torch.quantile(radii, 0.5) if len(radii) > 2 * nearest_k else torch.ones_like(radii, dtype=bool)
    distances = torch.cdist(fake, real[keep]).clamp_min(1e-12)
    return (radii[keep][None, :] / distances).max(dim=1).values.numpy()


def most_realistic(scores: np.ndarray, labels: np.ndarray, keep_per_class: int) -> np.ndarray:
    """Indices of the ``keep_per_class`` highest-scoring images of every class (ties: earlier first)."""
    chosen = []
    for cls in np.unique(labels):
        members = np.flatnonzero(labels == cls)
        order = members[np.argsort(-scores[members], kind="stable")]
        chosen.append(np.sort(order[:keep_per_class]))
    return np.concatenate(chosen) if chosen else np.zeros(0, np.int64)
