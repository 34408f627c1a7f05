"""The three classifier studies as cross-validated, paired experiments (see :mod:`.cross_validation`).

- 004's augmentation study: real / + classical / + GAN / + both. The classical pool of a fold holds copies
  of that fold's training patients only; the GAN pool comes from generators that never saw an evaluation
  patient.
- 002's slice-level classification accuracy (SCA): synthetic positives + the fold's real negatives, one
  condition per synthetic set, and the "real data" reference (real positives topped up with classical
  copies). SCA is the balanced accuracy of the pooled out-of-fold predictions, i.e. the expected accuracy on
  002's 50/50 TestSet without discarding test images.
- TSTR (synthetic images only) against TRTR (the fold's real training images).

Every condition of a study shares folds and seeds, so :func:`comparisons` can pair them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

from medsynth_pipeline.classification.cross_validation import (
    CrossValidated,
    FoldPlan,
    cross_validate,
    restrict_to_patients,
)
from medsynth_pipeline.classification.data import LabelledImages
from medsynth_pipeline.classification.studies import augmentation_conditions, sca_conditions, tstr_conditions
from medsynth_pipeline.classification.training import TrainSettings
from medsynth_pipeline.metrics.paired import paired_difference, verdict

GAN_TAG = " + GAN"
SEEDS_PER_SET = 1000  # seed numbering of sets_as_seeds: set k, classifier seed s -> k * 1000 + s
COMPARISON_COLUMNS = ["metric", "condition", "baseline", "value", "baseline_value", "difference", "ci_low",
                      "ci_high", "p_value", "verdict", "n_patients", "n_images", "n_boot_valid"]


def augmentation_cv(
    real: LabelledImages, plan: FoldPlan, classical_pool: LabelledImages | None, gan_pool: LabelledImages | None,
    amounts_per_class: Sequence[int], settings: TrainSettings, seeds: Sequence[int],
    generator_patients: Mapping[str, frozenset[str]], study: str = "augmentation study", draw_seed: int = 0,
) -> CrossValidated:
    def conditions(fold: int, train: LabelledImages) -> Mapping[str, LabelledImages]:
        pool = restrict_to_patients(classical_pool, plan.trains_in(fold))
        return augmentation_conditions(train, pool, gan_pool, amounts_per_class, seed=draw_seed + fold)

    return cross_validate(real, plan, conditions, settings, seeds, generator_patients, study)


def sca_cv(
    real: LabelledImages, plan: FoldPlan, model: str, synthetic_sets: Sequence[LabelledImages],
    classical_pool: LabelledImages | None, settings: TrainSettings, seeds: Sequence[int],
    generator_patients: Mapping[str, frozenset[str]], draw_seed: int = 0,
) -> CrossValidated:
    def conditions(fold: int, train: LabelledImages) -> Mapping[str, LabelledImages]:
        pool = restrict_to_patients(classical_pool, plan.trains_in(fold))
        return sca_conditions(train, {model: list(synthetic_sets)}, pool, seed=draw_seed + fold)

    return cross_validate(real, plan, conditions, settings, seeds, generator_patients, f"{model} SCA")


def tstr_cv(
    real: LabelledImages, plan: FoldPlan, model: str, synthetic: LabelledImages, settings: TrainSettings,
    seeds: Sequence[int], generator_patients: Mapping[str, frozenset[str]],
) -> CrossValidated:
    def conditions(fold: int, train: LabelledImages) -> Mapping[str, LabelledImages]:
        return tstr_conditions(train, {model: synthetic})

    return cross_validate(real, plan, conditions, settings, seeds, generator_patients, f"{model} TSTR")


def comparisons(conditions: Sequence[str], reference: str | None = None) -> list[tuple[str, str]]:
    """(condition, baseline) pairs to test.

    With a ``reference`` (SCA's "real data", TSTR's "TRTR"): every other condition against it. Otherwise the
    augmentation study's: every GAN-augmented condition against real only and against the same condition
    without the GAN images (real + classical + GAN vs real + classical).
    """
    present = list(dict.fromkeys(conditions))
    if reference is not None:
        return [(c, reference) for c in present if c != reference and reference in present]
    pairs = []
    for condition in present:
        if GAN_TAG not in condition:
            continue
        for baseline in dict.fromkeys([condition.replace(GAN_TAG, "", 1), "real"]):
            if baseline in present and (condition, baseline) not in pairs:
                pairs.append((condition, baseline))
    return pairs


def sets_as_seeds(predictions: pd.DataFrame, model: str, name: str) -> pd.DataFrame:
    """SCA's per-set conditions (``<model>/set<k>``) as one condition ``name`` whose "seeds" are the sets, so
    a paired comparison averages the metric over the synthetic sets, as 002's mean over sets does."""
    is_set = predictions["condition"].str.fullmatch(rf"{re.escape(model)}/set\d+")
    sets = predictions[is_set]
    index = sets["condition"].str.extract(r"/set(\d+)$", expand=False).astype(int)
    merged = sets.assign(condition=name, seed=index * SEEDS_PER_SET + sets["seed"].astype(int))
    return pd.concat([predictions[~is_set], merged], ignore_index=True)


def compare_conditions(
    predictions: pd.DataFrame, pairs: Sequence[tuple[str, str]], n_boot: int, confidence: float, seed: int
) -> pd.DataFrame:
    """The paired differences of every (condition, baseline) pair, with the verdict each supports."""
    frames = [paired_difference(predictions, condition, baseline, n_boot, confidence, seed)
              for condition, baseline in pairs]
    if not frames:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    table = pd.concat(frames, ignore_index=True)
    table["verdict"] = [verdict(low, high) for low, high in zip(table["ci_low"], table["ci_high"], strict=True)]
    return table[COMPARISON_COLUMNS]
