"""G of 002: the U-Net that translates an ADC map into its paired T2w image (Sec. II-A, after [17], [19]).

MONAI's ``UNet`` is the pix2pix-style U-Net 002 cites: strided-convolution encoder, transposed-convolution
decoder and concatenated skip connections at every scale. A tanh keeps the output in [-1, 1] like the data.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from monai.networks.nets import UNet
from torch import nn


class AdcToT2wUNet(nn.Module):
    """``[N, 1, H, W]`` ADC → ``[N, 1, H, W]`` T2w, both in [-1, 1]."""

    def __init__(
        self,
        channels: Sequence[int] = (64, 128, 256, 512, 512),
        strides: Sequence[int] = (2, 2, 2, 2),
        num_res_units: int = 0,
        norm: str = "batch",
        leaky_slope: float = 0.2,
        dropout: float = 0.0,
        in_channels: int = 1,
        out_channels: int = 1,
    ) -> None:
        super().__init__()
        if len(strides) != len(channels) - 1:
            raise ValueError(f"U-Net needs len(strides) == len(channels) - 1, got {list(strides)} / {list(channels)}")
        self.unet = UNet(
            spatial_dims=2,
            in_channels=in_channels,
            out_channels=out_channels,
            channels=tuple(int(c) for c in channels),
            strides=tuple(int(s) for s in strides),
            num_res_units=num_res_units,
            act=("LEAKYRELU", {"negative_slope": leaky_slope}),
            norm=norm,
            dropout=dropout,
        )
        self.downsampling = 1
        for s in strides:
            self.downsampling *= int(s)

    def forward(self, adc: torch.Tensor) -> torch.Tensor:
        if adc.dim() != 4 or adc.shape[-1] % self.downsampling or adc.shape[-2] % self.downsampling:
            raise ValueError(
                f"U-Net input must be [N, C, H, W] with H, W multiples of {self.downsampling}, got {tuple(adc.shape)}"
            )
        return torch.tanh(self.unet(adc))
