"""GAN training: one modular pipeline, one namespaced instance ``gan_training.<model>`` per model.

``MODELS`` maps each model to the patch preset it learns from; its settings are ``gan_training.<model>`` in
parameters_gan_training.yml (the papers' presets), its datasets ``gan_training.<model>.*`` (catalog
patterns). Train a subset with ``kedro run --pipelines=gan_training --namespaces=gan_training.<model>``.
Adding a model (another preset, a per-class generator, a plug-in system) = one entry here + one block there.
A block's optional ``references`` names extra real image pools (training split) its system draws from; its
``selection`` (model_selection.py) scores snapshots on the validation split and exports the best one.
"""

from __future__ import annotations

from typing import Any

from kedro.pipeline import Node, Pipeline

from medsynth_pipeline.pipelines.gan_training.model_selection import (
    plot_selection_curve,
    select_validation_pool,
    selection_curve,
)
from medsynth_pipeline.pipelines.gan_training.nodes import (
    plot_latent_interpolation,
    plot_loss_curves,
    plot_progress_grid,
    plot_real_vs_synthetic,
    pre_augment,
    select_reference_pools,
    select_training_images,
    train_gan,
)
from medsynth_pipeline.study_names import MODELS


def model_template() -> Pipeline:
    """The per-model pipeline before namespacing."""
    return Pipeline(
        [
            Node(select_training_images, ["patches", "patch_metadata", "params:model"], "selected_images",
                 name="select_training_images"),
            Node(pre_augment, ["selected_images", "params:model"], "training_images", name="pre_augment"),
            Node(select_reference_pools, ["patches", "patch_metadata", "params:model"], "reference_pools",
                 name="select_reference_pools"),
            # {} when the model's selection is off; else the real patches of selection.split
            Node(select_validation_pool, ["patches", "patch_metadata", "params:model"], "validation_pool",
                 name="select_validation_pool"),
            Node(
                train_gan,
                ["training_images", "params:model", "reference_pools", "validation_pool"],
                ["generator", "discriminator", "training_history", "training_snapshots", "training_summary"],
                name="train_gan",
            ),
            Node(selection_curve, "generator", "selection_curve", name="selection_curve"),
            Node(plot_selection_curve, ["selection_curve", "params:model"], "selection_curve_figure",
                 name="plot_selection_curve"),
            Node(plot_progress_grid, ["training_snapshots", "selected_images", "params:figures"], "progress_grid",
                 name="plot_progress_grid"),
            Node(plot_loss_curves, ["training_history", "params:model"], "loss_curves", name="plot_loss_curves"),
            Node(plot_real_vs_synthetic, ["generator", "selected_images", "params:figures"], "real_vs_synthetic",
                 name="plot_real_vs_synthetic"),
            Node(plot_latent_interpolation, ["generator", "params:figures"], "latent_interpolation",
                 name="plot_latent_interpolation"),
        ]
    )


def model_pipeline(model: str, preset: str) -> Pipeline:
    return Pipeline(
        model_template(),
        namespace=f"gan_training.{model}",
        inputs={"patches": f"patches.{preset}.patches", "patch_metadata": f"patches.{preset}.patch_metadata"},
        parameters={"params:model": f"params:gan_training.{model}", "params:figures": "params:gan_training.figures"},
    )


def create_pipeline(**kwargs: Any) -> Pipeline:
    return sum((model_pipeline(m, p) for m, p in MODELS.items()), Pipeline([]))
