"""ProstateGAN (Hu et al., seed 000): conditional DCGAN on the Gleason score, 32×32.

G: z (100, uniform) ⊕ label embedding → project to 4×4 → three 4×4/2 transposed convs (BN + ReLU after the
first two, tanh after the last) → 32×32. D: image ⊕ label map → strided 4×4/2 convs with BN and LeakyReLU
0.2 → one logit (the paper's sigmoid lives in the loss). Weights N(0, 0.02).

Unspecified in the paper, chosen here: label embedding width (``embedding_dim``), the projection of z ⊕ y to
4×4 (DCGAN's "project and reshape"), D's label input as one extra image channel (an embedding to H×W, the
usual cDCGAN way of "passing the label into D"), feature widths (DCGAN's 64·2^k).
"""

from __future__ import annotations

import torch
from torch import nn

from medsynth_pipeline.models.init import apply_init
from medsynth_pipeline.models.latent import LatentGenerator

IMAGE_SIZE = 32
_START = 4  # 32 = 4 · 2³: three stride-2 transposed convs


class ProstateGANGenerator(LatentGenerator):
    def __init__(
        self,
        num_classes: int,
        channels: int = 1,
        latent_dim: int = 100,
        latent_distribution: str = "uniform",
        embedding_dim: int = 50,
        width: int = 64,
        init: str = "dcgan",
    ) -> None:
        super().__init__(latent_dim, latent_distribution, num_classes, (-1.0, 1.0))
        self.remember_kwargs(num_classes=num_classes, channels=channels, latent_dim=latent_dim,
                             latent_distribution=latent_distribution, embedding_dim=embedding_dim,
                             width=width, init=init)
        self.embed = nn.Embedding(num_classes, embedding_dim) if num_classes else None
        in_features = latent_dim + (embedding_dim if num_classes else 0)
        self.project = nn.Sequential(
            nn.Linear(in_features, width * 4 * _START * _START, bias=False),
            nn.BatchNorm1d(width * 4 * _START * _START),
            nn.ReLU(inplace=True),
        )
        self.width = width
        self.body = nn.Sequential(
            nn.ConvTranspose2d(width * 4, width * 2, 4, 2, 1, bias=False),  # 8×8
            nn.BatchNorm2d(width * 2),
            nn.ReLU(inplace=True),
            nn.ConvTranspose2d(width * 2, width, 4, 2, 1, bias=False),  # 16×16
            nn.BatchNorm2d(width),
            nn.ReLU(inplace=True),
            nn.ConvTranspose2d(width, channels, 4, 2, 1),  # 32×32
            nn.Tanh(),
        )
        apply_init(self, init)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        labels = self.check_labels(labels, z.shape[0])
        h = z if self.embed is None else torch.cat([z, self.embed(labels)], dim=1)
        h = self.project(h).view(z.shape[0], self.width * 4, _START, _START)
        return self.body(h)


class ProstateGANDiscriminator(nn.Module):
    def __init__(
        self, num_classes: int, channels: int = 1, width: int = 64, leaky_slope: float = 0.2, init: str = "dcgan"
    ) -> None:
        super().__init__()
        self.num_classes = num_classes
        self.label_map = nn.Embedding(num_classes, IMAGE_SIZE * IMAGE_SIZE) if num_classes else None
        in_ch = channels + (1 if num_classes else 0)

        def block(cin: int, cout: int) -> list[nn.Module]:
            return [nn.Conv2d(cin, cout, 4, 2, 1, bias=False), nn.BatchNorm2d(cout), nn.LeakyReLU(leaky_slope, inplace=True)]

        self.body = nn.Sequential(
            *block(in_ch, width),  # 16×16
            *block(width, width * 2),  # 8×8
            *block(width * 2, width * 4),  # 4×4
            nn.Conv2d(width * 4, 1, 4, 1, 0),  # 1×1 logit
        )
        apply_init(self, init)

    def forward(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if self.label_map is not None:
            if labels is None:
                raise ValueError("this discriminator is conditional: pass the class indices")
            plane = self.label_map(labels.long()).view(-1, 1, IMAGE_SIZE, IMAGE_SIZE).to(images.dtype)
            images = torch.cat([images, plane], dim=1)
        return self.body(images).view(-1)
