"""Kedro glue for GAN training: select the patches, train with the one loop, draw the papers' figures."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
import torch
from matplotlib.figure import Figure

from medsynth_pipeline.augmentation.classical import ClassicalAugmentation, augment_images
from medsynth_pipeline.models.latent import interpolate_latents, load_generator
from medsynth_pipeline.pipelines.gan_training.model_selection import (
    build_selector,
    selection_record,
    selection_settings,
)
from medsynth_pipeline.reporting.gan_figures import (
    interpolation_figure,
    loss_curves_figure,
    progress_grid_figure,
    real_vs_synthetic_figure,
)
from medsynth_pipeline.training.model_training import ModelSpec, train_model
from medsynth_pipeline.training.selection import TrainingSet, from_range, select_training_set

logger = logging.getLogger(__name__)


def select_training_images(patches: dict[str, Any], patch_metadata: pd.DataFrame, params: dict[str, Any]) -> TrainingSet:
    """The real patches this model learns from (split, filters, channels, class labels), in [0, 1]."""
    return select_training_set(patches, patch_metadata, params["select"], source=f"gan_training.{params['name']}")


def select_reference_pools(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, params: dict[str, Any]
) -> dict[str, torch.Tensor]:
    """The extra real image pools the model's system draws from besides its batches (``references``: name ->
    ``{rows: {...}}``, e.g. 002's real nonCS pairs for C_ADC / C_T2w), in [0, 1], with the model's channels.

    Pools come from the training split only: whatever the model's own selection, no validation or test
    patient may reach training through them (checked by patient, too).
    """
    name, pools = params["name"], {}
    for pool, spec in (params.get("references") or {}).items():
        spec = dict(spec or {})
        if spec.get("split", "train") != "train" or set(spec) - {"split", "rows"}:
            raise ValueError(f"gan_training.{name}.references.{pool}: a pool takes `rows` filters only and is drawn "
                             f"from the training split (got {spec})")
        select = {"split": "train", "rows": spec.get("rows") or {}, "channels": params["select"].get("channels"),
                  "label_column": None}
        chosen = select_training_set(patches, patch_metadata, select, source=f"gan_training.{name}/{pool}")
        held_out = set(patch_metadata.loc[(patch_metadata["split"].astype(str) != "train").to_numpy(), "patient_id"]
                       .astype(str))
        leaked = sorted(set(chosen.metadata["patient_id"].astype(str)) & held_out)
        if leaked:
            raise ValueError(f"gan_training.{name}.references.{pool}: patients {leaked} also have validation/test "
                             "patches: the patch splits are not patient-level")
        pools[pool] = chosen.images
    return pools


def pre_augment(training_set: TrainingSet, params: dict[str, Any]) -> TrainingSet:
    """Add ``copies`` classically augmented versions of every image before training (ProstateGAN: "first
    augmented by rotating, normalizing, and flipping"); ``copies: 0`` keeps the set as it is."""
    spec = dict(params.get("pre_augment") or {})
    copies = int(spec.pop("copies", 0))
    seed = int(spec.pop("seed", 0))
    if copies == 0:
        return training_set
    extra, source = augment_images(training_set.images, ClassicalAugmentation.from_params(spec), copies, seed)
    labels = training_set.labels
    logger.info("%s: %d images + %d classically augmented copies", params["name"], len(training_set.images), len(extra))
    return TrainingSet(
        images=torch.cat([training_set.images, extra]),
        labels=None if labels is None else torch.cat([labels, labels[torch.as_tensor(source)]]),
        label_column=training_set.label_column, class_values=training_set.class_values,
        class_attributes=training_set.class_attributes, channels=training_set.channels,
        spacing_mm=training_set.spacing_mm, metadata=training_set.metadata,
    )


def train_gan(
    training_set: TrainingSet, params: dict[str, Any], reference_pools: dict[str, torch.Tensor] | None = None,
    validation_pool: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any], pd.DataFrame, dict[str, Any], pd.DataFrame]:
    """Train the model described by ``params`` (``training.model_training`` preset: system, schedule,
    trainer) on the selected images and, for a system that draws from reference pools
    (``select_reference_pools``), those pools.

    With ``selection`` on, the loop scores the generator on ``validation_pool`` (``select_validation_pool``)
    and the artifact is the best-scoring snapshot's generator, not the last (``artifact["selection"]``: metric,
    best iteration and score, the curve). Returns the generator artifact (weights + how to rebuild + what its
    classes mean), the other networks' state_dicts (last iterate), the per-iteration history, the fixed-noise
    snapshots and a one-row run summary.
    """
    spec = ModelSpec.from_params(params, where=f"gan_training.{params['name']}")
    pools = dict(reference_pools or {})
    selection = selection_settings(params)

    def selector(output_range: tuple[float, float], iterations: int) -> Any:
        return None if selection is None else build_selector(selection, dict(validation_pool or {}), training_set,
                                                             output_range, iterations, spec.name)

    trained = train_model(
        spec, training_set, references=pools, selector=selector,
        identity={k: params.get(k) for k in ("system", "select", "pre_augment")} | {"batch_size": spec.schedule.batch_size},
    )
    result, n, batch_size = trained.result, len(training_set.images), trained.config.batch_size
    record = None if selection is None else selection_record(result.selection, selection, dict(validation_pool))
    trained.artifact.extra = {
        # who the generator learnt from: the classifier studies refuse its images for a fold testing one of them
        "training_patients": None if training_set.metadata is None
        else sorted(set(training_set.metadata["patient_id"].astype(str))),
        # reference pools come from the training split only (select_reference_pools checks it by patient)
        "reference_pools_split": "train" if pools else None,
    } | ({} if record is None else {"selection": record})
    snapshots = {
        "iterations": sorted(result.snapshots),
        "images": torch.stack([from_range(result.snapshots[i], trained.output_range) for i in sorted(result.snapshots)])
        if result.snapshots else torch.empty(0),
        "fixed_labels": result.fixed_labels,
        "epochs_per_iteration": batch_size / n,
    }
    summary = pd.DataFrame([{
        "model": spec.name, "device": result.device, "iterations": result.iterations, "batch_size": batch_size,
        "training_images": n, **{f"reference_images_{k}": len(v) for k, v in pools.items()},
        "epochs": result.iterations * batch_size / n, "resumed_from": result.resumed_from,
        "wall_seconds_this_process": round(result.wall_seconds, 2), "images_per_second": round(result.images_per_second, 1),
        **{f"final_{k}": v for k, v in (result.history[-1] if result.history else {}).items() if k != "iteration"},
        **({} if record is None else {f"selection_{k}": record[k] for k in ("metric", "best_iteration", "best_score")}),
    }])
    return trained.artifact.to_dict(), trained.others, pd.DataFrame(result.history), snapshots, summary


def _class_name(training_set: TrainingSet, index: int) -> str:
    return f"{training_set.label_column} {training_set.class_values[index]}"


def plot_progress_grid(snapshots: dict[str, Any], training_set: TrainingSet, params: dict[str, Any]) -> Figure:
    """ProstateGAN Fig. 2 for any model: milestones as columns, classes (or fixed latents) as rows."""
    images = snapshots["images"]
    by_iteration = {it: images[k] for k, it in enumerate(snapshots["iterations"])}
    labels = snapshots["fixed_labels"]
    rows = images.shape[1] if len(images) else 0
    if labels is not None:
        names = [_class_name(training_set, int(c)) for c in labels]
        real = torch.stack([training_set.images[(training_set.labels == c).nonzero()[0, 0]] for c in labels])
    else:
        names = [f"z{r}" for r in range(rows)]
        gen = torch.Generator().manual_seed(int(params["seed"]))
        real = training_set.images[torch.randperm(len(training_set.images), generator=gen)[:rows]]
    return progress_grid_figure(by_iteration, real, names, snapshots["epochs_per_iteration"], 0,
                                training_set.channels[0] if training_set.channels else "")


def plot_loss_curves(history: pd.DataFrame, params: dict[str, Any]) -> Figure:
    return loss_curves_figure(history, title=params["name"])


def plot_real_vs_synthetic(generator: dict[str, Any], training_set: TrainingSet, params: dict[str, Any]) -> Figure:
    """Kitchen & Seah Fig. 4 for any model: real and synthetic patches, every channel."""
    n = int(params["per_side"])
    gen = torch.Generator().manual_seed(int(params["seed"]))
    model = load_generator(generator)
    pick = torch.randperm(len(training_set.images), generator=gen)[:n]
    labels = None if training_set.labels is None else training_set.labels[pick]
    fake = from_range(model.generate(len(pick), labels, generator=gen), generator["output_range"])
    return real_vs_synthetic_figure(training_set.images[pick], fake, training_set.channels, n)


def plot_latent_interpolation(generator: dict[str, Any], params: dict[str, Any]) -> Figure:
    """Kitchen & Seah Fig. 5: linear and spherical paths between two random latents (one class if conditional)."""
    model = load_generator(generator)
    gen = torch.Generator().manual_seed(int(params["seed"]))
    z0, z1 = model.sample_latent(2, generator=gen)
    steps = int(params["interpolation_steps"])
    labels = None if not model.num_classes else torch.full((steps,), model.num_classes - 1, dtype=torch.long)
    paths = {}
    with torch.no_grad():
        model.eval()
        for mode in ("linear", "spherical"):
            paths[mode] = from_range(model(interpolate_latents(z0, z1, steps, mode), labels), generator["output_range"])
    return interpolation_figure(paths, generator.get("channels") or [])
