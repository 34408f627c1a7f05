"""The papers' presets in conf/base: their numbers, and that each builds on its patch preset's images."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from medsynth_pipeline.pipelines.gan_training import MODELS
from medsynth_pipeline.training.registry import build_system

from .conftest import load_parameters


@pytest.fixture(scope="module")
def base(project_root: Path) -> dict[str, Any]:
    return load_parameters(project_root, "base")


def test_every_model_has_a_block_in_every_environment(base: dict[str, Any], test_parameters: dict[str, Any],
                                                      project_root: Path) -> None:
    demo = load_parameters(project_root, "demo")
    for params in (base, demo, test_parameters):
        for model in MODELS:
            block = params["gan_training"][model]
            assert block["name"] == model
            assert {"select", "pre_augment", "system", "schedule", "trainer"} <= set(block)


@pytest.mark.parametrize("model", list(MODELS))
def test_preset_builds_on_its_patches(base: dict[str, Any], model: str) -> None:
    block = base["gan_training"][model]
    preset = base["patches"][MODELS[model]]
    assert set(block["select"]["channels"]) <= set(preset["channels"])
    classes = 4 if block["select"]["label_column"] else 0
    system = build_system(block["system"], channels=len(block["select"]["channels"]),
                          image_size=preset["size_px"], num_classes=classes)
    assert system.num_classes == classes
    assert block["trainer"]["checkpoint_dir"].endswith(f"{model}/checkpoints")


def test_paper_numbers(base: dict[str, Any]) -> None:
    p, k, d = (base["gan_training"][m] for m in ("prostategan", "kitchen_seah", "dcgan64"))
    # 000: z = 100 uniform, Adam 2e-4 / 0.5, batch 64, 100 epochs, N(0, 0.02), LeakyReLU 0.2
    assert p["system"]["generator"]["latent_dim"] == 100 and p["system"]["generator"]["latent_distribution"] == "uniform"
    assert p["system"]["optimizer_g"] == {"lr": 0.0002, "beta1": 0.5, "beta2": 0.999} == p["system"]["optimizer_d"]
    assert (p["schedule"]["batch_size"], p["schedule"]["epochs"]) == (64, 100)
    assert p["system"]["generator"]["init"] == "dcgan" and p["system"]["discriminator"]["leaky_slope"] == 0.2
    # 001: z = 25 normal, FC 256, LeakyReLU 0.1, cross-entropy, 15,000 iterations at batch 200, G then D
    assert k["system"]["generator"]["latent_dim"] == 25 and k["system"]["generator"]["fc_features"] == 256
    assert k["system"]["discriminator"]["leaky_slope"] == 0.1 and k["system"]["loss"]["name"] == "minimax"
    assert (k["schedule"]["batch_size"], k["schedule"]["iterations"]) == (200, 15000)
    assert k["system"]["step_order"] == "g_then_d"
    # 003: standard DCGAN, BCE, Adam 2e-4, batch 128
    assert d["system"]["architecture"] == "dcgan" and d["system"]["loss"]["name"] == "non_saturating"
    assert d["schedule"]["batch_size"] == 128 and d["system"]["optimizer_g"]["lr"] == 0.0002
