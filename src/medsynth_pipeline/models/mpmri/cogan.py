"""CoGAN baseline of 002 (Liu & Tuzel 2016, ref. [16]): two GANs, one per modality, coupled by weight sharing.

The generators share their first layers (the FC and the up-sampling stages that decode high-level
semantics) and own their last stages (modality-specific detail); the discriminators own their first layers
and share the last ones. Both halves draw from one z, so ADC and T2w of a pair come from the same code.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from medsynth_pipeline.models.mpmri.decoder import UpsamplingTrunk
from medsynth_pipeline.models.mpmri.downsampling import downsampling_stack, halved_size


def _private_up(channels: Sequence[int], first: int, n_stages: int, out_channels: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    for k in range(first, first + n_stages):
        c_in, c_out = int(channels[k]), int(channels[k + 1])
        layers += [nn.ConvTranspose2d(c_in, c_out, 4, stride=2, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(True)]
    last = int(channels[first + n_stages])
    layers += [nn.Conv2d(last, out_channels, 3, padding=1), nn.Tanh()]
    return nn.Sequential(*layers)


class CoupledGenerator(nn.Module):
    """z → (ADC, T2w), ``[N, 1, S, S]`` each in [-1, 1]; the last ``private_stages`` stages are per modality."""

    def __init__(
        self,
        latent_dim: int = 128,
        image_size: int = 64,
        channels: Sequence[int] = (512, 256, 128, 64, 32),
        base_size: int = 4,
        private_stages: int = 1,
    ) -> None:
        super().__init__()
        n_stages = int(round(math.log2(image_size / base_size)))
        if not 0 <= private_stages <= n_stages:
            raise ValueError(f"private_stages must be within 0..{n_stages}, got {private_stages}")
        shared_size = image_size // 2**private_stages
        self.shared = UpsamplingTrunk(latent_dim, shared_size, channels, base_size)
        first = n_stages - private_stages
        self.adc_head = _private_up(channels, first, private_stages, 1)
        self.t2w_head = _private_up(channels, first, private_stages, 1)
        self.latent_dim = latent_dim

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        features = self.shared(z)
        return self.adc_head(features), self.t2w_head(features)


def _down(c_in: int, c_out: int, normalise: bool) -> list[nn.Module]:
    layers: list[nn.Module] = [nn.Conv2d(c_in, c_out, 4, stride=2, padding=1)]
    if normalise:
        layers.append(nn.BatchNorm2d(c_out))
    return layers + [nn.LeakyReLU(0.2, inplace=True)]


class CoupledDiscriminator(nn.Module):
    """(ADC, T2w) → (score_ADC, score_T2w) logits; the first ``private_layers`` convolutions are per modality."""

    def __init__(
        self,
        image_size: int = 64,
        channels: Sequence[int] = (64, 128, 256, 512),
        private_layers: int = 1,
    ) -> None:
        super().__init__()
        if not 1 <= private_layers <= len(channels):
            raise ValueError(f"private_layers must be within 1..{len(channels)}, got {private_layers}")
        final_size = halved_size(image_size, len(channels))
        self.adc_body = downsampling_stack(1, channels[:private_layers], nn.BatchNorm2d)[0]
        self.t2w_body = downsampling_stack(1, channels[:private_layers], nn.BatchNorm2d)[0]
        shared: list[nn.Module] = []
        for k in range(private_layers, len(channels)):
            shared += _down(int(channels[k - 1]), int(channels[k]), normalise=True)
        self.shared = nn.Sequential(
            *shared, nn.Flatten(), nn.Linear(int(channels[-1]) * final_size * final_size, 1)
        )
        self.image_size = image_size

    def forward(self, adc: torch.Tensor, t2w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        for name, x in (("ADC", adc), ("T2w", t2w)):
            if x.dim() != 4 or tuple(x.shape[1:]) != (1, self.image_size, self.image_size):
                raise ValueError(f"CoGAN D expects {name} [N, 1, {self.image_size}, {self.image_size}], got {tuple(x.shape)}")
        return self.shared(self.adc_body(adc)).squeeze(1), self.shared(self.t2w_body(t2w)).squeeze(1)
