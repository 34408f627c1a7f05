"""Classical augmentation as in seed 004: flips, rotation ≤ 10°, shift/shear/zoom ≤ 8 %, constant fill.

Built from MONAI transforms (``RandFlip``, ``RandAffine``) into one composable ``monai.transforms.Compose``
that works on a [C, H, W] image; :func:`augment_images` applies it to a batch of patches reproducibly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from monai.transforms import Compose, RandAffine, RandFlip


@dataclass(frozen=True)
class ClassicalAugmentation:
    """Settings (``augmentation.classical``); defaults are 004's Keras ImageDataGenerator ranges."""

    flip_horizontal: bool = True
    flip_vertical: bool = True
    flip_prob: float = 0.5
    rotate_deg: float = 10.0
    shift_fraction: float = 0.08
    shear_fraction: float = 0.08
    zoom_fraction: float = 0.08
    padding_mode: str = "zeros"  # 004: constant filling of points outside the boundaries
    interpolation: str = "bilinear"

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ClassicalAugmentation:
        unknown = set(params) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"classical augmentation: unknown keys {sorted(unknown)}")
        return cls(**params)

    def transform(self, image_size: tuple[int, int]) -> Compose:
        """The MONAI pipeline for [C, H, W] images of ``image_size`` (H, W)."""
        steps: list[Any] = []
        if self.flip_horizontal:
            steps.append(RandFlip(prob=self.flip_prob, spatial_axis=1))
        if self.flip_vertical:
            steps.append(RandFlip(prob=self.flip_prob, spatial_axis=0))
        h, w = image_size
        steps.append(
            RandAffine(
                prob=1.0,
                rotate_range=(math.radians(self.rotate_deg),),
                shear_range=(self.shear_fraction, self.shear_fraction),
                translate_range=(self.shift_fraction * h, self.shift_fraction * w),
                scale_range=(self.zoom_fraction, self.zoom_fraction),
                padding_mode=self.padding_mode,
                mode=self.interpolation,
            )
        )
        return Compose(steps)


def augment_images(
    images: torch.Tensor, settings: ClassicalAugmentation, copies: int, seed: int
) -> tuple[torch.Tensor, np.ndarray]:
    """``copies`` randomly augmented versions of every image ([N, C, H, W] → [N·copies, C, H, W]).

    Returns the images (copy-major: all images of copy 0, then copy 1, …) and the source index of each.
    The same ``seed`` gives the same images.
    """
    if copies < 0:
        raise ValueError(f"copies must be >= 0, got {copies}")
    n = images.shape[0]
    if copies == 0 or n == 0:
        return images[:0].clone(), np.zeros(0, dtype=np.int64)
    transform = settings.transform((int(images.shape[-2]), int(images.shape[-1])))
    transform.set_random_state(seed=seed)
    out = torch.empty((n * copies, *images.shape[1:]), dtype=images.dtype)
    for k in range(copies):
        for i in range(n):
            out[k * n + i] = torch.as_tensor(transform(images[i])).to(images.dtype)
    return out, np.tile(np.arange(n), copies)
