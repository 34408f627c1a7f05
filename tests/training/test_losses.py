"""Adversarial losses against their formulas; the gradient penalty on critics of known gradient norm."""

from __future__ import annotations

import math

import pytest
import torch

from medsynth_pipeline.training.losses import (
    MinimaxLoss,
    NonSaturatingLoss,
    WassersteinGPLoss,
    build_loss,
    gradient_penalty,
)


def test_cross_entropy_discriminator_loss_matches_formula() -> None:
    real, fake = torch.tensor([2.0, -1.0]), torch.tensor([0.5, -3.0])
    p_real, p_fake = torch.sigmoid(real), torch.sigmoid(fake)
    expected = -torch.log(p_real).mean() - torch.log(1 - p_fake).mean()  # Kitchen & Seah eq. 1
    for loss in (NonSaturatingLoss(), MinimaxLoss()):
        assert loss.discriminator(real, fake).item() == pytest.approx(expected.item(), rel=1e-6)


def test_generator_losses_match_formulas_and_saturation() -> None:
    fake = torch.tensor([-4.0, 0.0, 1.0], requires_grad=True)
    p = torch.sigmoid(fake)
    assert NonSaturatingLoss().generator(fake).item() == pytest.approx((-torch.log(p)).mean().item(), rel=1e-6)
    assert MinimaxLoss().generator(fake).item() == pytest.approx(torch.log(1 - p).mean().item(), rel=1e-6)
    # Where D confidently rejects a fake, the minimax gradient vanishes and the non-saturating one does not.
    confident = torch.tensor([-8.0], requires_grad=True)
    (g_min,) = torch.autograd.grad(MinimaxLoss().generator(confident), confident)
    (g_ns,) = torch.autograd.grad(NonSaturatingLoss().generator(confident), confident)
    assert abs(g_min.item()) < 1e-3 < abs(g_ns.item())


def test_wasserstein_losses() -> None:
    loss = WassersteinGPLoss(gp_weight=10.0, drift_weight=0.001)
    real, fake = torch.tensor([1.0, 3.0]), torch.tensor([0.0, -2.0])
    assert loss.discriminator(real, fake).item() == pytest.approx(-1.0 - 2.0 + 0.001 * 5.0)
    assert loss.generator(fake).item() == pytest.approx(1.0)
    assert loss.uses_gradient_penalty and not NonSaturatingLoss().uses_gradient_penalty


@pytest.mark.parametrize(("scale", "penalty"), [(1.0, 0.0), (2.0, 1.0), (3.0, 4.0)])
def test_gradient_penalty_of_linear_critics(scale: float, penalty: float) -> None:
    # C(x) = <w, x> has gradient w everywhere: the penalty is (|w| - 1)².
    w = torch.randn(1, 2, 4, 4)
    w = w / w.norm() * scale
    real, fake = torch.randn(5, 2, 4, 4), torch.randn(5, 2, 4, 4)
    gp = gradient_penalty(lambda x: (x * w).flatten(1).sum(1), real, fake)
    assert gp.item() == pytest.approx(penalty, abs=1e-4)


def test_gradient_penalty_reaches_critic_parameters() -> None:
    critic = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(8, 1))
    gp = gradient_penalty(lambda x: critic(x).view(-1), torch.randn(4, 2, 2, 2), torch.randn(4, 2, 2, 2))
    gp.backward()
    assert critic[1].weight.grad is not None and critic[1].weight.grad.abs().sum() > 0


def test_build_loss_by_name() -> None:
    assert isinstance(build_loss("wgan_gp", gp_weight=5.0), WassersteinGPLoss)
    assert build_loss("wgan_gp", gp_weight=5.0).gp_weight == 5.0
    with pytest.raises(ValueError, match="hinge"):
        build_loss("hinge")
    assert math.isfinite(build_loss("minimax").generator(torch.tensor([50.0])).item())


def test_reported_loss_factor_scales_the_logged_losses_only(ks_data) -> None:
    """000's Eq. 1 writes the losses with ½: the history carries it, the weights are those of the plain loss."""
    from medsynth_pipeline.training import Trainer, TrainerConfig

    from .conftest import TINY_KS, factory, weights

    def run(loss: dict):
        config = TrainerConfig(iterations=3, batch_size=4, seed=5, device="cpu", log_every=1)
        return Trainer(factory({**TINY_KS, "loss": loss}, 3, 16), ks_data, config).fit()

    plain, halved = run({"name": "minimax"}), run({"name": "minimax", "reported_factor": 0.5})
    for a, b in zip(plain.history, halved.history, strict=True):
        assert b["loss_D"] == a["loss_D"] * 0.5 and b["loss_G"] == a["loss_G"] * 0.5 and b["D_x"] == a["D_x"]
    assert all(torch.equal(v, weights(halved.system)[k]) for k, v in weights(plain.system).items())
