"""``AdversarialSystem``: one generator, one discriminator, one loss — the DCGAN family (000, 001, 003).

Conditional and unconditional through the same code: the generator's ``num_classes`` decides whether labels
go to G and D (``D(images, labels)`` returns logits either way). Fakes get the labels of the real batch, so
the class mix D sees is the same for real and fake. Training forward passes go through ``ctx.parallel``
(DistributedDataParallel in a data-parallel run), the gradient penalty's double backward included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from medsynth_pipeline.models.latent import LatentGenerator, eval_mode
from medsynth_pipeline.training.losses import AdversarialLoss, gradient_penalty
from medsynth_pipeline.training.system import Batch, GenerativeSystem, StepContext

STEP_ORDERS = ("d_then_g", "g_then_d")


@dataclass(frozen=True)
class AdamSettings:
    lr: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999

    def build(self, params: Any) -> torch.optim.Adam:
        return torch.optim.Adam(params, lr=self.lr, betas=(self.beta1, self.beta2))


class AdversarialSystem(GenerativeSystem):
    """G/D pair trained with alternating Adam updates.

    Args:
        generator: a :class:`LatentGenerator`.
        discriminator: ``D(images, labels=None) -> logits`` of shape [N].
        loss: an :class:`AdversarialLoss` (for WGAN-GP the penalty is added here).
        optimizer_g, optimizer_d: Adam settings.
        step_order: ``d_then_g`` (DCGAN) or ``g_then_d`` (Kitchen & Seah's leapfrog: G step, then D step).
        d_steps: discriminator updates per generator update (WGAN critics use 5).
        reported_loss_factor: what ``loss_D`` / ``loss_G`` are multiplied by in the history and MLflow, not in
            the gradients (000's Eq. 1 writes both losses with a factor ½; Adam's steps do not depend on it).
    """

    parallel_forward = True  # every training forward pass goes through ctx.parallel

    def __init__(
        self,
        generator: LatentGenerator,
        discriminator: nn.Module,
        loss: AdversarialLoss,
        optimizer_g: AdamSettings = AdamSettings(),
        optimizer_d: AdamSettings = AdamSettings(),
        step_order: str = "d_then_g",
        d_steps: int = 1,
        reported_loss_factor: float = 1.0,
    ) -> None:
        if step_order not in STEP_ORDERS:
            raise ValueError(f"step_order must be one of {STEP_ORDERS}, got {step_order!r}")
        self.G = generator
        self.D = discriminator
        self.loss = loss
        self.num_classes = generator.num_classes
        self.step_order = step_order
        self.d_steps = max(1, int(d_steps))
        self.reported_loss_factor = float(reported_loss_factor)
        self.opt_g = optimizer_g.build(self.G.parameters())
        self.opt_d = optimizer_d.build(self.D.parameters())

    def networks(self) -> dict[str, nn.Module]:
        return {"G": self.G, "D": self.D}

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        return {"G": self.opt_g, "D": self.opt_d}

    def _labels(self, batch: Batch) -> torch.Tensor | None:
        if not self.conditional:
            return None
        if batch.labels is None:
            raise ValueError("conditional system trained without labels: TrainingData.labels is None")
        return batch.labels

    def _fake(self, n: int, labels: torch.Tensor | None, ctx: StepContext) -> torch.Tensor:
        z = self.G.sample_latent(n)
        with ctx.autocast():
            return ctx.parallel(self.G)(z, labels)

    def _d_step(
        self, batch: Batch, ctx: StepContext, fake: torch.Tensor | None = None
    ) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
        """One D update on ``fake`` (drawn here when None); returns the metrics and the fake, still
        attached to G's graph, so the G step can reuse it instead of running G a second time."""
        labels = self._labels(batch)
        real = batch.images
        if fake is None:
            fake = self._fake(real.shape[0], labels, ctx)
        D = ctx.parallel(self.D)
        attached, fake = fake, fake.detach()
        with ctx.autocast():
            real_logits = D(ctx.augment(real), labels).float()
            fake_logits = D(ctx.augment(fake), labels).float()
            loss = self.loss.discriminator(real_logits, fake_logits)
        out = {"loss_D": loss.detach() * self.reported_loss_factor}
        if self.loss.uses_gradient_penalty:
            gp = gradient_penalty(lambda x: D(ctx.augment(x), labels), real, fake)
            loss = loss + self.loss.gp_weight * gp  # type: ignore[attr-defined]
            out["gradient_penalty"] = gp.detach()
        ctx.optimize("D", loss, self.opt_d)
        out.update(self._scores(real_logits, fake_logits))
        return out, attached

    def _g_step(
        self, batch: Batch, ctx: StepContext, fake: torch.Tensor | None = None
    ) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
        """One G update through D(``fake``) (drawn here when None); returns the metrics and the fake."""
        labels = self._labels(batch)
        if fake is None:
            fake = self._fake(batch.images.shape[0], labels, ctx)
        with ctx.autocast():
            fake_logits = ctx.parallel(self.D)(ctx.augment(fake), labels).float()
            loss = self.loss.generator(fake_logits)
        ctx.optimize("G", loss, self.opt_g)
        return {"loss_G": loss.detach() * self.reported_loss_factor, "D_G_z_after_D": self._score(fake_logits)}, fake

    def _score(self, logits: torch.Tensor) -> torch.Tensor:
        # Cross-entropy D: mean probability of "real"; WGAN critic: mean raw score.
        if self.loss.uses_gradient_penalty:
            return logits.detach().mean()
        return torch.sigmoid(logits.detach()).mean()

    def _scores(self, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"D_x": self._score(real_logits), "D_G_z": self._score(fake_logits)}

    def train_step(self, batch: Batch, ctx: StepContext) -> dict[str, torch.Tensor]:
        self.G.train()
        self.D.train()
        # One G forward per generator update, as in the pytorch/examples DCGAN: d_then_g's G step reuses the
        # last D step's fake (D saw it detached); g_then_d's first D step reuses the G step's fake, detached
        # (drawn by G before its update, like d_then_g's D step), further critic steps draw their own.
        metrics: dict[str, torch.Tensor] = {}
        reuse: torch.Tensor | None = None
        if self.step_order == "g_then_d":
            step, fake = self._g_step(batch, ctx)
            metrics.update(step)
            reuse = fake.detach()
        for _ in range(self.d_steps):
            step, fake = self._d_step(batch, ctx, reuse)
            metrics.update(step)
            reuse = None
        if self.step_order == "d_then_g":
            metrics.update(self._g_step(batch, ctx, fake)[0])
        return metrics

    def sample_latent(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        return self.G.sample_latent(n, generator)

    @torch.no_grad()
    def sample(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        with eval_mode(self.G):
            return self.G(z, labels).float()

    def export_generator(self) -> dict[str, Any]:
        return self.G.export()
