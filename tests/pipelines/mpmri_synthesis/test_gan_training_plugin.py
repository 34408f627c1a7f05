"""002's synthesizer as a model of the gan_training stage (the route into the prostate_gan report)."""

from __future__ import annotations

from typing import Any

import torch
from matplotlib.figure import Figure

from medsynth_pipeline.augmentation.sets import make_synthetic_sets
from medsynth_pipeline.pipelines.gan_training.nodes import (
    plot_latent_interpolation,
    plot_progress_grid,
    plot_real_vs_synthetic,
    select_training_images,
    train_gan,
)

from .conftest import SPLITS, make_patches


def test_gan_training_trains_the_plug_in_and_augmentation_samples_cs_pairs(test_parameters: dict[str, Any]) -> None:
    mpmri = test_parameters["mpmri_synthesis"]
    model = {
        "name": "mpmri_semi",
        "select": {"split": "train", "rows": {"clin_sig": True}, "channels": ["ADC", "T2W"], "label_column": None},
        "pre_augment": {"copies": 0},
        "system": {"factory": "medsynth_pipeline.training.mpmri_factory:gan_training_system",
                   "kind": "semi_supervised", "architecture": mpmri["architecture"],
                   "settings": {**mpmri["models"]["ours_no_ad"]["settings"], "n_critic": 1}},
        "schedule": {"batch_size": 4, "iterations": 2, "snapshot_fractions": [1.0]},
        "trainer": {"device": "cpu", "checkpoint_dir": None, "log_every": 1},
    }
    patches, metadata = make_patches()
    selected = select_training_images(patches, metadata, model)
    assert selected.images.shape == (SPLITS["train"], 2, 64, 64)
    generator, others, history, snapshots, _ = train_gan(selected, model)
    assert {"D_ADC", "D_T2w", "D_AAE"} <= set(others) and {"L_rec", "W_ADC"} <= set(history.columns)
    assert generator["class_attributes"][0]["clin_sig"] is True and generator["channels"] == ["ADC", "T2W"]
    figures = {"seed": 0, "per_side": 4, "interpolation_steps": 3}
    for figure in (plot_progress_grid(snapshots, selected, figures), plot_real_vs_synthetic(generator, selected, figures),
                   plot_latent_interpolation(generator, figures)):
        assert isinstance(figure, Figure)
    payload, synthetic_metadata = make_synthetic_sets(
        generator, {"per_class": 3, "sets": 2, "seed": 0, "batch_size": 3, "device": "cpu"})
    assert payload["images"].shape == (6, 2, 64, 64) and synthetic_metadata["clin_sig"].all()
    assert torch.isfinite(payload["images"]).all()
