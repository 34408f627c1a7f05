"""Tiny systems and data for the training-loop tests (all CPU, a few seconds)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch

from medsynth_pipeline.training import TrainingData
from medsynth_pipeline.training.registry import build_system
from medsynth_pipeline.training.system import GenerativeSystem

from ..torch_threads import one_cpu_thread  # noqa: F401

# The smallest members of the family: Kitchen & Seah has noise + dropout in D (the RNG a resume must
# restore), DCGAN at 8×8 is the cheapest BatchNorm system.
TINY_KS = {
    "architecture": "kitchen_seah",
    "generator": {"latent_dim": 4, "fc_features": 32, "widths": [2, 4, 4], "output_activation": "tanh"},
    "discriminator": {"widths": [4, 4, 8]},
    "loss": {"name": "minimax"},
    "optimizer_g": {"lr": 0.001, "beta1": 0.5},
    "optimizer_d": {"lr": 0.001, "beta1": 0.5},
    "step_order": "g_then_d",
}
TINY_DCGAN = {
    "architecture": "dcgan",
    "generator": {"latent_dim": 4, "width": 4},
    "discriminator": {"width": 4},
    "loss": {"name": "non_saturating"},
}


def factory(spec: dict[str, Any], channels: int, size: int, classes: int = 0) -> Callable[[], GenerativeSystem]:
    return lambda: build_system(spec, channels=channels, image_size=size, num_classes=classes)


@pytest.fixture
def ks_data() -> TrainingData:
    gen = torch.Generator().manual_seed(0)
    return TrainingData(torch.rand(24, 3, 16, 16, generator=gen) * 2 - 1)


def weights(system: GenerativeSystem) -> dict[str, torch.Tensor]:
    return {f"{n}.{k}": v.clone() for n, m in system.networks().items() for k, v in m.state_dict().items()}


def assert_same_weights(a: GenerativeSystem, b: GenerativeSystem) -> None:
    wa, wb = weights(a), weights(b)
    assert wa.keys() == wb.keys()
    different = [k for k in wa if not torch.equal(wa[k], wb[k])]
    assert not different, f"weights differ: {different[:5]}"
