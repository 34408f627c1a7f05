"""Augmentation: per GAN model ``augmentation.<model>``: synthetic sets from its generator, classical copies
of its patch preset's training split, and a sample figure. Models and presets: ``study_names.MODELS``."""

from __future__ import annotations

from typing import Any

from kedro.pipeline import Node, Pipeline

from medsynth_pipeline.augmentation.sets import make_classical_set, make_synthetic_sets
from medsynth_pipeline.pipelines.augmentation.nodes import plot_synthetic_samples
from medsynth_pipeline.study_names import MODELS


def model_template() -> Pipeline:
    return Pipeline(
        [
            Node(make_synthetic_sets, ["generator", "params:synthetic"], ["synthetic_images", "synthetic_metadata"],
                 name="make_synthetic_sets"),
            Node(make_classical_set, ["patches", "patch_metadata", "params:classical"],
                 ["classical_images", "classical_metadata"], name="make_classical_set"),
            Node(plot_synthetic_samples, ["synthetic_images", "synthetic_metadata", "params:figure"],
                 "synthetic_samples", name="plot_synthetic_samples"),
        ]
    )


def model_pipeline(model: str, preset: str) -> Pipeline:
    return Pipeline(
        model_template(),
        namespace=f"augmentation.{model}",
        inputs={
            "generator": f"gan_training.{model}.generator",
            "patches": f"patches.{preset}.patches",
            "patch_metadata": f"patches.{preset}.patch_metadata",
        },
        parameters={
            "params:synthetic": "params:augmentation.synthetic",
            "params:classical": "params:augmentation.classical",
            "params:figure": "params:augmentation.figure",
        },
    )


def create_pipeline(**kwargs: Any) -> Pipeline:
    return sum((model_pipeline(m, p) for m, p in MODELS.items()), Pipeline([]))
