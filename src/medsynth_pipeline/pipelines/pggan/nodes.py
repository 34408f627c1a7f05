"""Kedro glue of the PGGAN stage: whole slices in, one progressive GAN per class (or a conditional one) out.

The slices follow the patches contract (``{"images": [N, C, S, S] in [0, 1], "channels", "spacing_mm"}`` plus
a metadata table with ``patient_id, split`` and the label column), so the GAN stage's own selection code
(``training.selection``) picks the rows a model learns from.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from medsynth_pipeline.imaging.brain_slices import slices_payload
from medsynth_pipeline.imaging.patches.slices import SliceRules, extract_cohort_slices
from medsynth_pipeline.imaging.registration.volumes import load_volume, volumes_by_patient
from medsynth_pipeline.models.latent import load_generator
from medsynth_pipeline.models.pggan import PerClassGenerator
from medsynth_pipeline.reporting.gan_figures import loss_curves_figure, synthetic_samples_figure
from medsynth_pipeline.training.model_training import GeneratorArtifact, ModelSpec, TrainedModel, train_model
from medsynth_pipeline.training.pggan_system import PhaseCheckpoints, PhaseTimer
from medsynth_pipeline.training.selection import TrainingSet, from_range, select_training_set

logger = logging.getLogger(__name__)

OUTPUT_RANGE = (-1.0, 1.0)  # PGGAN's data range (the generator's output layer is linear)


def prostate_slices(
    registered_volumes: dict[str, Any], lesions: pd.DataFrame, patient_splits: pd.DataFrame,
    normalisation: dict[str, Any], data: dict[str, Any],
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Whole registered slices with and without lesions, zero-padded to a power of two, with their splits."""
    rules = SliceRules(**data["slices"])
    channels = list(data["channels"])
    images, metadata = extract_cohort_slices(volumes_by_patient(registered_volumes), lesions, channels,
                                             normalisation, rules, data.get("pad_to"))
    split_of = dict(zip(patient_splits["patient_id"], patient_splits["split"], strict=True))
    unknown = sorted(set(metadata["patient_id"]) - set(split_of))
    if unknown:
        raise ValueError(f"pggan: patients {unknown[:5]} have registered volumes but no row in patient_splits")
    metadata["split"] = metadata["patient_id"].map(split_of)
    spacing = float(load_volume(registered_volumes[sorted(registered_volumes)[0]]).GetSpacing()[0])
    return slices_payload(images, channels, spacing), metadata


def select_slices(slices: dict[str, Any], slice_metadata: pd.DataFrame, model: dict[str, Any]) -> TrainingSet:
    """The real slices this PGGAN learns from (004: the training patients only), labelled by class, averaged
    down to ``final_resolution`` when that is smaller than the slices (CPU smoke settings)."""
    selected = select_training_set(slices, slice_metadata, model["select"], source=f"pggan.{model['name']}")
    target = model.get("final_resolution")
    size = int(selected.images.shape[-1])
    if target and int(target) != size:
        factor = size // int(target)
        if int(target) > size or factor * int(target) != size:
            raise ValueError(f"pggan.{model['name']}: final_resolution {target} must divide the slice size {size}")
        selected.images = F.avg_pool2d(selected.images, factor)
    return selected


def class_names(training_set: TrainingSet, model: dict[str, Any]) -> list[str]:
    """Names of the classes in class-index order: ``model.class_names`` (``{value: name}``) or the values."""
    names = {str(k).lower(): str(v) for k, v in (model.get("class_names") or {}).items()}
    return [names.get(str(v).lower(), f"{training_set.label_column}_{v}") for v in training_set.class_values]


def _fit_one(
    spec: ModelSpec, training_set: TrainingSet, model: dict[str, Any], run_key: str, seed_offset: int = 0
) -> tuple[TrainedModel, PhaseTimer]:
    """One run of the one training entry point (one class, or the conditional model); returns it and its
    per-phase timer. ``seed_offset`` keeps per-class networks independent (else both would start from the
    same weights)."""
    timers: list[PhaseTimer] = []

    def callbacks(probe: Any, checkpoint_dir: str | None) -> list[Any]:
        timers.append(PhaseTimer(probe.schedule))
        logger.info("PGGAN %s: %d images %s, phases %s", run_key, len(training_set.images),
                    tuple(training_set.images.shape[1:]),
                    [(p["resolution"], p["batch_size"], p["fade_iterations"], p["stable_iterations"])
                     for p in probe.schedule.describe()])
        return timers + ([PhaseCheckpoints(probe.schedule, Path(checkpoint_dir) / "phases")] if checkpoint_dir else [])

    trained = train_model(spec, training_set, run_key=run_key, seed_offset=seed_offset,
                          identity={"system": dict(spec.system), "select": model["select"]}, callbacks=callbacks)
    return trained, timers[0]


def _class_subset(training_set: TrainingSet, index: int) -> TrainingSet:
    """The images of one class, unconditional (a per-class network learns one class)."""
    chosen = training_set.labels == index
    return replace(training_set, images=training_set.images[chosen], labels=None, label_column=None,
                   metadata=None if training_set.metadata is None else training_set.metadata[chosen.numpy()])


def train_pggan(
    training_set: TrainingSet, model: dict[str, Any], data: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], pd.DataFrame, dict[str, Any], pd.DataFrame]:
    """Train 004's PGGAN: ``mode: per_class`` (one network per class, the paper's choice) or ``conditional``.

    ``data["name"]`` names this data source (prostate, brats, ...) in checkpoint paths and MLflow keys.

    Returns the generator artifact (always answering class indices, see ``PerClassGenerator``), the critics,
    the per-iteration history, the phase-end snapshots and a per-phase throughput table.
    """
    mode = model["mode"]
    if training_set.labels is None:
        raise ValueError(f"pggan.{model['name']}: set select.label_column (e.g. is_lesion) to learn the classes")
    spec = ModelSpec.from_params(model, where=f"pggan.{model['name']}")
    names = class_names(training_set, model)
    runs: list[tuple[str, TrainedModel, PhaseTimer]] = []
    if mode == "per_class":
        for index, key in enumerate(names):
            runs.append((key, *_fit_one(spec, _class_subset(training_set, index), model, f"{data['name']}/{key}",
                                        seed_offset=index)))
        artifact = PerClassGenerator([t.result.system.export_generator() for _, t, _ in runs]).export()
    elif mode == "conditional":
        runs.append(("conditional", *_fit_one(spec, training_set, model, f"{data['name']}/conditional")))
        artifact = runs[0][1].artifact.generator
    else:
        raise ValueError(f"pggan.{model['name']}: mode must be 'per_class' or 'conditional', got {mode!r}")
    systems = [(key, t.result.system) for key, t, _ in runs]
    artifact = GeneratorArtifact(
        artifact, f"{model['name']}_{data['name']}", list(training_set.channels), training_set.spacing_mm,
        training_set.label_column, training_set.class_values, training_set.class_attributes,
        extra={"mode": mode, "trained_resolution": min(int(system.state.phase.resolution) for _, system in systems)},
    ).to_dict()
    critics = {"mode": mode, "architecture": systems[0][1].arch.to_dict(),
               "critics": [{k: v.detach().cpu() for k, v in system.D.state_dict().items()} for _, system in systems]}
    history = pd.concat([pd.DataFrame(t.result.history).assign(run=key) for key, t, _ in runs], ignore_index=True)
    snapshots = {key: {"resolutions": [t.result.system.schedule.at(i - 1).phase.resolution for i in sorted(t.result.snapshots)],
                       "images": [from_range(t.result.snapshots[i], t.output_range) for i in sorted(t.result.snapshots)],
                       "fixed_labels": t.result.fixed_labels}
                 for key, t, _ in runs}
    phases = pd.DataFrame([{"run": key, "device": t.result.device, **row} for key, t, timer in runs
                           for row in timer.records])
    return artifact, critics, history, snapshots, phases


def plot_phase_grids(snapshots: dict[str, Any], training_set: TrainingSet, model: dict[str, Any]) -> dict[str, Figure]:
    """One image grid per resolution phase (``<R>x<R>.png``): the fixed latents at the end of the phase,
    one row per class (per-class networks) or per conditioning class."""
    figures: dict[str, Figure] = {}
    runs = sorted(snapshots)
    resolutions = snapshots[runs[0]]["resolutions"]
    for k, resolution in enumerate(resolutions):
        images, rows = [], []
        for run in runs:
            shot = snapshots[run]
            labels = shot["fixed_labels"]
            if labels is None:
                images.append(shot["images"][k])
                rows.append(run)
            else:
                for c in labels.unique().tolist():
                    images.append(shot["images"][k][labels == c])
                    rows.append(class_names(training_set, model)[int(c)])
        figure = synthetic_samples_figure(torch.cat(images), rows, per_row=int(images[0].shape[0]))
        figure.suptitle(f"PGGAN after the {resolution}×{resolution} phase", fontsize=10)
        figure.subplots_adjust(top=0.85)
        figures[f"{resolution}x{resolution}.png"] = figure
    return figures


def plot_training_curves(history: pd.DataFrame, model: dict[str, Any]) -> dict[str, Figure]:
    """Critic/generator losses and critic scores over iterations, one ``<run>.png`` per trained network."""
    return {f"{run}.png": loss_curves_figure(group.drop(columns=["run"]), title=f"PGGAN {model['name']} · {run}")
            for run, group in history.groupby("run", sort=True)}


def plot_real_and_synthetic(
    generator: dict[str, Any], training_set: TrainingSet, model: dict[str, Any], figures: dict[str, Any]
) -> Figure:
    """Real training slices next to synthetic ones, one row each per class (004 Fig. 2 and Fig. 5)."""
    per_row = int(figures["per_row"])
    rng = torch.Generator().manual_seed(int(figures["seed"]))
    net = load_generator(generator)
    images, rows = [], []
    for index, value in enumerate(class_names(training_set, model)):
        real = training_set.images[training_set.labels == index]
        pick = real[torch.randperm(len(real), generator=rng)[:per_row]]
        fake = from_range(net.generate(per_row, torch.full((per_row,), index), generator=rng), OUTPUT_RANGE)
        images += [pad_rows(pick, per_row), fake]
        rows += [f"real {value}", f"PGGAN {value}"]
    return synthetic_samples_figure(torch.cat(images), rows, per_row=per_row)


def pad_rows(images: torch.Tensor, n: int) -> torch.Tensor:
    """``n`` images (blank ones appended when a class has fewer real slices)."""
    if len(images) >= n:
        return images[:n]
    return torch.cat([images, images.new_zeros((n - len(images), *images.shape[1:]))])
