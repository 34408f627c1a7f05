"""Class-conditional denoising diffusion (DDPM, Ho et al. 2020) from MONAI's own pieces.

``DiffusionModelUNet`` predicts the noise (or v, or x0) of a noisy image; with ``num_class_embeds`` its class
embedding is added to the timestep embedding, so the label steers every residual block. It is trained on the
DDPM noise schedule (``DDPMScheduler`` via ``DiffusionInferer``, see ``training.diffusion_system``) and
sampled with DDIM (Song et al. 2021, ``DDIMScheduler``): few steps, and with η = 0 no noise is added on the
way, so an image is a deterministic function of its initial noise and label.

The latent of :class:`DiffusionGenerator` is that initial noise x_T, flattened (channels · size² values from
N(0, 1)). That is what makes a diffusion model a :class:`~medsynth_pipeline.models.latent.LatentGenerator`:
fixed-noise snapshots, per-set seeds of the augmentation stage and ``load_generator`` work unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import torch
from monai.inferers import DiffusionInferer
from monai.networks.nets import DiffusionModelUNet
from monai.networks.schedulers import DDIMScheduler, DDPMScheduler

from medsynth_pipeline.models.latent import LatentGenerator

PREDICTION_TYPES = ("epsilon", "v_prediction", "sample")


@dataclass(frozen=True)
class NoiseSchedule:
    """The forward process both schedulers share (MONAI ``Scheduler`` arguments).

    ``schedule`` names a MONAI ``NoiseSchedules`` entry (linear_beta, scaled_linear_beta, sigmoid_beta, cosine)
    and ``schedule_args`` its keyword arguments (linear: beta_start, beta_end; cosine: s).
    """

    num_train_timesteps: int = 1000
    schedule: str = "linear_beta"
    schedule_args: dict[str, float] = field(default_factory=lambda: {"beta_start": 1e-4, "beta_end": 0.02})
    prediction_type: str = "epsilon"
    clip_sample: bool = True  # clamp the predicted x0 to [-1, 1] while sampling (the images' range)

    def __post_init__(self) -> None:
        if self.prediction_type not in PREDICTION_TYPES:
            raise ValueError(f"prediction_type must be one of {PREDICTION_TYPES}, got {self.prediction_type!r}")
        if self.num_train_timesteps < 1:
            raise ValueError(f"num_train_timesteps must be >= 1, got {self.num_train_timesteps}")

    def ddpm(self) -> DDPMScheduler:
        return DDPMScheduler(self.num_train_timesteps, self.schedule, clip_sample=self.clip_sample,
                             prediction_type=self.prediction_type, **self.schedule_args)

    def ddim(self, steps: int) -> DDIMScheduler:
        if not 1 <= steps <= self.num_train_timesteps:
            raise ValueError(f"sampling_steps must be in [1, {self.num_train_timesteps}], got {steps}")
        scheduler = DDIMScheduler(self.num_train_timesteps, self.schedule, clip_sample=self.clip_sample,
                                  prediction_type=self.prediction_type, **self.schedule_args)
        scheduler.set_timesteps(steps)
        return scheduler


class DiffusionGenerator(LatentGenerator):
    """A (class-conditional) DDPM denoiser that generates by DDIM from flattened initial noise.

    Args:
        num_classes: 0 for unconditional, else the number of class embeddings (``num_class_embeds``).
        channels: image channels (in and out of the U-Net).
        image_size: images are ``image_size`` × ``image_size``; must be divisible by 2^(levels - 1).
        unet: further ``DiffusionModelUNet`` arguments (channels, attention_levels, num_res_blocks,
            num_head_channels, norm_num_groups, ...); spatial_dims, in/out channels and classes are set here.
        noise: :class:`NoiseSchedule` fields.
        sampling_steps: DDIM steps per generated image.
    """

    def __init__(
        self,
        num_classes: int,
        channels: int = 1,
        image_size: int = 32,
        unet: dict[str, Any] | None = None,
        noise: dict[str, Any] | None = None,
        sampling_steps: int = 50,
    ) -> None:
        super().__init__(channels * image_size * image_size, "normal", num_classes, (-1.0, 1.0))
        unet = dict(unet or {})
        reserved = {"spatial_dims", "in_channels", "out_channels", "num_class_embeds"} & set(unet)
        if reserved:
            raise ValueError(f"unet: {sorted(reserved)} follow from the data; remove them from the settings")
        self.noise = NoiseSchedule(**(noise or {}))
        self.noise.ddim(int(sampling_steps))  # a bad step count fails at construction, not at sampling time
        self.remember_kwargs(num_classes=num_classes, channels=channels, image_size=image_size, unet=unet,
                             noise=asdict(self.noise), sampling_steps=int(sampling_steps))
        levels = len(unet.get("channels", (32, 64, 64, 64)))
        if image_size % 2 ** (levels - 1):
            raise ValueError(f"image_size {image_size} is not divisible by 2^{levels - 1} ({levels} U-Net levels)")
        self.channels = int(channels)
        self.image_size = int(image_size)
        self.sampling_steps = int(sampling_steps)
        self.unet = DiffusionModelUNet(spatial_dims=2, in_channels=channels, out_channels=channels,
                                       num_class_embeds=num_classes or None, **unet)

    def denoiser(self, labels: torch.Tensor | None) -> Callable[..., torch.Tensor]:
        """The U-Net with the class labels bound: what ``DiffusionInferer`` calls as ``diffusion_model``
        (MONAI's inferer passes timesteps and context only)."""
        return self.unet if labels is None else functools.partial(self.unet, class_labels=labels)

    def images_from_latents(self, z: torch.Tensor) -> torch.Tensor:
        return z.reshape(z.shape[0], self.channels, self.image_size, self.image_size)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """DDIM (η = 0) from x_T = ``z`` to x_0, in [-1, 1]: the same (z, label) give the same image."""
        labels = self.check_labels(labels, z.shape[0])
        inferer = DiffusionInferer(self.noise.ddim(self.sampling_steps))
        with torch.no_grad():
            images = inferer.sample(self.images_from_latents(z), self.denoiser(labels), verbose=False)
        return images.clamp(*self.output_range)
