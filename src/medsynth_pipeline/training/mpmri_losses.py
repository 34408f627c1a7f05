"""The objective terms of 002 (Sec. II, Eqs. 1–10), named after their equations.

Every adversarial term is built from the shared losses in :mod:`medsynth_pipeline.training.losses`
(cross-entropy on logits, WGAN-GP with its gradient penalty); this module only says which one each equation
is and with which sign. Critics return logits: D(·) of the paper is ``sigmoid(logit)``.

Two printing slips of the paper are read as their cited sources define them: Eqs. 2, 8 and 9 write
``1 − log D(·)`` for the fake term; the JSD estimate of the GAN objective they cite is ``log(1 − D(·))``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F

from medsynth_pipeline.training.losses import (
    MinimaxLoss,
    NonSaturatingLoss,
    WassersteinGPLoss,
    gradient_penalty,
)

_CROSS_ENTROPY = NonSaturatingLoss()
_MINIMAX = MinimaxLoss()


def reconstruction_loss(
    real_adc: torch.Tensor, fake_adc: torch.Tensor, real_t2w: torch.Tensor | None, fake_t2w: torch.Tensor | None
) -> torch.Tensor:
    """Eq. 1: ‖a − â‖² + ‖t − t̂‖², each the mean of pixel-wise squared distances (T2w term optional)."""
    loss = F.mse_loss(fake_adc, real_adc)
    if real_t2w is not None and fake_t2w is not None:
        loss = loss + F.mse_loss(fake_t2w, real_t2w)
    return loss


def aae_discriminator_loss(prior_logits: torch.Tensor, code_logits: torch.Tensor) -> torch.Tensor:
    """Eq. 2, D_AAE's side: −(E log D(z~p) + E log(1 − D(F_enc(a)))); its minimum is −J_AAE."""
    return _CROSS_ENTROPY.discriminator(prior_logits, code_logits)


def aae_encoder_loss(code_logits: torch.Tensor) -> torch.Tensor:
    """Eq. 2/3, F_enc's side of J_AAE: the non-saturating form −E log D(F_enc(a)) (as Makhzani et al. [20])."""
    return _CROSS_ENTROPY.generator(code_logits)


def wasserstein_critic_loss(
    critic: Callable[[torch.Tensor], torch.Tensor],
    real: torch.Tensor,
    fake: torch.Tensor,
    gp_weight: float,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Eqs. 4–5, the critic's side: E D(fake) − E D(real) + λ·R (R: the WGAN-GP gradient penalty).

    Returns ``(loss, w_estimate, penalty)``; ``w_estimate`` = E D(real) − E D(fake) is the W-distance estimate.
    """
    real_scores, fake_scores = critic(real), critic(fake.detach())
    penalty = gradient_penalty(critic, real, fake)
    loss = WassersteinGPLoss(gp_weight).discriminator(real_scores, fake_scores) + gp_weight * penalty
    return loss, (real_scores.mean() - fake_scores.mean()).detach(), penalty.detach()


def wasserstein_generator_loss(fake_scores: torch.Tensor) -> torch.Tensor:
    """Eqs. 4–6, the synthesizer's side: −E D(fake) (minimising L_unsup = W_ADC + W_T2w)."""
    return WassersteinGPLoss().generator(fake_scores)


def auxiliary_critic_loss(noncs_logits: torch.Tensor, fake_cs_logits: torch.Tensor) -> torch.Tensor:
    """Eqs. 8–9, C's side: −(E log C(real nonCS) + E log(1 − C(synthetic CS))); its minimum is −J."""
    return _CROSS_ENTROPY.discriminator(noncs_logits, fake_cs_logits)


def auxiliary_distance_loss(fake_cs_logits: torch.Tensor) -> torch.Tensor:
    """Eq. 10, the ``max β(J_ADC + J_T2w)`` term as a loss to minimise: −E log(1 − C(synthetic CS)).

    The synthesizer only moves the synthetic term of J; maximising E log(1 − C(â)) is minimising the negated
    minimax generator loss. Like the paper's JSD it saturates (no gradient) once C already separates them.
    """
    return -_MINIMAX.generator(fake_cs_logits)


def jsd_from_critic_loss(critic_loss: torch.Tensor) -> torch.Tensor:
    """The JSD estimate a cross-entropy critic implies: JSD = (J + log 4) / 2 with J = −loss (in nats)."""
    return (math.log(4.0) - critic_loss.detach()) / 2.0
