"""Discriminators of 002: WGAN-GP critics D_ADC / D_T2w (Eqs. 4–5), auxiliary JSD critics C_ADC / C_T2w
(Eqs. 8–9), the latent discriminator D_AAE (Eq. 2) and the pair discriminator of the Costa-style baseline.

All return one unbounded score per sample (``[N]``): the WGAN critics use it as is, the JSD/BCE ones treat
it as a logit (``torch.sigmoid`` gives D(·) of the paper's equations; losses use the stable logit forms).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from medsynth_pipeline.models.mpmri.downsampling import downsampling_stack, halved_size

NORMS = ("none", "layer", "instance", "batch")


def _norm(kind: str, channels: int) -> nn.Module:
    if kind == "none":
        return nn.Identity()
    if kind == "layer":  # per-sample: allowed under the gradient penalty, unlike batch norm
        return nn.GroupNorm(1, channels)
    if kind == "instance":
        return nn.InstanceNorm2d(channels, affine=True)
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    raise ValueError(f"unknown norm {kind!r}; choose one of {NORMS}")


class ConvCritic(nn.Module):
    """Strided 4×4 convolutions with LeakyReLU 0.2, then a linear layer to one score.

    Args:
        in_channels: 1 for D_ADC, D_T2w, C_ADC, C_T2w; 2 for the pair discriminator (ADC, T2w stacked).
        image_size: input height/width.
        channels: widths of the strided layers; each halves the size.
        norm: ``none``/``layer``/``instance`` for WGAN-GP critics (the penalty is per sample, so no batch
            norm), ``batch`` allowed for the BCE classifiers.
        dropout: dropout before the last layer (regularises the auxiliary critics on few samples).
    """

    def __init__(
        self,
        in_channels: int = 1,
        image_size: int = 64,
        channels: Sequence[int] = (64, 128, 256, 512),
        norm: str = "none",
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        final_size = halved_size(image_size, len(channels))
        self.features, width = downsampling_stack(in_channels, channels, lambda c: _norm(norm, c))
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(dropout), nn.Linear(width * final_size * final_size, 1))
        self.in_channels, self.image_size = in_channels, image_size

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if images.dim() != 4 or tuple(images.shape[1:]) != (self.in_channels, self.image_size, self.image_size):
            raise ValueError(
                f"critic expects [N, {self.in_channels}, {self.image_size}, {self.image_size}], got {tuple(images.shape)}"
            )
        return self.head(self.features(images)).squeeze(1)


class LatentDiscriminator(nn.Module):
    """D_AAE (Eq. 2): tells prior samples z ~ N(0, I) (target 1) from encodings F_enc(a) (target 0)."""

    def __init__(self, latent_dim: int = 128, hidden: Sequence[int] = (512, 512)) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        c_in = latent_dim
        for width in hidden:
            layers += [nn.Linear(c_in, int(width)), nn.LeakyReLU(0.2, inplace=True)]
            c_in = int(width)
        layers.append(nn.Linear(c_in, 1))
        self.net = nn.Sequential(*layers)
        self.latent_dim = latent_dim

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if z.dim() != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"D_AAE expects [N, {self.latent_dim}], got {tuple(z.shape)}")
        return self.net(z).squeeze(1)
