"""``eval_mode``: sampling inside training switches dropout/BatchNorm off and leaves the mode as it found it."""

from __future__ import annotations

import pytest
from torch import nn

from medsynth_pipeline.models.latent import eval_mode


@pytest.mark.parametrize("training", [True, False])
def test_eval_mode_restores_the_previous_mode(training: bool) -> None:
    net = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    net.train(training)
    with eval_mode(net) as inside:
        assert inside is net and not net.training and not net[1].training
    assert net.training is training and net[1].training is training


def test_eval_mode_restores_the_mode_after_an_error() -> None:
    net = nn.BatchNorm1d(2).train()
    with pytest.raises(RuntimeError, match="boom"), eval_mode(net):
        raise RuntimeError("boom")
    assert net.training
