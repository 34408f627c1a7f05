"""Tiny real and synthetic patch sets made here: lesion images carry a bright blob, synthetic ones noise."""

from __future__ import annotations

import numpy as np
import pytest
import torch


def make_patches(n: int, seed: int, synthetic: bool) -> tuple[torch.Tensor, np.ndarray]:
    gen = torch.Generator().manual_seed(seed)
    images = torch.rand(n, 3, 16, 16, generator=gen) * 0.5
    is_lesion = np.arange(n) % 2 == 0
    images[torch.as_tensor(is_lesion), :, 6:10, 6:10] = 0.95
    if synthetic:
        images = (images + 0.05 * torch.rand(images.shape, generator=gen)).clamp(0, 1)
    return images, is_lesion


@pytest.fixture
def real_set() -> tuple[torch.Tensor, np.ndarray]:
    return make_patches(12, seed=1, synthetic=False)


@pytest.fixture
def synthetic_set() -> tuple[torch.Tensor, np.ndarray]:
    return make_patches(10, seed=2, synthetic=True)
