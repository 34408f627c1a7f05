"""Data order as a function of (seed, iteration); device and AMP choice; RNG capture/restore."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

from medsynth_pipeline.training.data import BatchIndexStream, TrainingData, iterations_for_epochs
from medsynth_pipeline.training.runtime import capture_rng_state, restore_rng_state, select_amp, select_device


def test_each_epoch_is_a_permutation_and_order_is_reproducible() -> None:
    stream = BatchIndexStream(n=10, batch_size=5, seed=3)
    epoch0 = torch.cat([stream.indices(0), stream.indices(1)])
    epoch1 = torch.cat([stream.indices(2), stream.indices(3)])
    assert sorted(epoch0.tolist()) == list(range(10)) == sorted(epoch1.tolist())
    assert not torch.equal(epoch0, epoch1)
    again = BatchIndexStream(n=10, batch_size=5, seed=3)
    assert torch.equal(again.indices(3), stream.indices(3))  # a fresh stream (a resume) sees the same batch


def test_batch_larger_than_the_data_spans_epochs() -> None:
    stream = BatchIndexStream(n=7, batch_size=20, seed=0)
    batch = stream.indices(0)
    assert len(batch) == 20 and batch.max() < 7
    assert np.bincount(batch.numpy(), minlength=7).min() >= 2
    assert stream.epoch_of(0) == pytest.approx(20 / 7)


def test_ranks_take_disjoint_slices() -> None:
    r0 = BatchIndexStream(12, 3, 0, rank=0, world_size=2).indices(0)
    r1 = BatchIndexStream(12, 3, 0, rank=1, world_size=2).indices(0)
    assert not set(r0.tolist()) & set(r1.tolist())


def test_training_data_validation() -> None:
    with pytest.raises(ValueError, match="labels"):
        TrainingData(torch.zeros(3, 1, 4, 4), torch.zeros(2, dtype=torch.long))
    with pytest.raises(ValueError, match=r"\[N, C, H, W\]"):
        TrainingData(torch.zeros(3, 4, 4))
    assert iterations_for_epochs(100, n=128, batch_size=64) == 200


def test_device_and_amp_selection() -> None:
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert select_device("auto").type == expected
    assert select_device("cpu").type == "cpu"
    assert select_amp("auto", torch.device("cpu")) is None
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="CUDA is not available"):
            select_device("cuda")


def test_rng_state_round_trip() -> None:
    state = capture_rng_state()
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    restore_rng_state(state)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first
