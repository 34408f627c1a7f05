"""The objective terms of 002 (Eqs. 1–10) on cases whose values are known in closed form."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from medsynth_pipeline.training import mpmri_losses as eq


class LinearCritic(nn.Module):
    """D(x) = <w, x>: its gradient is w everywhere, so the penalty is (‖w‖ − 1)² exactly."""

    def __init__(self, weight: torch.Tensor) -> None:
        super().__init__()
        self.weight = nn.Parameter(weight.clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x.flatten(1) * self.weight.flatten()).sum(1)


@pytest.mark.parametrize("norm", [0.5, 1.0, 3.0])
def test_gradient_penalty_value_on_a_linear_critic(norm: float) -> None:
    torch.manual_seed(0)
    direction = torch.randn(1, 4, 4)
    critic = LinearCritic(direction / direction.norm() * norm)
    real, fake = torch.rand(6, 1, 4, 4), torch.rand(6, 1, 4, 4)
    loss, w_estimate, penalty = eq.wasserstein_critic_loss(critic, real, fake, gp_weight=10.0)
    expected_penalty = (norm - 1.0) ** 2
    expected_w = (critic(real).mean() - critic(fake).mean()).item()
    assert penalty.item() == pytest.approx(expected_penalty, abs=1e-5)
    assert w_estimate.item() == pytest.approx(expected_w, abs=1e-5)
    assert loss.item() == pytest.approx(-expected_w + 10.0 * expected_penalty, abs=1e-4)


def test_critic_loss_trains_the_critic_not_the_generator() -> None:
    critic = LinearCritic(torch.ones(1, 2, 2) * 0.5)
    fake = torch.rand(3, 1, 2, 2, requires_grad=True)
    loss, _, _ = eq.wasserstein_critic_loss(critic, torch.rand(3, 1, 2, 2), fake, gp_weight=10.0)
    loss.backward()
    assert critic.weight.grad is not None and fake.grad is None


def test_reconstruction_loss_is_mean_squared_error_per_modality() -> None:
    a, t = torch.zeros(2, 1, 3, 3), torch.zeros(2, 1, 3, 3)
    assert eq.reconstruction_loss(a, a + 0.5, t, t + 2.0).item() == pytest.approx(0.25 + 4.0)
    assert eq.reconstruction_loss(a, a + 0.5, None, None).item() == pytest.approx(0.25)


def test_aae_losses_follow_eq_2() -> None:
    confident = torch.full((5,), 20.0)
    # D_AAE sure that prior samples are real and codes are fake: its loss ~ 0, the encoder's is large
    assert eq.aae_discriminator_loss(confident, -confident).item() == pytest.approx(0.0, abs=1e-6)
    assert eq.aae_encoder_loss(-confident).item() == pytest.approx(20.0, abs=1e-4)
    # at D = 1/2 everywhere: log 4 for D, log 2 for the encoder
    zero = torch.zeros(5)
    assert eq.aae_discriminator_loss(zero, zero).item() == pytest.approx(math.log(4.0))
    assert eq.aae_encoder_loss(zero).item() == pytest.approx(math.log(2.0))


def test_auxiliary_distance_loss_rewards_separating_synthetic_cs_from_noncs() -> None:
    # C -> 1 means "looks like real nonCS"; the synthesizer maximises J, i.e. wants C(synthetic CS) -> 0
    looks_noncs, looks_cs = torch.full((4,), 5.0), torch.full((4,), -5.0)
    assert eq.auxiliary_distance_loss(looks_noncs) > eq.auxiliary_distance_loss(looks_cs)
    assert eq.auxiliary_distance_loss(torch.zeros(4)).item() == pytest.approx(math.log(2.0))
    logits = torch.zeros(4, requires_grad=True)
    eq.auxiliary_distance_loss(logits).backward()
    assert (logits.grad > 0).all()  # gradient descent lowers C's logit on synthetic CS


def test_jsd_estimate_is_zero_at_chance_and_log2_when_separated() -> None:
    zero = torch.zeros(8)
    assert eq.jsd_from_critic_loss(eq.auxiliary_critic_loss(zero, zero)).item() == pytest.approx(0.0, abs=1e-6)
    separated = eq.auxiliary_critic_loss(torch.full((8,), 30.0), torch.full((8,), -30.0))
    assert eq.jsd_from_critic_loss(separated).item() == pytest.approx(math.log(2.0), abs=1e-6)
