"""Kitchen & Seah (seed 001): DCGAN on 16×16×3 lesion patches (T2, ADC, Ktrans), Tables 1 and 2.

Table 1 (G): z 25 ~ N(0, 1) → fully connected 256 → reshape 4×4×16 → T.conv 3×3/2 32 (8×8) → T.conv 3×3/2
16 (16×16) → T.conv 3×3 3 (16×16), ReLU after each layer.
Table 2 (D): Gaussian noise on the input → conv 3×3 32 (16×16) → conv 3×3/2 64 (8×8) → conv 3×3/2 128 (4×4),
each LeakyReLU 0.1 followed by Gaussian noise → global average pool → dropout → fully connected → 1 logit.

How the table's oddities are resolved (docs/gan_training.md):
- "feats. 265" of the FC row is a typo: its output shape is 256 = 4·4·16, which the reshape needs.
- The last T.conv is listed "3×3 / 2" yet keeps 16×16: a stride-2 transposed conv doubles the size, so the
  output shape wins and the last layer has stride 1.
- ReLU after the last layer (as listed) suits the data, which are normalised to [0, 1] (output range [0, 1];
  ``output_activation`` can switch to ``sigmoid`` or ``tanh``). The FC row names no activation: ReLU (the
  default of the dense layers of the time and DCGAN's projection) is used.
- "N(0, 1/2)": the noise-layer APIs of the time take a standard deviation, so σ = 0.5 (``noise_std``).
- Dropout rate and initialisation are not given: p = 0.5 and PyTorch's defaults.
"""

from __future__ import annotations

import torch
from torch import nn

from medsynth_pipeline.models.init import apply_init
from medsynth_pipeline.models.latent import LatentGenerator

OUTPUT_ACTIVATIONS = {"relu": (nn.ReLU, (0.0, 1.0)), "sigmoid": (nn.Sigmoid, (0.0, 1.0)), "tanh": (nn.Tanh, (-1.0, 1.0))}


class KitchenSeahGenerator(LatentGenerator):
    def __init__(
        self,
        channels: int = 3,
        latent_dim: int = 25,
        latent_distribution: str = "normal",
        fc_features: int = 256,
        widths: tuple[int, int, int] | list[int] = (16, 32, 16),
        output_activation: str = "relu",
        init: str = "default",
    ) -> None:
        if output_activation not in OUTPUT_ACTIVATIONS:
            raise ValueError(f"output_activation must be one of {sorted(OUTPUT_ACTIVATIONS)}")
        act, out_range = OUTPUT_ACTIVATIONS[output_activation]
        super().__init__(latent_dim, latent_distribution, 0, out_range)
        self.remember_kwargs(channels=channels, latent_dim=latent_dim, latent_distribution=latent_distribution,
                             fc_features=fc_features, widths=list(widths), output_activation=output_activation,
                             init=init)
        w0, w1, w2 = widths
        if fc_features != w0 * 16:
            raise ValueError(f"fc_features ({fc_features}) must equal 4·4·widths[0] ({w0 * 16}) for the reshape")
        self.w0 = w0
        self.fc = nn.Sequential(nn.Linear(latent_dim, fc_features), nn.ReLU(inplace=True))
        self.body = nn.Sequential(
            nn.ConvTranspose2d(w0, w1, 3, stride=2, padding=1, output_padding=1),  # 8×8
            nn.ReLU(inplace=True),
            nn.ConvTranspose2d(w1, w2, 3, stride=2, padding=1, output_padding=1),  # 16×16
            nn.ReLU(inplace=True),
            nn.ConvTranspose2d(w2, channels, 3, stride=1, padding=1),  # 16×16
            act(),
        )
        apply_init(self, init)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        self.check_labels(labels, z.shape[0])
        return self.body(self.fc(z).view(z.shape[0], self.w0, 4, 4))


class GaussianNoise(nn.Module):
    """Adds N(0, std²) noise while training (identity in eval), like the noise layers of Table 2."""

    def __init__(self, std: float) -> None:
        super().__init__()
        self.std = float(std)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.std == 0:
            return x
        return x + torch.randn_like(x) * self.std


class KitchenSeahDiscriminator(nn.Module):
    def __init__(
        self,
        channels: int = 3,
        widths: tuple[int, int, int] | list[int] = (32, 64, 128),
        leaky_slope: float = 0.1,
        noise_std: float = 0.5,
        dropout: float = 0.5,
        init: str = "default",
    ) -> None:
        super().__init__()
        w1, w2, w3 = widths
        self.body = nn.Sequential(
            GaussianNoise(noise_std),
            nn.Conv2d(channels, w1, 3, stride=1, padding=1),  # 16×16
            nn.LeakyReLU(leaky_slope),
            GaussianNoise(noise_std),
            nn.Conv2d(w1, w2, 3, stride=2, padding=1),  # 8×8
            nn.LeakyReLU(leaky_slope),
            GaussianNoise(noise_std),
            nn.Conv2d(w2, w3, 3, stride=2, padding=1),  # 4×4
            nn.LeakyReLU(leaky_slope),
            GaussianNoise(noise_std),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.Dropout(dropout),
            nn.Linear(w3, 1),
        )
        apply_init(self, init)

    def forward(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.body(images).view(-1)
