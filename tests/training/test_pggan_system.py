"""PGGAN on the shared training loop: growing through every phase, resume inside a phase, optimiser resets."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from medsynth_pipeline.models.latent import load_generator
from medsynth_pipeline.models.pggan_layers import downscale2d, upscale2d
from medsynth_pipeline.training import Trainer, TrainerConfig, TrainingData
from medsynth_pipeline.training.checkpoint import load_checkpoint
from medsynth_pipeline.training.pggan_system import (
    PGGenerativeSystem,
    PhaseCheckpoints,
    build_pggan,
    real_images_at,
)

SPEC = {
    "factory": "medsynth_pipeline.training.pggan_system:build_pggan",
    "architecture": {"latent_dim": 8, "fmap_base": 16, "fmap_max": 8, "mbstd_group_size": 2},
    "schedule": {"unit": "images", "fade": 12, "stable": 8, "batch_size": {"4": 4, "8": 2}},
    "optimizer": {"lr": 1e-3, "beta1": 0.0, "beta2": 0.99, "eps": 1e-8},
    "loss": {"gp_weight": 10.0, "drift_weight": 0.001},
    "ema_half_life_images": 100.0,
}


def _data(n: int = 12, size: int = 8, labels: bool = False) -> TrainingData:
    g = torch.Generator().manual_seed(5)
    images = torch.rand(n, 1, size, size, generator=g) * 2 - 1
    return TrainingData(images, torch.arange(n) % 2 if labels else None)


def _system(num_classes: int = 0, spec: dict | None = None) -> PGGenerativeSystem:
    return build_pggan(spec or SPEC, channels=1, image_size=8, num_classes=num_classes)


def _trainer(iterations: int, checkpoint_dir: Path | None = None, **kwargs) -> Trainer:
    schedule = _system().schedule
    config = TrainerConfig(
        iterations=iterations, batch_size=schedule.max_batch_size, seed=3, device="cpu",
        checkpoint_dir=None if checkpoint_dir is None else str(checkpoint_dir), log_every=1,
        snapshot_iterations=schedule.phase_ends, identity=SPEC,
    )
    return Trainer(_system, _data(), config, **kwargs)


def test_real_images_follow_the_networks_fade() -> None:
    images = torch.rand(3, 1, 16, 16)
    at8 = downscale2d(images)
    assert torch.allclose(real_images_at(images, 8, 1.0), at8)
    assert torch.allclose(real_images_at(images, 8, 0.0), upscale2d(downscale2d(at8)))
    assert torch.equal(real_images_at(images, 16, 1.0), images)
    with pytest.raises(ValueError, match="cannot bring"):
        real_images_at(images, 32, 1.0)


def test_training_grows_through_every_resolution(tmp_path: Path) -> None:
    schedule = _system().schedule
    assert schedule.describe() == [
        {"resolution": 4, "batch_size": 4, "fade_iterations": 0, "stable_iterations": 2, "start": 0, "end": 2},
        {"resolution": 8, "batch_size": 2, "fade_iterations": 6, "stable_iterations": 4, "start": 2, "end": 12},
    ]
    phases = PhaseCheckpoints(schedule, tmp_path / "phases")
    result = _trainer(schedule.total_iterations, callbacks=[phases]).fit()
    resolutions = [row["resolution"] for row in result.history]
    alphas = [row["alpha"] for row in result.history]
    assert resolutions == [4.0] * 2 + [8.0] * 10
    assert alphas[2:8] == pytest.approx([0, 1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6]) and alphas[8:] == [1.0] * 4
    assert all(torch.isfinite(torch.tensor([row["loss_D"], row["loss_G"]])).all() for row in result.history)
    # one image grid per phase, at that phase's resolution
    assert result.snapshots[2].shape[-2:] == (4, 4) and result.snapshots[12].shape[-2:] == (8, 8)
    for res in (4, 8):
        saved = load_checkpoint(phases.path_for(res))
        assert saved["resolution"] == res
        assert load_generator(saved["generator"])(torch.randn(2, 8)).shape == (2, 1, 8, 8)
    artifact = result.system.export_generator()
    assert artifact["trained_resolution"] == 8
    g = load_generator(artifact)
    assert torch.equal(g(torch.zeros(1, 8)), result.system.G_ema(torch.zeros(1, 8)))


def test_resume_inside_a_phase_reproduces_the_uninterrupted_run(tmp_path: Path) -> None:
    total = _system().schedule.total_iterations
    straight = _trainer(total).fit().system
    interrupted = tmp_path / "ckpt"
    first = _trainer(5, interrupted).fit()  # stops in the middle of the 8×8 fade-in (iterations 2..7)
    assert first.system.state.fading and 0 < first.system.state.alpha < 1
    resumed = _trainer(total, interrupted).fit()
    assert resumed.resumed_from == 5 and resumed.iterations == total
    for name in ("G", "D", "G_ema"):
        a, b = straight.networks()[name].state_dict(), resumed.system.networks()[name].state_dict()
        assert all(torch.equal(a[k], b[k]) for k in a), f"{name} differs after resuming"
    assert [r["alpha"] for r in resumed.history] == [r["alpha"] for r in _trainer(total).fit().history]


def test_optimizer_state_resets_when_a_fade_in_or_stabilisation_starts() -> None:
    system = _system()
    spec_no_reset = {**SPEC, "reset_optimizer_per_phase": False}
    keeper = _system(spec=spec_no_reset)
    trainer = Trainer(lambda: system, _data(), TrainerConfig(iterations=2, batch_size=4, device="cpu"))
    trainer.fit()
    assert system.opt_g.state and system.opt_d.state
    system.begin_iteration(2, 12)  # the 8×8 fade-in starts
    assert not system.opt_g.state and not system.opt_d.state
    Trainer(lambda: keeper, _data(), TrainerConfig(iterations=2, batch_size=4, device="cpu")).fit()
    keeper.begin_iteration(2, 12)
    assert keeper.opt_g.state


def test_conditional_pggan_learns_class_logits() -> None:
    system = _system(num_classes=2)
    config = TrainerConfig(iterations=3, batch_size=4, device="cpu", seed=1, log_every=1)
    result = Trainer(lambda: system, _data(labels=True), config).fit()
    assert "loss_D_class" in result.history[-1] and result.history[-1]["loss_D_class"] > 0
    assert result.fixed_labels is not None
    images = system.sample(system.sample_latent(2), torch.tensor([0, 1]))
    assert images.shape == (2, 1, 8, 8) and images.abs().max() <= 1.0  # iteration 2: the 8×8 fade-in
    with pytest.raises(ValueError, match="without labels"):
        Trainer(lambda: _system(num_classes=2), _data(), config).fit()


def test_build_rejects_a_schedule_that_does_not_fit_the_images() -> None:
    with pytest.raises(ValueError, match="power of two"):
        build_pggan(SPEC, channels=1, image_size=12, num_classes=0)
