"""F_enc of 002 (Fig. 2): a real CS ADC map → its 128-d code z, shaped to N(0, I) by the AAE prior (Eq. 2)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn


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
        final_size = image_size // 2 ** len(channels)
        if final_size < 1 or final_size * 2 ** len(channels) != image_size:
            raise ValueError(f"image_size {image_size} cannot be halved {len(channels)} times to an integer size")
        layers: list[nn.Module] = []
        c_in = in_channels
        for k, c_out in enumerate(channels):
            layers.append(nn.Conv2d(c_in, int(c_out), 4, stride=2, padding=1, bias=k == 0))
            if k > 0:  # no normalisation on the input layer, as in DCGAN-style encoders
                layers.append(nn.BatchNorm2d(int(c_out)))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            c_in = int(c_out)
        self.features = nn.Sequential(*layers)
        self.to_code = nn.Linear(c_in * final_size * final_size, latent_dim)
        self.in_channels, self.image_size, self.latent_dim = in_channels, image_size, latent_dim

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if images.dim() != 4 or tuple(images.shape[1:]) != (self.in_channels, self.image_size, self.image_size):
            raise ValueError(
                f"Encoder expects [N, {self.in_channels}, {self.image_size}, {self.image_size}], got {tuple(images.shape)}"
            )
        return self.to_code(self.features(images).flatten(1))
