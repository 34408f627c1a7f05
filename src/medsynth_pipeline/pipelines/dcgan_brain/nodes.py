"""Kedro glue of the 003 reproduction: brain MR images in, the DCGAN 64×64, its Figs. 2 and 3 out."""

from __future__ import annotations

from typing import Any

import pandas as pd
import torch
from matplotlib.figure import Figure

from medsynth_pipeline.models.latent import load_generator
from medsynth_pipeline.reporting.gan_figures import loss_milestones_figure, real_vs_synthetic_figure
from medsynth_pipeline.training.model_training import ModelSpec, train_model
from medsynth_pipeline.training.selection import TrainingSet, from_range, select_training_set


def select_tumour_images(images: dict[str, Any], metadata: pd.DataFrame, model: dict[str, Any]) -> TrainingSet:
    """The images the DCGAN learns from (003: the tumorous ones, ``rows: {is_lesion: true}``), in [0, 1]."""
    return select_training_set(images, metadata, model["select"], source=f"dcgan_brain.{model['name']}")


def train_dcgan(
    training_set: TrainingSet, model: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], pd.DataFrame, pd.DataFrame]:
    """003's DCGAN through the one training entry point: the generator artifact, the discriminator's
    weights, the per-iteration losses and a one-row summary."""
    trained = train_model(ModelSpec.from_params(model, where="dcgan_brain.model"), training_set)
    result, n = trained.result, len(training_set.images)
    summary = pd.DataFrame([{
        "model": model["name"], "device": result.device, "iterations": result.iterations,
        "batch_size": trained.config.batch_size, "training_images": n,
        "epochs": result.iterations * trained.config.batch_size / n,
        "wall_seconds_this_process": round(result.wall_seconds, 2),
        "images_per_second": round(result.images_per_second, 1),
    }])
    return trained.artifact.to_dict(), trained.others, pd.DataFrame(result.history), summary


def plot_loss_milestones(history: pd.DataFrame, model: dict[str, Any]) -> Figure:
    """003 Fig. 2: generator and discriminator losses from the start to each milestone, one panel each. The
    milestones are the schedule's snapshot fractions (003: epochs 1K, 5K, 10K, 20K of 20K)."""
    last = int(history["iteration"].max())
    fractions = model["schedule"]["snapshot_fractions"]
    return loss_milestones_figure(history, [max(1, round(float(f) * last)) for f in fractions],
                                  title=f"{model['name']}: generator vs discriminator loss (003 Fig. 2)")


def plot_real_and_fake(generator: dict[str, Any], training_set: TrainingSet, figures: dict[str, Any]) -> Figure:
    """003 Fig. 3: real tumorous images beside the generator's, after training."""
    n = int(figures["per_side"])
    rng = torch.Generator().manual_seed(int(figures["seed"]))
    pick = torch.randperm(len(training_set.images), generator=rng)[:n]
    fake = from_range(load_generator(generator).generate(len(pick), None, generator=rng), generator["output_range"])
    return real_vs_synthetic_figure(training_set.images[pick], fake, training_set.channels, n)
