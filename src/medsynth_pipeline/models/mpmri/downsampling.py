"""The strided-convolution stack shared by 002's encoder, critics and CoGAN discriminator."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from torch import nn


def halved_size(image_size: int, halvings: int) -> int:
    """``image_size`` after ``halvings`` stride-2 layers; an error unless every halving gives an integer size."""
    final_size = image_size // 2**halvings
    if final_size < 1 or final_size * 2**halvings != image_size:
        raise ValueError(f"image_size {image_size} cannot be halved {halvings} times to an integer size")
    return final_size


def downsampling_stack(
    in_channels: int, channels: Sequence[int], norm: Callable[[int], nn.Module], bias: bool = True
) -> tuple[nn.Sequential, int]:
    """4×4 stride-2 convolutions to ``channels``, each halving the size, with LeakyReLU 0.2; and the output width.

    Every layer but the first is followed by ``norm(width)``: no normalisation on the input layer, as in
    DCGAN-style networks. ``bias=False`` drops the bias of those normalised layers (the norm's shift
    replaces it); the input layer always keeps its bias.
    """
    layers: list[nn.Module] = []
    c_in = in_channels
    for k, c_out in enumerate(channels):
        layers.append(nn.Conv2d(c_in, int(c_out), 4, stride=2, padding=1, bias=bias or k == 0))
        if k > 0:
            layers.append(norm(int(c_out)))
        layers.append(nn.LeakyReLU(0.2, inplace=True))
        c_in = int(c_out)
    return nn.Sequential(*layers), c_in
