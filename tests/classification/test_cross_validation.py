"""Patient-grouped k-fold cross-validation: every evaluation patient tested once, paired conditions, no leak."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from medsynth_pipeline.classification.cross_validation import (
    FoldPlan,
    GeneratorLeak,
    assert_no_generator_leak,
    cross_validate,
    restrict_to_patients,
)
from medsynth_pipeline.classification.data import LabelledImages
from medsynth_pipeline.classification.training import TrainSettings
from medsynth_pipeline.imaging.patches.splits import split_patients

from .conftest import make_images

ANN = TrainSettings(architecture="ann", hidden=16, batch_size=16, max_epochs=8, patience=3)
GEN, VAL, EVAL = [f"G{i}" for i in range(4)], [f"V{i}" for i in range(2)], [f"E{i}" for i in range(9)]


def _splits() -> pd.DataFrame:
    return pd.DataFrame({"patient_id": GEN + VAL + EVAL,
                         "split": ["train"] * len(GEN) + ["val"] * len(VAL) + ["test"] * len(EVAL),
                         "fold": [-1] * (len(GEN) + len(VAL)) + [i % 3 for i in range(len(EVAL))]})


def test_split_patients_deals_test_patients_into_stratified_folds() -> None:
    patients = pd.DataFrame({"patient_id": [f"P{i:03d}" for i in range(100)], "has_clin_sig": [i % 4 == 0 for i in range(100)]})
    table = split_patients(patients, {"train": 0.3, "val": 0.1, "test": 0.6}, seed=3, test_folds=5)
    test = table[table["split"] == "test"]
    assert sorted(test["fold"].unique()) == [0, 1, 2, 3, 4]
    assert (table.loc[table["split"] != "test", "fold"] == -1).all()
    per_fold = test.groupby("fold")["has_clin_sig"].agg(["size", "sum"])
    assert per_fold["size"].max() - per_fold["size"].min() <= 1
    assert per_fold["sum"].max() - per_fold["sum"].min() <= 1  # stratified: ClinSig patients spread evenly
    with pytest.raises(ValueError, match="cannot fill"):
        split_patients(patients.head(5), {"train": 0.8, "test": 0.2}, seed=0, test_folds=5)


def test_every_evaluation_patient_is_tested_exactly_once_and_conditions_are_paired() -> None:
    real = make_images(GEN + VAL + EVAL, 6, seed=0)
    plan = FoldPlan.from_splits(_splits())
    gan = make_images(["synthetic:dcgan"], 20, seed=4, source="gan")

    def conditions(fold: int, train: LabelledImages) -> dict[str, LabelledImages]:
        assert not train.real_patients() & plan.tested_in(fold)
        assert set(GEN) <= train.real_patients()  # generator patients always train
        return {"real": train, "real + GAN": LabelledImages.concat([train, gan])}

    result = cross_validate(real, plan, conditions, ANN, [0, 1], {"dcgan": frozenset(GEN)}, study="cv")
    for _, group in result.predictions.groupby(["condition", "seed"]):
        assert sorted(group["patient_id"].unique()) == sorted(EVAL)
        assert group.groupby("patient_id")["fold"].nunique().max() == 1  # each patient in one fold only
        assert len(group) == 6 * len(EVAL)
    real_only = result.predictions[result.predictions["condition"] == "real"].sort_values(["seed", "test_index"])
    with_gan = result.predictions[result.predictions["condition"] == "real + GAN"].sort_values(["seed", "test_index"])
    np.testing.assert_array_equal(real_only["patient_id"].to_numpy(), with_gan["patient_id"].to_numpy())
    assert set(result.runs["fold"]) == {0, 1, 2} and len(result.runs) == 2 * 3 * 2


def test_a_generator_that_saw_a_test_patient_stops_the_study() -> None:
    real = make_images(GEN + VAL + EVAL, 4, seed=1)
    plan = FoldPlan.from_splits(_splits())
    gan = make_images(["synthetic:leaky"], 20, seed=4, source="gan")

    def conditions(fold: int, train: LabelledImages) -> dict[str, LabelledImages]:
        return {"real + GAN": LabelledImages.concat([train, gan])}

    with pytest.raises(GeneratorLeak, match="leaky.*E0"):  # trained on an evaluation patient
        cross_validate(real, plan, conditions, ANN, [0], {"leaky": frozenset(GEN + ["E0"])}, study="cv")
    with pytest.raises(GeneratorLeak, match="unknown"):
        assert_no_generator_leak(gan, frozenset(["E1"]), {}, "cv")
    assert_no_generator_leak(gan, frozenset(["E1"]), {"leaky": frozenset(GEN)}, "cv")  # no overlap: fine


def test_classical_pool_is_restricted_to_the_folds_training_patients() -> None:
    pool = make_images(["G0", "E0", "E1"], 4, seed=2, source="classical")
    kept = restrict_to_patients(pool, frozenset(["G0", "E1"]))
    assert set(kept.patient_ids) == {"G0", "E1"}
    assert restrict_to_patients(pool, frozenset(["X"])) is None


def test_fold_plan_refuses_splits_without_folds() -> None:
    with pytest.raises(ValueError, match="fold"):
        FoldPlan.from_splits(_splits().drop(columns="fold"))
