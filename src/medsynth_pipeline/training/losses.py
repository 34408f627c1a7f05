"""Adversarial losses on discriminator logits: minimax and non-saturating cross-entropy, WGAN-GP.

Discriminators return logits; the papers' final sigmoid is folded into the loss
(``binary_cross_entropy_with_logits``), which is the same function, numerically stable and safe under autocast.
"""

from __future__ import annotations

import abc
from collections.abc import Callable

import torch
import torch.nn.functional as F


class AdversarialLoss(abc.ABC):
    """``discriminator(real_logits, fake_logits)`` and ``generator(fake_logits)``; both return scalars."""

    name: str = ""
    uses_gradient_penalty: bool = False

    @abc.abstractmethod
    def discriminator(self, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor: ...

    @abc.abstractmethod
    def generator(self, fake_logits: torch.Tensor) -> torch.Tensor: ...


class _CrossEntropyD(AdversarialLoss):
    def discriminator(self, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
        # -mean log D(x) - mean log(1 - D(G(z))): Kitchen & Seah eq. 1, the DCGAN errD_real + errD_fake.
        real = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
        fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
        return real + fake


class NonSaturatingLoss(_CrossEntropyD):
    """G minimises -log D(G(z)) (Goodfellow's practical variant; ProstateGAN eq. 1, DCGAN's BCE)."""

    name = "non_saturating"

    def generator(self, fake_logits: torch.Tensor) -> torch.Tensor:
        return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))


class MinimaxLoss(_CrossEntropyD):
    """G minimises log(1 - D(G(z))) (the original game; Kitchen & Seah eq. 2)."""

    name = "minimax"

    def generator(self, fake_logits: torch.Tensor) -> torch.Tensor:
        # log(1 - sigmoid(l)) = -softplus(l), stable for large logits.
        return -F.softplus(fake_logits).mean()


class WassersteinGPLoss(AdversarialLoss):
    """WGAN-GP (Gulrajani et al. 2017): critic minimises E[C(G(z))] - E[C(x)] + λ·GP; G minimises -E[C(G(z))].

    The system adds :func:`gradient_penalty` (times ``gp_weight``) to the critic loss; the optional drift
    term (PGGAN's ε·E[C(x)²]) keeps critic outputs near zero.
    """

    name = "wgan_gp"
    uses_gradient_penalty = True

    def __init__(self, gp_weight: float = 10.0, drift_weight: float = 0.0) -> None:
        self.gp_weight = float(gp_weight)
        self.drift_weight = float(drift_weight)

    def discriminator(self, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
        loss = fake_logits.mean() - real_logits.mean()
        if self.drift_weight:
            loss = loss + self.drift_weight * (real_logits**2).mean()
        return loss

    def generator(self, fake_logits: torch.Tensor) -> torch.Tensor:
        return -fake_logits.mean()


def gradient_penalty(
    critic: Callable[[torch.Tensor], torch.Tensor], real: torch.Tensor, fake: torch.Tensor
) -> torch.Tensor:
    """E[(‖∇C(x̂)‖₂ - 1)²] at random interpolates x̂ of real and fake (computed in float32, outside autocast)."""
    alpha = torch.rand(real.shape[0], *([1] * (real.dim() - 1)), device=real.device)
    mixed = (alpha * real.detach().float() + (1.0 - alpha) * fake.detach().float()).requires_grad_(True)
    with torch.autocast(device_type=real.device.type, enabled=False):
        scores = critic(mixed).float()
    (grads,) = torch.autograd.grad(scores.sum(), mixed, create_graph=True)
    return ((grads.flatten(1).norm(2, dim=1) - 1.0) ** 2).mean()


LOSSES: dict[str, type[AdversarialLoss]] = {
    NonSaturatingLoss.name: NonSaturatingLoss,
    MinimaxLoss.name: MinimaxLoss,
    WassersteinGPLoss.name: WassersteinGPLoss,
}


def build_loss(name: str, **kwargs: float) -> AdversarialLoss:
    """A loss by its configuration name: ``non_saturating``, ``minimax`` or ``wgan_gp`` (+ its weights)."""
    if name not in LOSSES:
        raise ValueError(f"unknown adversarial loss {name!r}; choose one of {sorted(LOSSES)}")
    return LOSSES[name](**kwargs)
