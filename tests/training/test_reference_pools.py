"""Reference pools: extra real image sets drawn per iteration as reproducibly as the batches (resume included)."""

from __future__ import annotations

from typing import Any

import pytest
import torch
from torch import nn

from medsynth_pipeline.training import (
    Batch,
    GenerativeSystem,
    StepContext,
    Trainer,
    TrainerConfig,
    TrainingData,
)
from medsynth_pipeline.training.data import ReferencePools


def pool(n: int) -> torch.Tensor:
    """Row i is filled with the value i, so a drawn row names itself."""
    return torch.arange(n, dtype=torch.float32).view(n, 1, 1, 1).expand(n, 1, 2, 2).clone()


def rows(drawn: torch.Tensor) -> list[int]:
    return drawn[:, 0, 0, 0].long().tolist()


class PoolReader(GenerativeSystem):
    """The smallest system that uses a pool: one weight moved by the mean of the drawn non-CS rows."""

    reference_pools = ("non_cs",)

    def __init__(self) -> None:
        self.net = nn.Linear(1, 1)
        self.opt = torch.optim.SGD(self.net.parameters(), lr=0.01)
        self.seen: list[list[int]] = []

    def networks(self) -> dict[str, nn.Module]:
        return {"net": self.net}

    def optimizers(self) -> dict[str, torch.optim.Optimizer]:
        return {"net": self.opt}

    def train_step(self, batch: Batch, ctx: StepContext) -> dict[str, torch.Tensor]:
        drawn = batch.references["non_cs"]
        self.seen.append(rows(drawn))
        loss = (self.net(drawn.mean().view(1, 1)) - batch.images.mean()).pow(2).mean()
        ctx.optimize("net", loss, self.opt)
        return {"loss": loss.detach()}

    def sample_latent(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        return torch.randn(n, 1, generator=generator)

    def sample(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return z.view(-1, 1, 1, 1).expand(-1, 1, 2, 2)

    def export_generator(self) -> dict[str, Any]:
        return {"factory": "none", "kwargs": {}, "state_dict": self.net.state_dict()}


def test_draws_are_a_function_of_seed_name_and_iteration() -> None:
    pools = {"non_cs": pool(7), "other": pool(7)}
    first = ReferencePools(pools, ["non_cs"], batch_size=3, seed=5)
    again = ReferencePools(pools, [], batch_size=3, seed=5)  # a fresh sampler (a resumed run)
    for k in (0, 4, 11):
        assert torch.equal(first.draw(k)["non_cs"], again.draw(k)["non_cs"])
    sequence = [rows(first.draw(k)["non_cs"]) for k in range(7)]
    assert sequence != [rows(first.draw(k)["other"]) for k in range(7)]  # each pool has its own order
    assert sequence != [rows(ReferencePools(pools, [], 3, seed=6).draw(k)["non_cs"]) for k in range(7)]
    # 7 draws of 3 = 3 epochs of 7 rows: every epoch shows each row once (no row starved, none favoured)
    flat = sum(sequence, [])
    for epoch in range(3):
        assert sorted(flat[7 * epoch: 7 * (epoch + 1)]) == list(range(7))


def test_pools_smaller_than_the_batch_and_ranks() -> None:
    drawn = ReferencePools({"p": pool(2)}, [], batch_size=5, seed=0).draw(0)["p"]
    assert drawn.shape == (5, 1, 2, 2) and set(rows(drawn)) == {0, 1}
    r0 = ReferencePools({"p": pool(12)}, [], 3, 0, rank=0, world_size=2).draw(1)["p"]
    r1 = ReferencePools({"p": pool(12)}, [], 3, 0, rank=1, world_size=2).draw(1)["p"]
    assert not set(rows(r0)) & set(rows(r1))


def test_missing_or_empty_pools_are_refused() -> None:
    with pytest.raises(ValueError, match=r"reference pool\(s\) \['non_cs'\].*hold none"):
        ReferencePools({}, ["non_cs"], 4, 0)
    with pytest.raises(ValueError, match="reference pool 'non_cs' is empty"):
        TrainingData(torch.zeros(4, 1, 2, 2), references={"non_cs": torch.zeros(0, 1, 2, 2)})
    config = TrainerConfig(iterations=1, batch_size=2, device="cpu")
    with pytest.raises(ValueError, match="non_cs"):
        Trainer(PoolReader, TrainingData(torch.zeros(4, 1, 2, 2)), config).fit()


def test_the_loop_hands_the_draws_to_the_system_and_a_resume_draws_the_same(tmp_path) -> None:
    data = TrainingData(torch.rand(6, 1, 2, 2, generator=torch.Generator().manual_seed(0)),
                        references={"non_cs": pool(5)})

    def run(iterations: int, folder: str) -> PoolReader:
        config = TrainerConfig(iterations=iterations, batch_size=2, seed=3, device="cpu",
                               checkpoint_dir=str(tmp_path / folder), log_every=1)
        return Trainer(PoolReader, data, config).fit().system

    straight = run(6, "straight")
    expected = ReferencePools(data.references, [], 2, 3)
    assert straight.seen == [rows(expected.draw(k)["non_cs"]) for k in range(6)]
    run(4, "resumed")
    resumed = run(6, "resumed")
    assert resumed.seen == straight.seen[4:]  # the resumed run only did iterations 5 and 6, and drew the same
    assert torch.equal(resumed.net.weight, straight.net.weight)


def test_the_checkpoint_fingerprint_covers_the_pools() -> None:
    images = torch.zeros(4, 1, 2, 2)
    config = TrainerConfig(iterations=1, batch_size=2, device="cpu")

    def key(data: TrainingData) -> str:
        return Trainer(PoolReader, data, config)._fingerprint()

    plain = key(TrainingData(images))
    with_pool = key(TrainingData(images, references={"non_cs": pool(3)}))
    assert len({plain, with_pool, key(TrainingData(images, references={"non_cs": pool(4)})),
                key(TrainingData(images, references={"renamed": pool(3)}))}) == 4
    # without pools the fingerprint covers what it always did (images, labels, extras): old checkpoints resume
    labels = torch.tensor([0, 1, 0, 1])
    assert [t.shape for t in TrainingData(images, labels).fingerprint_tensors()] == [images.shape, labels.shape]
    assert plain == key(TrainingData(images.clone()))
