"""The DDPM preset: Ho et al. 2020's CIFAR-10 settings, and ProstateGAN's data in every environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from medsynth_pipeline.pipelines.gan_training import MODELS

from .conftest import load_parameters


def test_ddpm_learns_prostategans_patches_and_classes_in_every_environment(project_root: Path) -> None:
    assert MODELS["ddpm"] == MODELS["prostategan"]
    for env in ("base", "demo", "test"):
        models = load_parameters(project_root, env)["gan_training"]
        assert models["ddpm"]["select"] == models["prostategan"]["select"], env
        assert models["ddpm"]["pre_augment"] == models["prostategan"]["pre_augment"], env


def test_paper_scale_numbers(project_root: Path) -> None:
    block: dict[str, Any] = load_parameters(project_root, "base")["gan_training"]["ddpm"]
    system = block["system"]
    # Ho et al. 2020, CIFAR-10 32x32: 128 * (1, 2, 2, 2), 2 res blocks, attention at 16x16, T = 1000 linear
    # 1e-4 -> 0.02, epsilon, Adam 2e-4, batch 128, 800k steps, EMA 0.9999, gradient clip 1
    assert system["unet"]["channels"] == [128, 256, 256, 256] and system["unet"]["num_res_blocks"] == 2
    assert system["unet"]["attention_levels"] == [False, True, False, False]
    assert system["noise"] == {"num_train_timesteps": 1000, "schedule": "linear_beta",
                               "schedule_args": {"beta_start": 0.0001, "beta_end": 0.02},
                               "prediction_type": "epsilon", "clip_sample": True}
    assert system["optimizer"]["lr"] == 0.0002 and system["optimizer"]["grad_clip"] == 1.0
    assert system["ema_decay"] == 0.9999
    assert (block["schedule"]["batch_size"], block["schedule"]["iterations"]) == (128, 800000)
