"""Model selection in the training loop: best generator kept, curve recorded, RNG untouched, resume bitwise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from medsynth_pipeline.training import Trainer, TrainerConfig, TrainingData
from medsynth_pipeline.training.model_selection import ModelSelector, sample_scorer

from .conftest import TINY_KS, assert_same_weights, factory


class Crash(RuntimeError):
    pass


def test_keeps_the_best_generator_not_the_last(ks_data: TrainingData) -> None:
    seen: dict[int, dict[str, torch.Tensor]] = {}

    def scorer(system) -> float:
        it = len(seen) * 2 + 2
        seen[it] = {k: v.clone() for k, v in system.export_generator()["state_dict"].items()}
        return {2: 0.9, 4: 0.6, 6: 0.8}[it]

    selector = ModelSelector(scorer, every=2, metric="c2st")
    result = Trainer(factory(TINY_KS, 3, 16), ks_data, TrainerConfig(iterations=6, batch_size=8, seed=1),
                     selector=selector).fit()
    assert result.selection.curve == [(2, 0.9), (4, 0.6), (6, 0.8)]
    assert result.selection.best_iteration == 4 and result.selection.best_score == 0.6
    best = result.selection.best_generator["state_dict"]
    assert all(torch.equal(best[k], seen[4][k]) for k in best)
    final = result.system.export_generator()["state_dict"]
    assert any(not torch.equal(best[k], final[k]) for k in best)


def test_direction_max_and_bad_direction() -> None:
    selector = ModelSelector(lambda s: 0.0, direction="max")
    assert selector._better(1.0) and not ModelSelector(lambda s: 0.0)._better(float("nan"))
    with pytest.raises(ValueError, match="direction"):
        ModelSelector(lambda s: 0.0, direction="lower")


def test_scoring_does_not_change_training(ks_data: TrainingData) -> None:
    def noisy(system) -> float:  # draws from every global RNG: the loop must restore them
        torch.rand(10), np.random.rand(3)
        return float(torch.rand(1))

    cfg = TrainerConfig(iterations=5, batch_size=8, seed=2, diffaugment="translation,cutout")
    plain = Trainer(factory(TINY_KS, 3, 16), ks_data, cfg).fit()
    scored = Trainer(factory(TINY_KS, 3, 16), ks_data, cfg, selector=ModelSelector(noisy, every=1)).fit()
    assert_same_weights(plain.system, scored.system)
    assert len(scored.selection.curve) == 5


def test_resume_continues_the_selection_bitwise(ks_data: TrainingData, tmp_path: Path) -> None:
    real = (torch.rand(12, 3, 16, 16, generator=torch.Generator().manual_seed(0))).numpy()

    def metric(a: np.ndarray, b: np.ndarray) -> float:
        return float(abs(a.mean() - b.mean()))

    def selector() -> ModelSelector:
        return ModelSelector(sample_scorer(real, metric, (0.0, 1.0), 6, seed=5), every=2, metric="gap")

    def config(directory: Path | None) -> TrainerConfig:
        return TrainerConfig(iterations=8, batch_size=8, seed=3, checkpoint_dir=str(directory) if directory else None,
                             checkpoint_every=4)

    reference = Trainer(factory(TINY_KS, 3, 16), ks_data, config(None), selector=selector()).fit()

    def crash(done: int, system) -> None:
        if done == 6:
            raise Crash

    with pytest.raises(Crash):
        Trainer(factory(TINY_KS, 3, 16), ks_data, config(tmp_path), selector=selector(), callbacks=[crash]).fit()
    resumed = Trainer(factory(TINY_KS, 3, 16), ks_data, config(tmp_path), selector=selector()).fit()
    assert resumed.resumed_from == 4
    assert resumed.selection.curve == reference.selection.curve
    assert resumed.selection.best_iteration == reference.selection.best_iteration
    ref, res = reference.selection.best_generator["state_dict"], resumed.selection.best_generator["state_dict"]
    assert all(torch.equal(ref[k], res[k]) for k in ref)


def test_sample_scorer_generates_the_class_mix() -> None:
    class Stub:
        def sample_latent(self, n, generator=None):
            return torch.zeros(n, 2)

        def sample(self, z, labels=None):
            self.labels = labels
            return torch.zeros(len(z), 1, 4, 4)

    stub = Stub()
    score = sample_scorer(np.zeros((3, 1, 4, 4)), lambda a, b: float(len(b)), (0.0, 1.0), 6,
                          labels=torch.tensor([0, 1, 1]))
    assert score(stub) == 6.0
    assert sorted(stub.labels.tolist()) == [0, 0, 1, 1, 1, 1]  # the validation mix, twice


def test_a_finished_run_resumed_with_selection_on_scores_its_last_iterate(ks_data: TrainingData,
                                                                          tmp_path: Path) -> None:
    config = TrainerConfig(iterations=4, batch_size=8, seed=3, checkpoint_dir=str(tmp_path), checkpoint_every=2)
    Trainer(factory(TINY_KS, 3, 16), ks_data, config).fit()  # selection off: the checkpoint has no curve
    resumed = Trainer(factory(TINY_KS, 3, 16), ks_data, config,
                      selector=ModelSelector(lambda system: 0.7, every=2, metric="c2st")).fit()
    assert resumed.resumed_from == 4 and resumed.iterations == 4  # nothing left to train
    assert resumed.selection.curve == [(4, 0.7)] and resumed.selection.best_iteration == 4
    assert resumed.selection.best_generator is not None
