"""Kedro glue of the three classifier studies, cross-validated over the evaluation patients.

The protocol (folds, pairing, the generator-leak check) is :mod:`medsynth_pipeline.classification.cv_studies`;
these nodes pick the images out of the stage inputs and shape the tables. ``patient_splits`` says who is a
generator patient (train / val) and which fold tests each evaluation patient (test).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from medsynth_pipeline.classification.cross_validation import CrossValidated, FoldPlan
from medsynth_pipeline.classification.cv_studies import (
    COMPARISON_COLUMNS,
    augmentation_cv,
    compare_conditions,
    comparisons,
    sca_cv,
    sets_as_seeds,
    tstr_cv,
)
from medsynth_pipeline.classification.data import LabelledImages
from medsynth_pipeline.classification.patch_sets import classical_images, real_images
from medsynth_pipeline.classification.protocol import (
    channels_of,
    labelled_sets,
    no_study,
    not_computed_frame,
    train_settings,
    with_skipped,
)
from medsynth_pipeline.metrics.classification import binary_metrics
from medsynth_pipeline.metrics.paired import verdict_sentence
from medsynth_pipeline.metrics.results import InsufficientData
from medsynth_pipeline.study_names import REAL_DATA

ALL_SPLITS = ["train", "val", "test"]
TRTR = "TRTR"
SCA_SYNTHETIC = "synthetic CS"  # SCA's synthetic sets as one condition in the paired comparison


def generator_patients(synthetic_images: dict[str, Any], model: dict[str, Any]) -> dict[str, frozenset[str]]:
    """The patients the model's generator learnt from, as the augmentation stage recorded them."""
    patients = synthetic_images.get("training_patients")
    if patients is None:
        raise ValueError(f"augmentation.{model['name']}.synthetic_images records no 'training_patients': "
                         "re-run gan_training and augmentation, so the studies can show that no generator saw "
                         "a patient it is tested on")
    return {model["name"]: frozenset(str(p) for p in patients)}


def _real(patches: dict[str, Any], patch_metadata: pd.DataFrame, patient_splits: pd.DataFrame,
          channels: list[str], task: dict[str, Any], rows: dict[str, Any], what: str) -> tuple[LabelledImages, FoldPlan]:
    declared = patient_splits.assign(patient_id=patient_splits["patient_id"].astype(str)).set_index("patient_id")["split"]
    patients = patch_metadata["patient_id"].astype(str)
    disagree = sorted(set(patients[patch_metadata["split"].astype(str).to_numpy()
                                   != patients.map(declared).astype(str).to_numpy()]))
    if disagree:
        raise ValueError(f"{what}: the patch metadata puts patients {disagree[:5]} (of {len(disagree)}) in another "
                         "split than patient_splits does: re-run the patches stage")
    plan = FoldPlan.from_splits(patient_splits)
    return real_images(patches, patch_metadata, ALL_SPLITS, channels, task["label_column"], rows, what), plan


def _tagged(result: CrossValidated, model: str) -> tuple[pd.DataFrame, ...]:
    runs = with_skipped(result.runs, result.skipped, {"name": model})
    return tuple(f.assign(model=model) for f in (runs, result.predictions, result.histories, result.composition))


def augmentation_study(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, patient_splits: pd.DataFrame,
    synthetic_images: dict[str, Any], synthetic_metadata: pd.DataFrame, classical_images_: dict[str, Any],
    classical_metadata: pd.DataFrame, model: dict[str, Any], study: dict[str, Any], task: dict[str, Any], device: str,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """004 Table 1 for this model's patches (real / + classical / + GAN / + both), k-fold over the evaluation
    patients: runs per fold and seed, pooled out-of-fold predictions, learning curves, compositions."""
    channels = channels_of(synthetic_images, model)
    rows = task.get("rows") or {}
    try:
        real, plan = _real(patches, patch_metadata, patient_splits, channels, task, rows,
                           f"evaluation.{model['name']}/004")
    except InsufficientData as error:
        return no_study(model, "augmentation study", str(error), 4)
    pool = classical_images(classical_images_, classical_metadata, channels, task["label_column"], rows)
    sets, reason = labelled_sets(synthetic_images, synthetic_metadata, task, model, study.get("synthetic_sets", "all"))
    gan = LabelledImages.concat(list(sets.values())) if sets else None
    result = augmentation_cv(real, plan, pool, gan, [int(a) for a in study["amounts_per_class"]],
                             train_settings(study, device), [int(s) for s in study["seeds"]],
                             generator_patients(synthetic_images, model) if gan is not None else {},
                             study=f"{model['name']} augmentation study", draw_seed=int(study["seeds"][0]))
    runs, *rest = _tagged(result, model["name"])
    if reason:
        runs = pd.concat([runs, not_computed_frame(model, "real + GAN", reason)], ignore_index=True)
    return (runs, *rest)


def slice_level_accuracy(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, patient_splits: pd.DataFrame,
    synthetic_images: dict[str, Any], synthetic_metadata: pd.DataFrame, classical_images_: dict[str, Any],
    classical_metadata: pd.DataFrame, model: dict[str, Any], sca: dict[str, Any], task: dict[str, Any], device: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """002's SCA per synthetic set, k-fold: an ANN on synthetic CS + the fold's real non-CS, and the "real
    data" reference (real CS topped up with classical copies).

    ``sca`` is the balanced accuracy of the pooled out-of-fold predictions: the expected accuracy on 002's
    50/50 TestSet, without discarding any evaluation image. Returns one row per set and the predictions.
    """
    channels = channels_of(synthetic_images, model)
    rows = task.get("rows") or {}
    sets, reason = labelled_sets(synthetic_images, synthetic_metadata, task, model)
    if not reason and not any((s.labels == 1).any() for s in sets.values()):
        reason = f"synthetic images of {model['name']} hold no positive ({task['label_column']}) image"
    try:
        if reason:
            raise InsufficientData(reason)
        real, plan = _real(patches, patch_metadata, patient_splits, channels, task, rows,
                           f"evaluation.{model['name']}/sca")
    except InsufficientData as error:
        return no_study(model, "SCA", str(error), 2)
    pool = classical_images(classical_images_, classical_metadata, channels, task["label_column"], rows)
    result = sca_cv(real, plan, model["name"], [sets[k] for k in sorted(sets)], pool, train_settings(sca, device),
                    [int(sca["seed"])], generator_patients(synthetic_images, model), draw_seed=int(sca["seed"]))
    pooled = []
    for condition, group in result.predictions.groupby("condition", sort=False):
        mean = group.groupby("test_index", sort=True).agg(label=("label", "first"), probability=("probability", "mean"))
        metrics = binary_metrics(mean["label"].to_numpy(), mean["probability"].to_numpy())
        pooled.append({"condition": condition, "sca": metrics["balanced_accuracy"], **metrics,
                       "n_test": len(mean), "folds": plan.n_folds})
    table = pd.DataFrame(pooled, columns=["condition", "sca", *binary_metrics(np.array([0, 1]), np.array([0.2, 0.8])),
                                          "n_test", "folds"])
    table["set"] = table["condition"].str.extract(r"/set(\d+)$", expand=False)
    table["row"] = np.where(table["condition"] == REAL_DATA, f"{REAL_DATA} ({model['name']})", model["name"])
    runs = with_skipped(table, result.skipped, model)
    runs.insert(0, "model", runs.pop("model"))
    return runs, result.predictions.assign(model=model["name"])


def tstr_study(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, patient_splits: pd.DataFrame,
    synthetic_images: dict[str, Any], synthetic_metadata: pd.DataFrame, model: dict[str, Any], study: dict[str, Any],
    task: dict[str, Any], device: str,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """TSTR (synthetic set 0 only) vs TRTR (the fold's real training images), k-fold, on the kind of images
    the model generates (its row filters without the label column)."""
    channels = channels_of(synthetic_images, model)
    rows = {k: v for k, v in (model["select"].get("rows") or {}).items() if k != task["label_column"]}
    sets, reason = labelled_sets(synthetic_images, synthetic_metadata, task, model)
    if not reason and len(set(sets[min(sets)].labels.tolist())) < 2:
        reason = f"synthetic images of {model['name']} hold a single class of {task['label_column']}"
    try:
        if reason:
            raise InsufficientData(reason)
        real, plan = _real(patches, patch_metadata, patient_splits, channels, task, rows,
                           f"evaluation.{model['name']}/tstr")
    except InsufficientData as error:
        return no_study(model, "TSTR", str(error), 3)
    result = tstr_cv(real, plan, model["name"], sets[min(sets)], train_settings(study, device),
                     [int(s) for s in study["seeds"]], generator_patients(synthetic_images, model))
    runs, predictions, histories, _ = _tagged(result, model["name"])
    return runs, predictions, histories


def _pairs(study: str, model: str, conditions: list[str]) -> list[tuple[str, str]]:
    if study == "augmentation study":
        return comparisons(conditions)
    if study == "SCA":
        return comparisons(conditions, reference=REAL_DATA)
    return comparisons(conditions, reference=TRTR)


def paired_comparisons(
    augmentation_predictions: pd.DataFrame, sca_predictions: pd.DataFrame, tstr_predictions: pd.DataFrame,
    bootstrap: dict[str, Any],
) -> pd.DataFrame:
    """Every model's GAN conditions against their baselines, paired (same folds, seeds, test images):
    the augmentation study's + GAN conditions against real only and against classical only, SCA's synthetic
    positives (averaged over the sets) against real ones, and TSTR against TRTR."""
    frames = []
    for study, predictions in (("augmentation study", augmentation_predictions), ("SCA", sca_predictions),
                               ("TSTR", tstr_predictions)):
        if predictions.empty or "model" not in predictions:
            continue
        for model, group in predictions.groupby("model", sort=False):
            if study == "SCA":
                group = sets_as_seeds(group, str(model), SCA_SYNTHETIC)
            table = compare_conditions(group, _pairs(study, str(model), list(group["condition"])),
                                       int(bootstrap["n_boot"]), float(bootstrap["confidence"]), int(bootstrap["seed"]))
            frames.append(table.assign(study=study, model=model))
    if not frames:
        return pd.DataFrame(columns=["study", "model", *COMPARISON_COLUMNS])
    table = pd.concat(frames, ignore_index=True)
    return table[["study", "model", *COMPARISON_COLUMNS]]


def verdict_sentences(comparisons_: pd.DataFrame) -> pd.DataFrame:
    """One plain sentence per study, model and comparison (the verdict is read off the ROC AUC difference)."""
    rows = []
    for (study, model, condition, baseline), group in comparisons_.groupby(
            ["study", "model", "condition", "baseline"], sort=False):
        auc = group.set_index("metric").loc["roc_auc"]
        rows.append({"study": study, "model": model, "condition": condition, "baseline": baseline,
                     "verdict": auc["verdict"], "sentence": verdict_sentence(str(model), group)})
    return pd.DataFrame(rows, columns=["study", "model", "condition", "baseline", "verdict", "sentence"])
