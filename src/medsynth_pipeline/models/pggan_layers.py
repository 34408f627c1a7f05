"""Building blocks of the progressive growing GAN (Karras et al., ICLR 2018, section 4).

* Equalised learning rate: weights are drawn from N(0, 1) and scaled at run time by the He constant
  ``gain / sqrt(fan_in)``, so Adam's per-parameter step size is the same for every layer.
* Pixel normalisation: each pixel's feature vector is scaled to unit average square (generator only).
* Minibatch standard deviation: one extra feature map holding the average standard deviation of the
  features over a group of samples, so the discriminator can see a lack of variation.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

#: The He gain for layers followed by a leaky ReLU, as in Karras et al. (their code uses sqrt(2) throughout).
HE_GAIN = math.sqrt(2.0)


class EqualizedConv2d(nn.Module):
    """A stride-1, 'same'-padded convolution with equalised learning rate."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, gain: float = HE_GAIN) -> None:
        super().__init__()
        if kernel_size % 2 != 1:
            raise ValueError(f"kernel_size must be odd for 'same' padding, got {kernel_size}")
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels, kernel_size, kernel_size))
        self.bias = nn.Parameter(torch.zeros(out_channels))
        self.scale = gain / math.sqrt(in_channels * kernel_size * kernel_size)
        self.padding = kernel_size // 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.weight * self.scale, self.bias, padding=self.padding)

    def extra_repr(self) -> str:
        out_c, in_c, k, _ = self.weight.shape
        return f"{in_c}, {out_c}, kernel_size={k}, scale={self.scale:.4g}"


class EqualizedLinear(nn.Module):
    """A fully connected layer with equalised learning rate."""

    def __init__(self, in_features: int, out_features: int, gain: float = HE_GAIN) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_features, in_features))
        self.bias = nn.Parameter(torch.zeros(out_features))
        self.scale = gain / math.sqrt(in_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight * self.scale, self.bias)

    def extra_repr(self) -> str:
        out_f, in_f = self.weight.shape
        return f"{in_f}, {out_f}, scale={self.scale:.4g}"


class PixelNorm(nn.Module):
    """``x / sqrt(mean_c(x²) + eps)``: each pixel's feature vector gets unit average square."""

    def __init__(self, eps: float = 1e-8) -> None:
        super().__init__()
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(dim=1, keepdim=True) + self.eps)


class MinibatchStdDev(nn.Module):
    """Appends one feature map: the standard deviation over a group, averaged over features and pixels.

    As in the reference implementation, sample ``i`` belongs to group ``i % (N / G)`` and the standard
    deviation is the population one (divide by ``G``). When ``N`` is not a multiple of the group size the
    largest group size that divides ``N`` is used, so odd last batches still work.
    """

    def __init__(self, group_size: int = 4, eps: float = 1e-8) -> None:
        super().__init__()
        if group_size < 1:
            raise ValueError(f"group_size must be >= 1, got {group_size}")
        self.group_size = group_size
        self.eps = eps

    def effective_group_size(self, batch: int) -> int:
        group = min(self.group_size, batch)
        while batch % group:
            group -= 1
        return group

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        group = self.effective_group_size(n)
        y = x.reshape(group, n // group, c, h, w)
        y = y - y.mean(dim=0, keepdim=True)
        y = torch.sqrt(y.pow(2).mean(dim=0) + self.eps)  # [M, C, H, W]
        y = y.mean(dim=(1, 2, 3))  # [M]
        y = y.repeat(group).reshape(n, 1, 1, 1).expand(n, 1, h, w)
        return torch.cat([x, y], dim=1)


def upscale2d(x: torch.Tensor) -> torch.Tensor:
    """Nearest-neighbour ×2 upsampling, the generator's resolution step."""
    return F.interpolate(x, scale_factor=2, mode="nearest")


def downscale2d(x: torch.Tensor) -> torch.Tensor:
    """2×2 average pooling, the discriminator's resolution step."""
    return F.avg_pool2d(x, kernel_size=2)


def fade(low: torch.Tensor, high: torch.Tensor, alpha: float) -> torch.Tensor:
    """Fade-in blend ``(1 - alpha) * low + alpha * high``; alpha 0 is exactly ``low``, 1 exactly ``high``."""
    if alpha <= 0.0:
        return low
    if alpha >= 1.0:
        return high
    return torch.lerp(low, high, alpha)
