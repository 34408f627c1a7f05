"""F_enc of 002 (Fig. 2): a real CS ADC map → its 128-d code z, shaped to N(0, I) by the AAE prior (Eq. 2)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from medsynth_pipeline.models.mpmri.downsampling import downsampling_stack, halved_size


class Encoder(nn.Module):
    """Strided 4×4 convolutions halve the map down to ``final_size``, then a linear layer gives z.

    The code has no output non-linearity: the prior it is matched to, N(0, I), is unbounded.
    """

    def __init__(
        self,
        in_channels: int = 1,
        image_size: int = 64,
        latent_dim: int = 128,
        channels: Sequence[int] = (64, 128, 256, 512),
    ) -> None:
        super().__init__()
        final_size = halved_size(image_size, len(channels))
        self.features, width = downsampling_stack(in_channels, channels, nn.BatchNorm2d, bias=False)
        self.to_code = nn.Linear(width * final_size * final_size, latent_dim)
        self.in_channels, self.image_size, self.latent_dim = in_channels, image_size, latent_dim

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if images.dim() != 4 or tuple(images.shape[1:]) != (self.in_channels, self.image_size, self.image_size):
            raise ValueError(
                f"Encoder expects [N, {self.in_channels}, {self.image_size}, {self.image_size}], got {tuple(images.shape)}"
            )
        return self.to_code(self.features(images).flatten(1))
