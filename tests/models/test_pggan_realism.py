"""The automatic realism filter: critic ranking, the k-NN realism score, per-class selection."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from medsynth_pipeline.models.pggan import PGGANArchitecture, PGGANDiscriminator
from medsynth_pipeline.models.pggan_realism import (
    RealismFilter,
    critic_scores,
    knn_realism_scores,
    load_critics,
    most_realistic,
    pooled_features,
)


def test_knn_realism_is_high_inside_the_real_manifold_and_low_far_away() -> None:
    g = torch.Generator().manual_seed(0)
    real = torch.randn(60, 4, generator=g, dtype=torch.float64)
    near = 0.05 * torch.randn(5, 4, generator=g, dtype=torch.float64)  # the dense centre of the reals
    far = torch.full((3, 4), 50.0, dtype=torch.float64)
    scores = knn_realism_scores(real, torch.cat([near, far]), nearest_k=3)
    assert (scores[:5] > 1.0).all() and (scores[5:] < 0.2).all()
    # hand check on a line: reals at 0, 1, 2, 3 (k=1 radii all 1); a fake at 0.5 -> max 1 / 0.5 = 2
    line = torch.tensor([[0.0], [1.0], [2.0], [3.0]], dtype=torch.float64)
    assert knn_realism_scores(line, torch.tensor([[0.5]], dtype=torch.float64), 1)[0] == pytest.approx(2.0)
    with pytest.raises(ValueError, match="more than 3 real"):
        knn_realism_scores(real[:3], far, 3)


def test_most_realistic_keeps_the_top_of_each_class() -> None:
    scores = np.array([0.1, 0.9, 0.5, 0.3, 0.8, 0.2])
    labels = np.array([0, 0, 0, 1, 1, 1])
    assert most_realistic(scores, labels, 2).tolist() == [1, 2, 3, 4]


def test_filter_settings() -> None:
    f = RealismFilter(criterion="critic", discard_fraction=0.25)
    assert f.to_generate(300) == 400
    with pytest.raises(ValueError, match="criterion"):
        RealismFilter(criterion="by_hand", discard_fraction=0.1)
    with pytest.raises(ValueError, match="discard_fraction"):
        RealismFilter(criterion="critic", discard_fraction=1.0)


def test_critic_scores_use_each_class_critic() -> None:
    torch.manual_seed(0)
    arch = PGGANArchitecture(latent_dim=8, final_resolution=8, image_channels=1, fmap_base=16, fmap_max=8)
    lenient = PGGANDiscriminator(arch)
    with torch.no_grad():
        lenient.dense1.bias.fill_(100.0)  # the class-1 critic calls everything very real
    saved = {"mode": "per_class", "architecture": arch.to_dict(),
             "critics": [PGGANDiscriminator(arch).state_dict(), lenient.state_dict()]}
    critics = load_critics(saved)
    images = torch.rand(10, 1, 8, 8) * 2 - 1
    labels = torch.tensor([0, 1, 0, 1, 1, 0, 0, 1, 0, 0])
    scores = critic_scores(critics, images, labels, batch_size=4)
    assert scores.shape == (10,) and np.isfinite(scores).all()
    assert (scores[labels.numpy() == 1] > 50).all() and (scores[labels.numpy() == 0] < 50).all()
    assert np.allclose(critic_scores(critics, images, labels, batch_size=4), scores), "scores are repeatable"
    assert pooled_features(torch.rand(2, 1, 32, 32), 8).shape == (2, 64)
