"""The whole synthesizer as one exportable generator (``models.latent.LatentGenerator``).

``MpmriSynthesizer`` bundles F_dec (and, for the two-modality systems, G and F_enc) so a trained model
travels as the project's generator artifact and is rebuilt by ``models.latent.load_generator``:
``forward(z)`` returns ``[N, C, S, S]`` in [-1, 1], channel 0 = ADC and, when G is present, channel 1 = T2w
(002 Fig. 1). The latent prior is p(z) = N(0, I) (Sec. II-A).
"""

from __future__ import annotations

from typing import Any

import torch

from medsynth_pipeline.models.latent import LatentGenerator
from medsynth_pipeline.models.mpmri.cogan import CoupledGenerator
from medsynth_pipeline.models.mpmri.decoder import StitchDecoder
from medsynth_pipeline.models.mpmri.encoder import Encoder
from medsynth_pipeline.models.mpmri.unet import AdcToT2wUNet


class MpmriSynthesizer(LatentGenerator):
    """z → ADC (F_dec with the StitchLayer) → T2w (U-Net G); :meth:`encode` is F_enc when one is kept.

    Args:
        latent_dim: 128 in 002.
        image_size: 64 in 002.
        decoder: keyword arguments of :class:`StitchDecoder` (``blocks``, ``channels``, ...).
        unet: keyword arguments of :class:`AdcToT2wUNet`; ``None`` for ADC-only models (StitchLayer ablation).
        encoder: keyword arguments of :class:`Encoder`; ``None`` when trained without one.
    """

    def __init__(
        self,
        latent_dim: int = 128,
        image_size: int = 64,
        decoder: dict[str, Any] | None = None,
        unet: dict[str, Any] | None = None,
        encoder: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(latent_dim, "normal")
        self.remember_kwargs(latent_dim=latent_dim, image_size=image_size, decoder=decoder, unet=unet, encoder=encoder)
        self.decoder = StitchDecoder(latent_dim=latent_dim, image_size=image_size, **(decoder or {}))
        self.unet = None if unet is None else AdcToT2wUNet(**unet)
        self.encoder = None if encoder is None else Encoder(image_size=image_size, latent_dim=latent_dim, **encoder)
        self.image_size = image_size

    @property
    def channels(self) -> list[str]:
        return ["ADC", "T2W"] if self.unet is not None else ["ADC"]

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        adc = self.decoder(z)
        return adc if self.unet is None else torch.cat([adc, self.unet(adc)], dim=1)

    def encode(self, adc: torch.Tensor) -> torch.Tensor:
        """F_enc(a) for ADC maps ``[N, 1, S, S]`` in [-1, 1] (002 Fig. 6 interpolates between such codes)."""
        if self.encoder is None:
            raise ValueError("this synthesizer was trained without an encoder (unsupervised or CoGAN): no F_enc")
        return self.encoder(adc)


class CoganSynthesizer(LatentGenerator):
    """The CoGAN baseline's coupled generator with the same interface: z → ``[N, 2, S, S]`` (ADC, T2w)."""

    channels = ["ADC", "T2W"]

    def __init__(self, latent_dim: int = 128, image_size: int = 64, generator: dict[str, Any] | None = None) -> None:
        super().__init__(latent_dim, "normal")
        self.remember_kwargs(latent_dim=latent_dim, image_size=image_size, generator=generator)
        self.generator = CoupledGenerator(latent_dim=latent_dim, image_size=image_size, **(generator or {}))
        self.image_size = image_size

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return torch.cat(self.generator(z), dim=1)
