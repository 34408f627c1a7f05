"""Tiny labelled image sets: class 1 has a bright square, class 0 does not."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from medsynth_pipeline.classification.data import LabelledImages


def make_images(patients: list[str], per_patient: int, seed: int, source: str = "real",
                signal: float = 0.5) -> LabelledImages:
    rng = np.random.default_rng(seed)
    n = len(patients) * per_patient
    labels = np.tile([0, 1], n // 2 + 1)[:n]
    images = rng.uniform(0.0, 0.4, size=(n, 1, 8, 8)).astype(np.float32)
    images[labels == 1, :, 2:6, 2:6] += signal
    return LabelledImages.build(torch.from_numpy(images.clip(0, 1)), labels,
                                np.repeat(patients, per_patient).tolist(), source)


@pytest.fixture
def splits() -> tuple[LabelledImages, LabelledImages, LabelledImages]:
    train = make_images([f"T{i}" for i in range(6)], 10, seed=0)
    val = make_images([f"V{i}" for i in range(2)], 10, seed=1)
    test = make_images([f"X{i}" for i in range(3)], 10, seed=2)
    return train, val, test
