"""F_dec of 002: latent code → ADC map, through a shared up-sampling trunk and the StitchLayer (Fig. 4, Fig. 8).

The trunk is one ladder: a fully connected layer to ``base_size``² maps, a convolution block at that size
(the "up-sampling block" every StitchLayer-#F#a variant shares), then ×2 up-sampling stages. Variant
``F``/``a`` taps the ladder at a×a and ends in one convolution with F² kernels (the F² sub-image decoders
F_dec^n, which differ only in that last layer) followed by the StitchLayer. 1F64a has no StitchLayer
(F = 1: the last convolution writes the full-size map directly), as in 002 Fig. 8.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from medsynth_pipeline.models.mpmri.stitch import StitchLayer


def _check_sizes(image_size: int, blocks: int, base_size: int) -> int:
    if blocks < 1 or image_size % blocks:
        raise ValueError(f"image_size {image_size} is not a multiple of blocks F={blocks}")
    sub_size = image_size // blocks
    ratio = sub_size / base_size
    if sub_size < base_size or ratio != 2 ** round(math.log2(ratio)):
        raise ValueError(
            f"sub-image size a={sub_size} (= {image_size}/{blocks}) must be base_size={base_size} times a power of two"
        )
    return sub_size


class UpsamplingTrunk(nn.Module):
    """FC → ``base_size``² × ``channels[0]`` → shared conv block → ×2 stages up to ``out_size``.

    ``channels[k]`` is the width at ``base_size · 2**k``; the widths are fixed per resolution, so every variant
    of the ablation holds the same FC and shared block (most of the parameters).
    """

    def __init__(self, latent_dim: int, out_size: int, channels: Sequence[int], base_size: int = 4) -> None:
        super().__init__()
        n_stages = int(round(math.log2(out_size / base_size)))
        if base_size * 2**n_stages != out_size:
            raise ValueError(f"out_size {out_size} must be base_size {base_size} times a power of two")
        if len(channels) < n_stages + 1:
            raise ValueError(f"channels {list(channels)} too short to reach {out_size}x{out_size} from {base_size}")
        self.latent_dim, self.base_size, self.out_size = latent_dim, base_size, out_size
        self.out_channels = int(channels[n_stages])
        width = int(channels[0])
        self.fc = nn.Sequential(
            nn.Linear(latent_dim, width * base_size * base_size, bias=False),
            nn.BatchNorm1d(width * base_size * base_size),
            nn.ReLU(inplace=True),
        )
        self.shared_block = nn.Sequential(
            nn.Conv2d(width, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True)
        )
        stages = []
        for k in range(n_stages):
            c_in, c_out = int(channels[k]), int(channels[k + 1])
            stages.append(
                nn.Sequential(
                    nn.ConvTranspose2d(c_in, c_out, 4, stride=2, padding=1, bias=False),
                    nn.BatchNorm2d(c_out),
                    nn.ReLU(inplace=True),
                )
            )
        self.stages = nn.Sequential(*stages)
        self._width = width

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if z.dim() != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"expected latent codes [N, {self.latent_dim}], got {tuple(z.shape)}")
        x = self.fc(z).view(z.shape[0], self._width, self.base_size, self.base_size)
        return self.stages(self.shared_block(x))


class StitchDecoder(nn.Module):
    """F_dec: ``[N, latent_dim]`` → ``[N, out_channels, image_size, image_size]`` in [-1, 1].

    Args:
        latent_dim: size of z (002: 128).
        image_size: Fa (002: 64).
        blocks: F; the sub-image size is a = image_size / F (002 keeps 2F32a).
        channels: trunk widths per resolution, from ``base_size`` upwards.
        head_kernel: kernel size of the last convolution (the F² sub-image decoders).
    """

    def __init__(
        self,
        latent_dim: int = 128,
        image_size: int = 64,
        blocks: int = 2,
        channels: Sequence[int] = (512, 256, 128, 64, 32),
        base_size: int = 4,
        head_kernel: int = 3,
        out_channels: int = 1,
    ) -> None:
        super().__init__()
        self.blocks, self.image_size, self.latent_dim = blocks, image_size, latent_dim
        self.sub_size = _check_sizes(image_size, blocks, base_size)
        self.trunk = UpsamplingTrunk(latent_dim, self.sub_size, channels, base_size)
        self.head = nn.Conv2d(self.trunk.out_channels, out_channels * blocks * blocks, head_kernel, padding=head_kernel // 2)
        self.stitch = StitchLayer(blocks)

    def sub_images(self, z: torch.Tensor) -> torch.Tensor:
        """The F² sub-images x^n before stitching, ``[N, out_channels·F², a, a]`` (pre-activation)."""
        return self.head(self.trunk(z))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.stitch(self.sub_images(z)))
