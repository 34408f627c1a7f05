"""Synthetic sets: conditional sampling gives the requested classes; sets are balanced, seeded, in [0, 1]."""

from __future__ import annotations

import pytest
import torch

from medsynth_pipeline.augmentation.synthetic import generate_synthetic_sets
from medsynth_pipeline.models.kitchen_seah import KitchenSeahGenerator
from medsynth_pipeline.training import Trainer, TrainerConfig, TrainingData
from medsynth_pipeline.training.registry import build_system

from ..torch_threads import torch_threads

SPEC = {
    "architecture": "prostategan",
    "generator": {"latent_dim": 8, "embedding_dim": 4, "width": 8},
    "discriminator": {"width": 8},
    "optimizer_g": {"lr": 0.002, "beta1": 0.5},
    "optimizer_d": {"lr": 0.002, "beta1": 0.5},
}


@pytest.fixture(scope="module")
def dark_and_bright_generator() -> dict:
    """A conditional generator trained on class 0 = dark images, class 1 = bright images."""
    gen = torch.Generator().manual_seed(0)
    labels = torch.arange(64) % 2
    images = ((labels.float() * 1.4 - 0.7).view(-1, 1, 1, 1) + 0.1 * torch.randn(64, 1, 32, 32, generator=gen)).clamp(-1, 1)
    with torch_threads(1):  # module fixtures are set up before the function-scoped one_cpu_thread
        result = Trainer(lambda: build_system(SPEC, channels=1, image_size=32, num_classes=2),
                         TrainingData(images, labels), TrainerConfig(iterations=80, batch_size=32)).fit()
    return result.system.export_generator() | {
        "model": "toy", "class_values": [6, 7],
        "class_attributes": [{"clin_sig": False, "gleason_sum": 6}, {"clin_sig": True, "gleason_sum": 7}],
    }


def test_conditional_sampling_returns_requested_classes(dark_and_bright_generator: dict) -> None:
    images, meta = generate_synthetic_sets(dark_and_bright_generator, per_class=20, n_sets=2, seed=5, model_name="toy")
    assert images.shape == (2 * 2 * 20, 1, 32, 32)
    assert images.min() >= 0 and images.max() <= 1
    assert meta.groupby(["set_index", "gleason_sum"]).size().tolist() == [20, 20, 20, 20]  # balanced
    assert meta["is_synthetic"].all() and (meta["source_model"] == "toy").all()
    assert meta["seed"].unique().tolist() == [5, 6]
    assert (meta["clin_sig"] == (meta["gleason_sum"] == 7)).all()
    # The images of the requested class look like that class: class 1 was trained bright, class 0 dark.
    bright = images[torch.as_tensor((meta["class_index"] == 1).to_numpy())].mean()
    dark = images[torch.as_tensor((meta["class_index"] == 0).to_numpy())].mean()
    assert bright > 0.6 and dark < 0.4


def test_sets_are_seeded_and_differ(dark_and_bright_generator: dict) -> None:
    a, _ = generate_synthetic_sets(dark_and_bright_generator, per_class=4, n_sets=2, seed=1)
    b, _ = generate_synthetic_sets(dark_and_bright_generator, per_class=4, n_sets=2, seed=1)
    assert torch.equal(a, b)
    assert not torch.equal(a[:8], a[8:])  # set 0 and set 1 differ


def test_unconditional_generator_is_one_class() -> None:
    g = KitchenSeahGenerator(output_activation="tanh")
    artifact = g.export() | {"class_attributes": [{"is_lesion": True, "clin_sig": True}]}
    images, meta = generate_synthetic_sets(artifact, per_class=5, n_sets=3, seed=0, batch_size=2)
    assert images.shape == (15, 3, 16, 16)
    assert meta["clin_sig"].all() and (meta["class_index"] == -1).all()
    assert meta["gleason_score"].isna().all()  # not a property of the class: left missing
    with pytest.raises(ValueError, match="per_class"):
        generate_synthetic_sets(artifact, per_class=0, n_sets=1, seed=0)
