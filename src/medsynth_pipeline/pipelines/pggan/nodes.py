"""Kedro glue of the PGGAN stage: whole slices in, one progressive GAN per class (or a conditional one) out.

The slices follow the patches contract (``{"images": [N, C, S, S] in [0, 1], "channels", "spacing_mm"}`` plus
a metadata table with ``patient_id, split`` and the label column), so the GAN stage's own selection code
(``training.selection``) picks the rows a model learns from.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from medsynth_pipeline.imaging.image_folders import load_brats_slices, load_image_folder
from medsynth_pipeline.imaging.patches.slices import SliceRules, extract_cohort_slices, pad_to_square
from medsynth_pipeline.imaging.patches.splits import split_patients
from medsynth_pipeline.imaging.registration.volumes import load_volume, volumes_by_patient
from medsynth_pipeline.models.latent import load_generator
from medsynth_pipeline.models.pggan import PerClassGenerator
from medsynth_pipeline.reporting.gan_figures import loss_curves_figure, synthetic_samples_figure
from medsynth_pipeline.training import Trainer, TrainerConfig, TrainingData
from medsynth_pipeline.training.pggan_system import PhaseCheckpoints, PhaseTimer, build_pggan
from medsynth_pipeline.training.selection import TrainingSet, from_range, select_training_set, to_range

logger = logging.getLogger(__name__)

OUTPUT_RANGE = (-1.0, 1.0)  # PGGAN's data range (the generator's output layer is linear)


def _slices_payload(images: np.ndarray, channels: list[str], spacing_mm: float | None) -> dict[str, Any]:
    return {"images": torch.from_numpy(np.ascontiguousarray(images, dtype=np.float32)), "channels": channels,
            "spacing_mm": spacing_mm}


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
    return _slices_payload(images, channels, spacing), metadata


def _brain_metadata(patients: list[str], labels: np.ndarray, sources: list[str], slice_index: np.ndarray,
                     splits: dict[str, Any]) -> pd.DataFrame:
    table = pd.DataFrame({"patient_id": patients, "is_lesion": labels.astype(bool)})
    per_patient = table.groupby("patient_id", as_index=False)["is_lesion"].any()
    split_table = split_patients(per_patient, splits["fractions"], int(splits["seed"]), stratify_by="is_lesion")
    split_of = dict(zip(split_table["patient_id"], split_table["split"], strict=True))
    return pd.DataFrame({
        "patient_id": patients, "slice_index": slice_index, "is_lesion": labels.astype(bool),
        "split": [split_of[p] for p in patients], "source": sources,
    })


def brain_slices(data: dict[str, Any]) -> tuple[dict[str, Any], pd.DataFrame]:
    """Brain MR slices of a BraTS-style NIfTI folder (``format: brats``) or a Kaggle ``yes/``/``no/`` image
    folder (``format: image_folder``), through the ingest's loaders; splits by case (BraTS) or by image."""
    fmt, root = data["format"], data.get("root")
    if not root or not Path(root).is_dir():
        raise FileNotFoundError(f"pggan brain data: folder '{root}' does not exist (set {fmt} root in conf/local)")
    if fmt == "brats":
        loaded = load_brats_slices(Path(root), **dict(data.get("brats") or {}))
        patients, index = list(loaded.case_ids), loaded.slice_index
    elif fmt == "image_folder":
        options = dict(data.get("image_folder") or {})
        size = int(options.pop("size"))
        loaded = load_image_folder(Path(root), size=(size, size), **options)
        patients, index = [Path(s).stem for s in loaded.sources], np.zeros(len(loaded.sources), np.int64)
    else:
        raise ValueError(f"pggan brain data: format must be 'brats' or 'image_folder', got {fmt!r}")
    for path, reason in loaded.rejected:
        logger.warning("pggan brain data: skipped %s (%s)", path, reason)
    images = pad_to_square(loaded.images, data.get("pad_to"))
    metadata = _brain_metadata(patients, loaded.labels, list(loaded.sources), index, data["splits"])
    return _slices_payload(images, ["T1C" if fmt == "brats" else "MR"], None), metadata


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
    images: torch.Tensor, labels: torch.Tensor | None, num_classes: int, model: dict[str, Any], instance: str,
    key: str, seed_offset: int = 0,
) -> tuple[Any, Any, PhaseTimer]:
    """One Trainer run (one class, or the conditional model); returns the result, the schedule, the timer.
    ``seed_offset`` keeps per-class networks independent (else both would start from the same weights)."""
    spec = model["system"]
    channels, size = int(images.shape[1]), int(images.shape[-1])

    def factory():
        return build_pggan(spec, channels=channels, image_size=size, num_classes=num_classes,
                           dataset_size=len(images))

    schedule = factory().schedule
    trainer = dict(model["trainer"])
    trainer["seed"] = int(trainer.get("seed", 0)) + seed_offset
    root = trainer.pop("checkpoint_dir", None)
    ckpt = str(Path(root) / instance / key) if root else None
    timer = PhaseTimer(schedule)
    callbacks: list[Any] = [timer] + ([PhaseCheckpoints(schedule, Path(ckpt) / "phases")] if ckpt else [])
    config = TrainerConfig(
        iterations=schedule.total_iterations, batch_size=schedule.max_batch_size, checkpoint_dir=ckpt,
        snapshot_iterations=schedule.phase_ends, fixed_per_class=int(model["fixed_latents"]),
        metrics_prefix=f"{model['name']}/{instance}/{key}/", identity={"system": spec, "select": model["select"]},
        **trainer,
    )
    logger.info("PGGAN %s/%s: %d images %s, phases %s", instance, key, len(images), tuple(images.shape[1:]),
                [(p["resolution"], p["batch_size"], p["fade_iterations"], p["stable_iterations"])
                 for p in schedule.describe()])
    result = Trainer(factory, TrainingData(to_range(images, OUTPUT_RANGE), labels), config,
                     callbacks=callbacks).fit()
    return result, schedule, timer


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
    names = class_names(training_set, model)
    runs: list[tuple[str, Any, Any, PhaseTimer]] = []
    if mode == "per_class":
        for index, key in enumerate(names):
            chosen = training_set.labels == index
            runs.append((key, *_fit_one(training_set.images[chosen], None, 0, model, data["name"], key,
                                        seed_offset=index)))
        artifact = PerClassGenerator([r.system.export_generator() for _, r, _, _ in runs]).export()
    elif mode == "conditional":
        runs.append(("conditional", *_fit_one(training_set.images, training_set.labels, len(names), model,
                                              data["name"], "conditional")))
        artifact = runs[0][1].system.export_generator()
    else:
        raise ValueError(f"pggan.{model['name']}: mode must be 'per_class' or 'conditional', got {mode!r}")
    artifact |= {
        "model": f"{model['name']}_{data['name']}", "mode": mode, "label_column": training_set.label_column,
        "class_values": training_set.class_values, "class_attributes": training_set.class_attributes,
        "channels": training_set.channels, "spacing_mm": training_set.spacing_mm,
        "trained_resolution": min(int(r.system.state.phase.resolution) for _, r, _, _ in runs),
    }
    critics = {"mode": mode, "architecture": runs[0][1].system.arch.to_dict(),
               "critics": [{k: v.detach().cpu() for k, v in r.system.D.state_dict().items()} for _, r, _, _ in runs]}
    history = pd.concat([pd.DataFrame(r.history).assign(run=key) for key, r, _, _ in runs], ignore_index=True)
    snapshots = {key: {"resolutions": [schedule.at(i - 1).phase.resolution for i in sorted(r.snapshots)],
                       "images": [from_range(r.snapshots[i], OUTPUT_RANGE) for i in sorted(r.snapshots)],
                       "fixed_labels": r.fixed_labels}
                 for key, r, schedule, _ in runs}
    phases = pd.DataFrame([{"run": key, "device": r.device, **row} for key, r, _, timer in runs
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
