"""``DiffusionSystem``: a class-conditional DDPM trained by the project's one loop (``Trainer``).

One step: draw t ~ U{0, T-1} and ε ~ N(0, I) per image, noise the batch with MONAI's ``DDPMScheduler`` and
predict with ``DiffusionInferer`` (the U-Net gets the batch's class labels), MSE to the target of the
schedule's ``prediction_type`` (ε, v or x0; Ho et al. 2020's "simple" loss), one Adam(W) step, then the EMA
update. The EMA copy is the generator: it is what snapshots, ``sample`` and ``export_generator`` use.

It fits the loop's ``GenerativeSystem`` contract without change: networks are ``G`` (the EMA generator, no gradients,
so a data-parallel run never wraps it) and ``denoiser`` (the trained U-Net); both are in ``networks()``, so
checkpoints carry the EMA weights and a resume continues bitwise. The EMA decay warms up as
min(decay, (1 + i) / (10 + i)) over iterations i (TensorFlow's ``ExponentialMovingAverage`` with
``num_updates``), so a short run's EMA is not stuck at the initial weights; i is the loop's iteration, so a
resume needs no extra state. The denoising MSE is reported as ``loss_G`` (the generator's loss, as the loss
curves expect). ``build_diffusion`` is the ``gan_training.<model>.system.factory`` for a preset.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from monai.inferers import DiffusionInferer
from torch import nn

from medsynth_pipeline.models.diffusion import DiffusionGenerator
from medsynth_pipeline.models.latent import eval_mode
from medsynth_pipeline.training.registry import register_system
from medsynth_pipeline.training.system import Batch, GenerativeSystem, StepContext

OPTIMIZERS = ("adam", "adamw")


@dataclass(frozen=True)
class DiffusionOptimizer:
    name: str = "adam"
    lr: float = 2e-4
    beta1: float = 0.9
    beta2: float = 0.999
    weight_decay: float = 0.0
    grad_clip: float | None = 1.0  # global gradient-norm clip (Ho et al. 2020 clip at 1); null: none

    def build(self, params: Any) -> torch.optim.Optimizer:
        if self.name not in OPTIMIZERS:
            raise ValueError(f"optimizer name must be one of {OPTIMIZERS}, got {self.name!r}")
        cls = torch.optim.Adam if self.name == "adam" else torch.optim.AdamW
        return cls(params, lr=self.lr, betas=(self.beta1, self.beta2), weight_decay=self.weight_decay)


class DiffusionSystem(GenerativeSystem):
    """A denoiser trained on the DDPM objective and its EMA copy that generates (see the module docstring).

    Args:
        generator: the :class:`DiffusionGenerator` to train (its EMA copy is made here).
        optimizer: optimizer settings.
        ema_decay: the EMA's final decay (1 keeps the initial weights, 0 copies the denoiser).
    """

    def __init__(self, generator: DiffusionGenerator, optimizer: DiffusionOptimizer = DiffusionOptimizer(),
                 ema_decay: float = 0.9999) -> None:
        if not 0.0 <= ema_decay <= 1.0:
            raise ValueError(f"ema_decay must be in [0, 1], got {ema_decay}")
        self.model = generator
        self.ema = copy.deepcopy(generator).requires_grad_(False).eval()
        self.num_classes = generator.num_classes
        self.ema_decay = float(ema_decay)
        self.grad_clip = optimizer.grad_clip
        self.opt = optimizer.build(self.model.parameters())
        self.scheduler = generator.noise.ddpm()
        self.inferer = DiffusionInferer(self.scheduler)

    def networks(self) -> dict[str, nn.Module]:
        return {"G": self.ema, "denoiser": self.model}

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        return {"denoiser": self.opt}

    def _labels(self, batch: Batch) -> torch.Tensor | None:
        if not self.conditional:
            return None
        if batch.labels is None:
            raise ValueError("conditional diffusion model trained without labels: TrainingData.labels is None")
        return batch.labels.long()

    def _target(self, images: torch.Tensor, noise: torch.Tensor, timesteps: torch.Tensor) -> torch.Tensor:
        kind = self.scheduler.prediction_type
        if kind == "epsilon":
            return noise
        if kind == "v_prediction":
            return self.scheduler.get_velocity(images, noise, timesteps)
        return images

    def train_step(self, batch: Batch, ctx: StepContext) -> dict[str, torch.Tensor]:
        self.model.train()
        images = batch.images
        labels = self._labels(batch)
        noise = torch.randn_like(images)
        timesteps = torch.randint(0, self.scheduler.num_train_timesteps, (images.shape[0],), device=images.device)
        with ctx.autocast():
            prediction = self.inferer(inputs=images, diffusion_model=self.model.denoiser(labels), noise=noise,
                                      timesteps=timesteps)
        loss = F.mse_loss(prediction.float(), self._target(images, noise, timesteps).float())
        if self.grad_clip:
            self._optimize_clipped(loss, ctx)
        else:
            ctx.optimize("denoiser", loss, self.opt)
        decay = self._update_ema(ctx.iteration)
        return {"loss_G": loss.detach(), "ema_decay": torch.tensor(decay, device=images.device)}

    def _optimize_clipped(self, loss: torch.Tensor, ctx: StepContext) -> None:
        # ctx.optimize owns backward + (scaled) step; clipping must see the unscaled, rank-averaged gradients,
        # so it runs as a step pre-hook of the optimizer, which fires inside ctx.optimize just before the step
        # (under fp16 the scaler unscales first: GradScaler.step calls unscale_ before optimizer.step).
        def clip(optimizer: torch.optim.Optimizer, args: Any, kwargs: Any) -> None:
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), float(self.grad_clip))

        handle = self.opt.register_step_pre_hook(clip)
        try:
            ctx.optimize("denoiser", loss, self.opt)
        finally:
            handle.remove()

    @torch.no_grad()
    def _update_ema(self, iteration: int) -> float:
        decay = min(self.ema_decay, (1.0 + iteration) / (10.0 + iteration))
        for ema, live in zip(self.ema.parameters(), self.model.parameters(), strict=True):
            ema.lerp_(live, 1.0 - decay)
        for ema, live in zip(self.ema.buffers(), self.model.buffers(), strict=True):
            ema.copy_(live)
        return decay

    def sample_latent(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        return self.ema.sample_latent(n, generator)

    @torch.no_grad()
    def sample(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        with eval_mode(self.ema):
            return self.ema(z, labels).float()

    def export_generator(self) -> dict[str, Any]:
        return self.ema.export()


@register_system("ddpm")
def build_diffusion(
    spec: dict[str, Any], *, channels: int, image_size: int, num_classes: int, dataset_size: int | None = None
) -> GenerativeSystem:
    """The system described by ``spec`` (``gan_training.<model>.system``; keys: unet, noise, sampling_steps,
    optimizer, ema_decay) for the training data's channels, image size and classes."""
    known = {"factory", "unet", "noise", "sampling_steps", "optimizer", "ema_decay"}
    unknown = set(spec) - known
    if unknown:
        raise ValueError(f"diffusion system: unknown keys {sorted(unknown)} (expected {sorted(known)})")
    generator = DiffusionGenerator(num_classes, channels=channels, image_size=image_size, unet=spec.get("unet"),
                                   noise=spec.get("noise"), sampling_steps=int(spec.get("sampling_steps", 50)))
    return DiffusionSystem(generator, DiffusionOptimizer(**spec.get("optimizer", {})),
                           float(spec.get("ema_decay", 0.9999)))
