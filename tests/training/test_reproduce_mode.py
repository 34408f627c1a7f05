"""Reproduction mode (``trainer.reproduce``): float32 and deterministic algorithms for the run, then back."""

from __future__ import annotations

from pathlib import Path

import torch

from medsynth_pipeline.training import Trainer, TrainerConfig, TrainingData
from medsynth_pipeline.training.checkpoint import LAST

from .conftest import TINY_KS, factory, weights


def _flags() -> tuple[bool, bool, bool]:
    return (torch.are_deterministic_algorithms_enabled(), torch.backends.cuda.matmul.allow_tf32,
            torch.backends.cudnn.allow_tf32)


def test_reproduce_overrides_amp_and_determinism_for_the_run_only(ks_data: TrainingData) -> None:
    seen: list[tuple[bool, bool, bool]] = []
    before = _flags()
    # fp16 autocast and non-deterministic algorithms asked for: reproduction mode wins (on CPU, fp16 would fail)
    config = TrainerConfig(iterations=2, batch_size=4, device="cpu", amp="fp16", deterministic=False, reproduce=True)
    Trainer(factory(TINY_KS, 3, 16), ks_data, config, callbacks=[lambda done, system: seen.append(_flags())]).fit()
    assert seen and all(flags == (True, False, False) for flags in seen)
    assert _flags() == before


def test_reproduce_mode_gives_the_default_cpu_result_and_its_own_checkpoint_key(
    ks_data: TrainingData, tmp_path: Path
) -> None:
    def run(directory: Path, **extra: object) -> dict[str, torch.Tensor]:
        config = TrainerConfig(iterations=3, batch_size=4, seed=3, device="cpu", checkpoint_dir=str(directory), **extra)
        return weights(Trainer(factory(TINY_KS, 3, 16), ks_data, config).fit().system)

    plain, reproduced = run(tmp_path / "a"), run(tmp_path / "b", reproduce=True)
    assert all(torch.equal(plain[k], reproduced[k]) for k in plain)  # CPU runs are already deterministic float32
    key = {d: torch.load(tmp_path / d / LAST, weights_only=False)["fingerprint"] for d in ("a", "b")}
    assert key["a"] != key["b"]  # a reproduction-mode run never resumes from a mixed-precision checkpoint
