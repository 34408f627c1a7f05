"""The StitchLayer of 002 (Sec. II-B, Eq. 7): F² sub-images of a×a interlaced into one Fa×Fa image.

Eq. 7 builds the full image X out of a² non-overlapping F×F super-pixels. Super-pixel B_{i,j} holds the
(i, j) pixel of every sub-image, sub-image n = r·F + c + 1 (row-major, 1-based as in the paper) sitting at
row r, column c of the block:

    X[i·F + r, j·F + c] = x^{r·F + c + 1}[i, j]        i, j = 0 … a−1;  r, c = 0 … F−1

This is exactly the sub-pixel arrangement of ``torch.nn.functional.pixel_shuffle`` (channel index
``r·F + c``), so the layer reuses torch's implementation; ``unstitch`` (``pixel_unshuffle``) is its exact
inverse. Both are pure index permutations: no parameters, gradients pass unchanged.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as functional


def stitch(sub_images: torch.Tensor, blocks: int) -> torch.Tensor:
    """Interlace ``[N, C·F², a, a]`` sub-images into ``[N, C, F·a, F·a]`` images (Eq. 7).

    Channel ``k·F² + n`` is sub-image ``n + 1`` of output channel ``k``.
    """
    if sub_images.dim() != 4:
        raise ValueError(f"stitch expects [N, C*F^2, a, a], got shape {tuple(sub_images.shape)}")
    if blocks < 1 or sub_images.shape[1] % (blocks * blocks):
        raise ValueError(
            f"stitch: {sub_images.shape[1]} channels cannot hold F^2={blocks * blocks} sub-images per output channel"
        )
    if blocks == 1:
        return sub_images
    return functional.pixel_shuffle(sub_images, blocks)


def unstitch(images: torch.Tensor, blocks: int) -> torch.Tensor:
    """Inverse of :func:`stitch`: ``[N, C, F·a, F·a]`` → ``[N, C·F², a, a]``."""
    if images.dim() != 4 or images.shape[-1] % blocks or images.shape[-2] % blocks:
        raise ValueError(f"unstitch: image shape {tuple(images.shape)} is not divisible into {blocks}x{blocks} blocks")
    if blocks == 1:
        return images
    return functional.pixel_unshuffle(images, blocks)


class StitchLayer(nn.Module):
    """Module form of :func:`stitch` with F = ``blocks`` (002's StitchLayer-#F#a uses F = ``blocks``)."""

    def __init__(self, blocks: int) -> None:
        super().__init__()
        if blocks < 1:
            raise ValueError(f"StitchLayer needs blocks >= 1, got {blocks}")
        self.blocks = blocks

    def forward(self, sub_images: torch.Tensor) -> torch.Tensor:
        return stitch(sub_images, self.blocks)

    def extra_repr(self) -> str:
        return f"blocks={self.blocks}"
