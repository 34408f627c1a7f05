"""Patient-grouped k-fold cross-validation of the classifier studies, with the generator-leak guarantee.

The patients fall in three groups (``patient_splits``):

- **generator patients** (splits ``train`` and ``val``): the GANs learn from ``train`` and select their
  snapshot on ``val``. They are never tested. Their real images join every fold's classifier training set
  (``train``) and drive its early stopping (``val``), so the real-only baseline holds all the real
  information the generators had: a GAN-augmented condition cannot win by smuggling in extra patients.
- **evaluation patients** (split ``test``), in ``k`` folds stratified by "has a ClinSig lesion". Fold ``f``
  is tested by classifiers trained on the other folds plus the generator's ``train`` patients. Every
  evaluation patient is tested exactly once, and the out-of-fold predictions are pooled.

Synthetic images come from generators trained on generator patients only. :func:`assert_no_generator_leak`
refuses any training set that holds synthetic images of a generator that saw a patient of the fold it is
tested on, so a configuration that trains generators on evaluation patients fails loudly.

Conditions are paired: every condition is trained on the same folds with the same seeds, and tested on the
same images, so differences between conditions are differences of paired predictions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from medsynth_pipeline.classification.data import LabelledImages, assert_patient_disjoint
from medsynth_pipeline.classification.training import TrainSettings, predict, train_classifier
from medsynth_pipeline.metrics.classification import binary_metrics
from medsynth_pipeline.metrics.results import InsufficientData

log = logging.getLogger(__name__)

GENERATOR_TRAIN, GENERATOR_VAL, EVALUATION = "train", "val", "test"
NO_FOLD = -1  # the fold of a generator patient: never tested

# A fold's conditions from its real training images: name -> training set.
ConditionBuilder = Callable[[int, LabelledImages], Mapping[str, LabelledImages]]


class GeneratorLeak(ValueError):
    """A classifier would be trained on synthetic images of a generator that saw one of its test patients."""


@dataclass(frozen=True)
class FoldPlan:
    """Who is tested in which fold, who always trains, who validates."""

    folds: Mapping[str, int]  # evaluation patient -> fold
    always_train: frozenset[str]  # generator training patients
    validation: frozenset[str]  # generator validation patients (early stopping)

    @classmethod
    def from_splits(cls, patient_splits: pd.DataFrame) -> FoldPlan:
        """From ``patient_splits`` (``patient_id, split, fold``)."""
        missing = {"patient_id", "split", "fold"} - set(patient_splits.columns)
        if missing:
            raise ValueError(f"patient_splits lacks columns {sorted(missing)}: re-run the patches stage "
                             "(make_patient_splits writes the evaluation folds)")
        table = patient_splits.assign(patient_id=patient_splits["patient_id"].astype(str))
        evaluation = table[table["split"] == EVALUATION]
        if (evaluation["fold"] < 0).any():
            raise ValueError("patient_splits: evaluation (test) patients without a fold")
        plan = cls(folds=dict(zip(evaluation["patient_id"], evaluation["fold"].astype(int), strict=True)),
                   always_train=frozenset(table.loc[table["split"] == GENERATOR_TRAIN, "patient_id"]),
                   validation=frozenset(table.loc[table["split"] == GENERATOR_VAL, "patient_id"]))
        if plan.n_folds < 2:
            raise InsufficientData(f"cross-validation needs at least 2 folds of evaluation patients, got {plan.n_folds}")
        return plan

    @property
    def n_folds(self) -> int:
        return len(set(self.folds.values()))

    def tested_in(self, fold: int) -> frozenset[str]:
        return frozenset(p for p, f in self.folds.items() if f == fold)

    def trains_in(self, fold: int) -> frozenset[str]:
        return self.always_train | frozenset(p for p, f in self.folds.items() if f != fold)

    def split(self, real: LabelledImages, fold: int) -> tuple[LabelledImages, LabelledImages, LabelledImages]:
        """(training, validation, test) real images of one fold."""
        patients = real.patient_ids.astype(str)
        parts = tuple(real.subset(np.isin(patients, sorted(group))) for group in
                      (self.trains_in(fold), self.validation, self.tested_in(fold)))
        for name, part in zip(("training", "validation", "test"), parts, strict=True):
            if len(part) == 0:
                raise InsufficientData(f"fold {fold}: no real {name} image")
        return parts  # type: ignore[return-value]


def restrict_to_patients(pool: LabelledImages | None, patients: frozenset[str]) -> LabelledImages | None:
    """The images of ``pool`` derived from ``patients`` (classical copies of a fold's training patients)."""
    if pool is None:
        return None
    kept = pool.subset(np.isin(pool.patient_ids.astype(str), sorted(patients)))
    return kept if len(kept) else None


def assert_no_generator_leak(
    train: LabelledImages, test_patients: frozenset[str], generator_patients: Mapping[str, frozenset[str]], what: str
) -> None:
    """Refuse ``train`` when it holds images of a generator (``synthetic:<model>`` patient id) that saw a
    test patient, or of a generator whose training patients are unknown."""
    for source_id in sorted({str(p) for p in train.patient_ids} - train.real_patients()):
        model = source_id.split(":", 1)[1]
        if model not in generator_patients:
            raise GeneratorLeak(f"{what}: synthetic images of '{model}' but its training patients are unknown; "
                                "cannot show that it never saw a test patient")
        seen = generator_patients[model] & test_patients
        if seen:
            raise GeneratorLeak(f"{what}: the generator '{model}' was trained on test patients {sorted(seen)[:5]} "
                                f"(of {len(seen)}); its images cannot train a classifier tested on them")


@dataclass
class CrossValidated:
    runs: pd.DataFrame  # condition, fold, seed, metrics, best_epoch, epochs, n_train
    predictions: pd.DataFrame  # condition, seed, fold, test_index, patient_id, label, probability
    histories: pd.DataFrame  # condition, fold, seed, epoch, train_loss, val_loss, val_accuracy
    composition: pd.DataFrame  # condition, fold, source, label, count
    skipped: pd.DataFrame  # condition, reason


RUN_COLUMNS = ["condition", "fold", "seed", "accuracy", "balanced_accuracy", "sensitivity", "specificity", "roc_auc",
               "best_epoch", "epochs", "n_train"]
PREDICTION_COLUMNS = ["condition", "seed", "fold", "test_index", "patient_id", "label", "probability"]
HISTORY_COLUMNS = ["condition", "fold", "seed", "epoch", "train_loss", "val_loss", "val_accuracy"]


def cross_validate(
    real: LabelledImages,
    plan: FoldPlan,
    conditions_for: ConditionBuilder,
    settings: TrainSettings,
    seeds: Sequence[int],
    generator_patients: Mapping[str, frozenset[str]],
    study: str = "study",
) -> CrossValidated:
    """Train every condition on every fold with every seed; pool the out-of-fold test predictions.

    ``real`` holds the real images of every patient (generator and evaluation). ``conditions_for(fold,
    real_train)`` returns that fold's training sets. A condition too small to train in some fold is skipped
    whole (listed with the reason), so every reported condition was tested on every evaluation patient.
    """
    runs, predictions, histories, compositions, skipped = [], [], [], [], {}
    started, trained_count = time.perf_counter(), 0
    offset = 0  # test_index numbers the pooled out-of-fold test images
    for fold in range(plan.n_folds):
        train_real, val, test = plan.split(real, fold)
        for name, train in conditions_for(fold, train_real).items():
            if name in skipped:
                continue
            what = f"{study}/{name}/fold{fold}"
            assert_patient_disjoint(train, val, test, what)
            assert_no_generator_leak(train, plan.tested_in(fold), generator_patients, what)
            compositions.append(train.composition().assign(condition=name, fold=fold))
            for seed in seeds:
                try:
                    trained = train_classifier(train, val, settings, seed, label=what)
                except InsufficientData as error:
                    log.warning("%s not trained, condition left out: %s", what, error)
                    skipped[name] = str(error)
                    break
                trained_count += 1
                _, _, probability = predict(trained.model, test.images, settings.batch_size, settings.device)
                runs.append({"condition": name, "fold": fold, "seed": seed, **binary_metrics(test.labels, probability),
                             "best_epoch": trained.best_epoch, "epochs": len(trained.history), "n_train": len(train)})
                predictions.append(pd.DataFrame({
                    "condition": name, "seed": seed, "fold": fold, "test_index": offset + np.arange(len(test)),
                    "patient_id": test.patient_ids.astype(str), "label": test.labels, "probability": probability}))
                histories.append(trained.history.assign(condition=name, fold=fold, seed=seed))
        offset += len(test)
        elapsed = time.perf_counter() - started
        log.info("%s: fold %d/%d done, %d classifiers in %.0f s (%.2f classifiers/s)", study, fold + 1, plan.n_folds,
                 trained_count, elapsed, trained_count / max(elapsed, 1e-9))
    return _collect(runs, predictions, histories, compositions, skipped)


def _collect(runs: list, predictions: list, histories: list, compositions: list, skipped: dict) -> CrossValidated:
    def keep(frame: pd.DataFrame) -> pd.DataFrame:  # a condition skipped in a later fold is dropped from all
        return frame[~frame["condition"].isin(list(skipped))].reset_index(drop=True)

    return CrossValidated(
        runs=keep(pd.DataFrame(runs, columns=RUN_COLUMNS)),
        predictions=keep(pd.concat(predictions, ignore_index=True)[PREDICTION_COLUMNS] if predictions
                         else pd.DataFrame(columns=PREDICTION_COLUMNS)),
        histories=keep(pd.concat(histories, ignore_index=True)[HISTORY_COLUMNS] if histories
                       else pd.DataFrame(columns=HISTORY_COLUMNS)),
        composition=keep(pd.concat(compositions, ignore_index=True)[["condition", "fold", "source", "label", "count"]]
                         if compositions else pd.DataFrame(columns=["condition", "fold", "source", "label", "count"])),
        skipped=pd.DataFrame([{"condition": c, "reason": r} for c, r in skipped.items()], columns=["condition", "reason"]),
    )
