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


def test_mpmri_semi_is_002s_full_method_in_every_environment(base: dict[str, Any], test_parameters: dict[str, Any],
                                                              project_root: Path) -> None:
    m = base["gan_training"]["mpmri_semi"]
    settings, arch = m["system"]["settings"], m["system"]["architecture"]
    # 002: 128-d codes, 2F32a StitchLayer kept, auxiliary distance on (beta > 0), WGAN-GP lambda 10, n_critic 5
    assert arch["latent_dim"] == 128 and arch["decoder"]["blocks"] == 2
    assert settings["beta"] > 0 and settings["alpha"] > 0 and settings["supervised"] and settings["unsupervised"]
    assert (settings["lambda_adc"], settings["lambda_t2w"], settings["n_critic"]) == (10.0, 10.0, 5)
    assert m["select"] == {"split": "train", "rows": {"clin_sig": True}, "channels": ["ADC", "T2W"],
                           "label_column": None, "min_per_class": 1}
    assert m["references"] == {"non_cs": {"rows": {"clin_sig": False}}}
    # one definition: each environment's block resolves to that environment's mpmri_synthesis preset
    for params in (base, load_parameters(project_root, "demo"), test_parameters):
        block, preset = params["gan_training"]["mpmri_semi"], params["mpmri_synthesis"]
        assert block["system"]["architecture"] == preset["architecture"]
        assert block["system"]["settings"] == preset["models"]["ours_ad"]["settings"]
