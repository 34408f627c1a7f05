"""The class-conditional DDPM on the one loop: it learns the classes, resumes bitwise, samples deterministically."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from medsynth_pipeline.augmentation.synthetic import generate_synthetic_sets
from medsynth_pipeline.models.diffusion import DiffusionGenerator
from medsynth_pipeline.models.latent import load_generator
from medsynth_pipeline.training import Trainer, TrainerConfig, TrainingData
from medsynth_pipeline.training.diffusion_system import DiffusionSystem, build_diffusion

from .conftest import assert_same_weights, factory

FACTORY = "medsynth_pipeline.training.diffusion_system:build_diffusion"
# Two 8-channel levels at 8×8: the cheapest U-Net MONAI builds (its middle block always has attention).
TINY_DDPM: dict[str, Any] = {
    "factory": FACTORY,
    "unet": {"channels": [8, 16], "attention_levels": [False, False], "num_res_blocks": 1,
             "num_head_channels": 16, "norm_num_groups": 8},
    "noise": {"prediction_type": "v_prediction"},
    "sampling_steps": 10,
    "optimizer": {"lr": 0.002},
    "ema_decay": 0.99,
}


def two_levels(n: int = 128, size: int = 8) -> TrainingData:
    """Class 0 dark (-0.6), class 1 bright (+0.6), plus pixel noise: separable by the mean alone."""
    gen = torch.Generator().manual_seed(0)
    labels = torch.arange(n) % 2
    images = torch.where(labels.view(-1, 1, 1, 1) == 1, 0.6, -0.6) + 0.1 * torch.randn(n, 1, size, size, generator=gen)
    return TrainingData(images, labels)


def fit(iterations: int, checkpoint_dir: Path | None = None, spec: dict[str, Any] = TINY_DDPM) -> DiffusionSystem:
    config = TrainerConfig(iterations=iterations, batch_size=16, seed=3, device="cpu", log_every=5,
                           checkpoint_dir=None if checkpoint_dir is None else str(checkpoint_dir))
    result = Trainer(factory(spec, 1, 8, 2), two_levels(), config).fit()
    assert isinstance(result.system, DiffusionSystem)
    return result.system


@pytest.fixture(scope="module")
def trained() -> DiffusionSystem:
    return fit(150)


def test_samples_follow_their_labels(trained: DiffusionSystem) -> None:
    z = trained.sample_latent(16, torch.Generator().manual_seed(1))
    labels = torch.arange(16) % 2
    means = trained.sample(z, labels).mean(dim=(1, 2, 3))
    assert (means[labels == 0] < -0.3).all() and (means[labels == 1] > 0.3).all(), means.tolist()
    # the label, not the noise, decides: the same x_T with the other label gives the other class
    flipped = trained.sample(z, 1 - labels).mean(dim=(1, 2, 3))
    assert (torch.sign(flipped) == -torch.sign(means)).all(), flipped.tolist()


def test_sampling_is_deterministic_and_the_export_reproduces_it(trained: DiffusionSystem) -> None:
    labels = torch.tensor([0, 1, 1, 0])
    z = trained.sample_latent(4, torch.Generator().manual_seed(5))
    again = trained.sample_latent(4, torch.Generator().manual_seed(5))
    assert torch.equal(z, again)
    first = trained.sample(z, labels)
    assert torch.equal(first, trained.sample(z, labels))
    other = trained.sample(trained.sample_latent(4, torch.Generator().manual_seed(6)), labels)
    assert not torch.equal(first, other)
    generator = load_generator(trained.export_generator())
    assert isinstance(generator, DiffusionGenerator) and generator.sampling_steps == 10
    assert torch.equal(generator(z, labels), first)  # the artifact holds the EMA weights sampling used


def test_augmentation_stage_draws_per_class_sets(trained: DiffusionSystem) -> None:
    artifact = trained.export_generator() | {"class_attributes": [{"clin_sig": False}, {"clin_sig": True}]}
    images, metadata = generate_synthetic_sets(artifact, per_class=3, n_sets=2, seed=10, model_name="ddpm")
    assert images.shape == (12, 1, 8, 8) and images.min() >= 0 and images.max() <= 1
    again, _ = generate_synthetic_sets(artifact, per_class=3, n_sets=2, seed=10, model_name="ddpm")
    assert torch.equal(images, again)
    bright_rows = torch.tensor(metadata["clin_sig"].astype(bool).tolist())
    means = images.mean(dim=(1, 2, 3))
    bright, dark = means[bright_rows], means[~bright_rows]
    assert bright.min() > dark.max()


def test_ema_is_the_generator_and_differs_from_the_trained_denoiser(trained: DiffusionSystem) -> None:
    networks = trained.networks()
    assert set(networks) == {"G", "denoiser"} and set(trained.optimizers()) == {"denoiser"}
    assert not any(p.requires_grad for p in networks["G"].parameters())
    ema, live = networks["G"].state_dict(), networks["denoiser"].state_dict()
    assert any(not torch.equal(ema[k], live[k]) for k in ema)


def test_resume_is_bitwise_on_cpu(tmp_path: Path) -> None:
    straight = fit(8, tmp_path / "straight")
    fit(4, tmp_path / "resumed")
    resumed = fit(8, tmp_path / "resumed")  # continues from the iteration-4 checkpoint
    assert_same_weights(straight, resumed)  # the denoiser and its EMA
    a, b = straight.opt.state_dict()["state"], resumed.opt.state_dict()["state"]
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k][name], b[k][name]) for k in a for name in ("exp_avg", "exp_avg_sq"))


def test_bad_settings_fail_with_the_reason() -> None:
    with pytest.raises(ValueError, match="unknown keys"):
        build_diffusion({**TINY_DDPM, "generator": {}}, channels=1, image_size=8, num_classes=2)
    with pytest.raises(ValueError, match="follow from the data"):
        build_diffusion({**TINY_DDPM, "unet": {**TINY_DDPM["unet"], "in_channels": 3}}, channels=1, image_size=8,
                        num_classes=2)
    with pytest.raises(ValueError, match="sampling_steps"):
        build_diffusion({**TINY_DDPM, "sampling_steps": 0}, channels=1, image_size=8, num_classes=2)
    with pytest.raises(ValueError, match="divisible"):
        build_diffusion(TINY_DDPM, channels=1, image_size=9, num_classes=2)
    with pytest.raises(ValueError, match="prediction_type"):
        build_diffusion({**TINY_DDPM, "noise": {"prediction_type": "score"}}, channels=1, image_size=8, num_classes=2)
    generator = build_diffusion(TINY_DDPM, channels=1, image_size=8, num_classes=2).export_generator()
    assert generator["num_classes"] == 2
    with pytest.raises(ValueError, match="conditional"):
        load_generator(generator).generate(2)
