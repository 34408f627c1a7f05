"""The standard DCGAN (Radford et al. 2016) as used by seed 003 at 64×64 (and by any power-of-two size ≥ 8).

G: z ~ N(0, 1) → 4×4 transposed conv → stride-2 transposed convs with BN + ReLU doubling the size → tanh.
D: the mirror, strided convs with LeakyReLU 0.2 (BN on all but the first), a final 4×4 conv → one logit
(DCGAN's sigmoid lives in the loss). Widths 64·2^k, init N(0, 0.02), as the PyTorch reference the paper follows.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from medsynth_pipeline.models.init import apply_init
from medsynth_pipeline.models.latent import LatentGenerator


def _levels(image_size: int) -> int:
    levels = int(math.log2(image_size)) - 2  # 4·2^levels = image_size
    if image_size < 8 or 4 * 2**levels != image_size:
        raise ValueError(f"DCGAN image_size must be a power of two >= 8, got {image_size}")
    return levels


class DCGANGenerator(LatentGenerator):
    def __init__(
        self,
        channels: int = 1,
        image_size: int = 64,
        latent_dim: int = 100,
        latent_distribution: str = "normal",
        width: int = 64,
        init: str = "dcgan",
    ) -> None:
        super().__init__(latent_dim, latent_distribution, 0, (-1.0, 1.0))
        self.remember_kwargs(channels=channels, image_size=image_size, latent_dim=latent_dim,
                             latent_distribution=latent_distribution, width=width, init=init)
        levels = _levels(image_size)
        mult = 2 ** (levels - 1)
        layers: list[nn.Module] = [
            nn.ConvTranspose2d(latent_dim, width * mult, 4, 1, 0, bias=False),
            nn.BatchNorm2d(width * mult),
            nn.ReLU(inplace=True),
        ]
        for _ in range(levels - 1):
            layers += [nn.ConvTranspose2d(width * mult, width * mult // 2, 4, 2, 1, bias=False),
                       nn.BatchNorm2d(width * mult // 2), nn.ReLU(inplace=True)]
            mult //= 2
        layers += [nn.ConvTranspose2d(width, channels, 4, 2, 1, bias=False), nn.Tanh()]
        self.body = nn.Sequential(*layers)
        apply_init(self, init)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        self.check_labels(labels, z.shape[0])
        return self.body(z.view(z.shape[0], self.latent_dim, 1, 1))


class DCGANDiscriminator(nn.Module):
    def __init__(
        self, channels: int = 1, image_size: int = 64, width: int = 64, leaky_slope: float = 0.2, init: str = "dcgan"
    ) -> None:
        super().__init__()
        levels = _levels(image_size)
        layers: list[nn.Module] = [nn.Conv2d(channels, width, 4, 2, 1, bias=False), nn.LeakyReLU(leaky_slope, inplace=True)]
        mult = 1
        for _ in range(levels - 1):
            layers += [nn.Conv2d(width * mult, width * mult * 2, 4, 2, 1, bias=False),
                       nn.BatchNorm2d(width * mult * 2), nn.LeakyReLU(leaky_slope, inplace=True)]
            mult *= 2
        layers += [nn.Conv2d(width * mult, 1, 4, 1, 0, bias=False)]
        self.body = nn.Sequential(*layers)
        apply_init(self, init)

    def forward(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.body(images).view(-1)
