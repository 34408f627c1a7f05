"""The classifier studies: 004's augmentation study, 002's slice-level classification accuracy (SCA), and
train-on-synthetic / test-on-real (TSTR) against train-on-real (TRTR).

A study is a set of named training conditions, each trained with several seeds and tested on the same
real test split; the validation split (real, other patients) drives early stopping. Every condition is
checked so that no test patient reaches training or validation.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from medsynth_pipeline.classification.data import LabelledImages, assert_patient_disjoint
from medsynth_pipeline.classification.training import TrainSettings, predict, train_classifier
from medsynth_pipeline.metrics.classification import binary_metrics, bootstrap_metrics
from medsynth_pipeline.metrics.results import InsufficientData

log = logging.getLogger(__name__)

REAL, CLASSICAL, GAN = "real", "classical", "gan"


@dataclass
class StudyResult:
    runs: pd.DataFrame  # condition, seed, accuracy, sensitivity, specificity, roc_auc, best_epoch, epochs, n_train
    predictions: pd.DataFrame  # condition, seed, test_index, patient_id, label, probability
    histories: pd.DataFrame  # condition, seed, epoch, train_loss, val_loss, val_accuracy
    composition: pd.DataFrame  # condition, source, label, count
    skipped: pd.DataFrame  # condition, reason: conditions with too little data to train


def evaluate_conditions(
    conditions: Mapping[str, LabelledImages],
    val: LabelledImages,
    test: LabelledImages,
    settings: TrainSettings,
    seeds: Sequence[int],
    study: str = "study",
) -> StudyResult:
    """Train one classifier per condition and seed; predict the real test split.

    A patient in two of training / validation / test stops the study; a condition too small to train
    (one class, empty) is skipped and listed in ``skipped`` with the reason.
    """
    runs, predictions, histories, compositions, skipped = [], [], [], [], []
    for name, train in conditions.items():
        assert_patient_disjoint(train, val, test, f"{study}/{name}")
        compositions.append(train.composition().assign(condition=name))
        for seed in seeds:
            try:
                trained = train_classifier(train, val, settings, seed, label=f"{study}/{name}")
            except InsufficientData as error:
                log.warning("%s/%s not trained: %s", study, name, error)
                skipped.append({"condition": name, "reason": str(error)})
                break
            _, _, probability = predict(trained.model, test.images, settings.batch_size, settings.device)
            runs.append({"condition": name, "seed": seed, **binary_metrics(test.labels, probability),
                         "best_epoch": trained.best_epoch, "epochs": len(trained.history), "n_train": len(train)})
            predictions.append(pd.DataFrame({
                "condition": name, "seed": seed, "test_index": np.arange(len(test)),
                "patient_id": test.patient_ids.astype(str), "label": test.labels, "probability": probability,
            }))
            histories.append(trained.history.assign(condition=name, seed=seed))
    history_columns = ["condition", "seed", "epoch", "train_loss", "val_loss", "val_accuracy"]
    prediction_columns = ["condition", "seed", "test_index", "patient_id", "label", "probability"]
    return StudyResult(
        runs=pd.DataFrame(runs, columns=["condition", "seed", "accuracy", "balanced_accuracy", "sensitivity", "specificity", "roc_auc",
                                         "best_epoch", "epochs", "n_train"]),
        predictions=pd.concat(predictions, ignore_index=True) if predictions else pd.DataFrame(columns=prediction_columns),
        histories=pd.concat(histories, ignore_index=True)[history_columns] if histories
        else pd.DataFrame(columns=history_columns),
        composition=pd.concat(compositions, ignore_index=True)[["condition", "source", "label", "count"]],
        skipped=pd.DataFrame(skipped, columns=["condition", "reason"]),
    )


def summarise_study(
    predictions: pd.DataFrame, n_boot: int = 2000, confidence: float = 0.95, patient_aware: bool = True, seed: int = 0
) -> pd.DataFrame:
    """Per condition and metric: mean ± std over seeds and the bootstrap CI (patients resampled)."""
    rows = []
    for condition, group in predictions.groupby("condition", sort=False):
        per_seed = [g.sort_values("test_index") for _, g in group.groupby("seed", sort=True)]
        first = per_seed[0]
        table = bootstrap_metrics(
            first["label"].to_numpy(), [g["probability"].to_numpy() for g in per_seed],
            groups=first["patient_id"].to_numpy() if patient_aware else None,
            n_boot=n_boot, confidence=confidence, seed=seed,
        )
        rows.append(table.assign(condition=condition))
    summary = pd.concat(rows, ignore_index=True)
    return summary[["condition", *[c for c in summary.columns if c != "condition"]]]


def augmentation_conditions(
    real_train: LabelledImages,
    classical_pool: LabelledImages | None,
    gan_pool: LabelledImages | None,
    amounts_per_class: Sequence[int],
    seed: int = 0,
) -> dict[str, LabelledImages]:
    """004 Table 1: real only, + classical, + GAN, + both, for each amount of extra images per class.

    Extra images are drawn per class from the pools (classical augmentations of the real training images;
    synthetic images of the GAN). A condition whose pool is missing is left out (the caller reports why).
    """
    rng = np.random.default_rng(seed)
    conditions = {"real": real_train}
    for amount in amounts_per_class:
        def extra(pool: LabelledImages, amount: int = amount) -> list[LabelledImages]:
            drawn = [pool.of_class(label).sample(amount, rng) for label in (0, 1)]
            for label, part in zip((0, 1), drawn, strict=True):
                if len(part) < amount:
                    log.warning("augmentation study: only %d %s images of class %d for %d requested", len(part),
                                part.sources[0] if len(part) else "pool", label, amount)
            return drawn

        suffix = f" ({amount}/class)" if len(amounts_per_class) > 1 else ""
        if classical_pool is not None:
            conditions[f"real + classical{suffix}"] = LabelledImages.concat([real_train, *extra(classical_pool)])
        if gan_pool is not None:
            conditions[f"real + GAN{suffix}"] = LabelledImages.concat([real_train, *extra(gan_pool)])
        if classical_pool is not None and gan_pool is not None:
            conditions[f"real + classical + GAN{suffix}"] = LabelledImages.concat(
                [real_train, *extra(classical_pool), *extra(gan_pool)])
    return conditions


def sca_conditions(
    real_train: LabelledImages,
    synthetic_sets: Mapping[str, Sequence[LabelledImages]],
    classical_pool: LabelledImages | None,
    positive_label: int = 1,
    seed: int = 0,
) -> dict[str, LabelledImages]:
    """002's SCA protocol: synthetic positives (CS) + as many real negatives (non-CS) from the training split.

    One condition per model and synthetic set (``<model>/set<k>``). The "real data" reference uses the real
    training positives topped up with classical augmentations to the same count (002, Table II, last row).
    """
    rng = np.random.default_rng(seed)
    negatives = real_train.of_class(1 - positive_label)
    conditions: dict[str, LabelledImages] = {}
    for model, sets in synthetic_sets.items():
        for k, synthetic in enumerate(sets):
            positives = synthetic.of_class(positive_label).sample(len(negatives), rng)
            if len(positives) == 0:
                raise ValueError(f"SCA: synthetic set {k} of {model} holds no images of class {positive_label}")
            conditions[f"{model}/set{k}"] = LabelledImages.concat([positives, negatives])
    real_positives = real_train.of_class(positive_label)
    top_up = len(negatives) - len(real_positives)
    parts = [real_positives, negatives]
    if top_up > 0 and classical_pool is not None:
        parts.append(classical_pool.of_class(positive_label).sample(top_up, rng))
    conditions["real data"] = LabelledImages.concat(parts)
    return conditions


def tstr_conditions(real_train: LabelledImages, synthetic: Mapping[str, LabelledImages]) -> dict[str, LabelledImages]:
    """TRTR (train on the real training split) and TSTR per model (train on its synthetic images only)."""
    conditions = {"TRTR": real_train}
    for model, images in synthetic.items():
        if len(set(images.labels.tolist())) < 2:
            raise ValueError(f"TSTR: synthetic images of {model} hold a single class; both are needed")
        conditions[f"TSTR {model}"] = images
    return conditions
