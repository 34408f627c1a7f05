"""Study conditions and the guarantee that no test patient reaches training."""

from __future__ import annotations

import numpy as np
import pytest

from medsynth_pipeline.classification.data import LabelledImages, assert_patient_disjoint
from medsynth_pipeline.classification.studies import (
    augmentation_conditions,
    evaluate_conditions,
    sca_conditions,
    summarise_study,
    tstr_conditions,
)
from medsynth_pipeline.classification.training import TrainSettings

from .conftest import make_images

ANN = TrainSettings(architecture="ann", hidden=16, batch_size=16, max_epochs=15, patience=5)


def _pools(train: LabelledImages) -> tuple[LabelledImages, LabelledImages]:
    classical = make_images(list(train.patient_ids[::10]), 10, seed=5, source="classical")
    gan = make_images(["synthetic:dcgan"], 40, seed=6, source="gan")
    return classical, gan


def test_augmentation_conditions_add_the_configured_amount_per_class(splits: tuple[LabelledImages, ...]) -> None:
    train, _, _ = splits
    classical, gan = _pools(train)
    conditions = augmentation_conditions(train, classical, gan, amounts_per_class=[7])
    assert list(conditions) == ["real", "real + classical", "real + GAN", "real + classical + GAN"]
    both = conditions["real + classical + GAN"].composition().set_index(["source", "label"])["count"]
    assert both.to_dict() == {("classical", 0): 7, ("classical", 1): 7, ("gan", 0): 7, ("gan", 1): 7,
                              ("real", 0): 30, ("real", 1): 30}
    assert list(augmentation_conditions(train, None, gan, [7])) == ["real", "real + GAN"]


def test_sca_trains_on_synthetic_positives_and_real_negatives(splits: tuple[LabelledImages, ...]) -> None:
    train, _, _ = splits
    classical, gan = _pools(train)
    imbalanced = LabelledImages.concat([train.of_class(0), train.of_class(1).subset(np.arange(5))])
    conditions = sca_conditions(imbalanced, {"dcgan": [gan, gan]}, classical)
    assert list(conditions) == ["dcgan/set0", "dcgan/set1", "real data"]
    first = conditions["dcgan/set0"].composition().set_index(["source", "label"])["count"].to_dict()
    assert first == {("gan", 1): 20, ("real", 0): 30}  # all 20 synthetic positives (fewer than 30 negatives)
    reference = conditions["real data"].composition().set_index(["source", "label"])["count"].to_dict()
    assert reference == {("classical", 1): 25, ("real", 0): 30, ("real", 1): 5}  # topped up to 30 positives


def test_tstr_needs_both_classes(splits: tuple[LabelledImages, ...]) -> None:
    train, _, _ = splits
    _, gan = _pools(train)
    assert list(tstr_conditions(train, {"dcgan": gan})) == ["TRTR", "TSTR dcgan"]
    with pytest.raises(ValueError, match="single class"):
        tstr_conditions(train, {"dcgan": gan.of_class(1)})


def test_a_test_patient_in_training_is_refused(splits: tuple[LabelledImages, ...]) -> None:
    train, val, test = splits
    leaked = LabelledImages.concat([train, test.subset(np.arange(3))])
    with pytest.raises(ValueError, match="X0"):
        assert_patient_disjoint(leaked, val, test, "toy")
    with pytest.raises(ValueError, match="validation"):
        assert_patient_disjoint(train, LabelledImages.concat([val, test.subset([0])]), test, "toy")
    # Classical augmentations carry their source patient, so an augmented test image is caught too.
    augmented_test = make_images(["X1"], 2, seed=9, source="classical")
    with pytest.raises(ValueError, match="X1"):
        evaluate_conditions({"leak": LabelledImages.concat([train, augmented_test])}, val, test, ANN, [0])


def test_evaluate_and_summarise_a_small_study(splits: tuple[LabelledImages, ...]) -> None:
    train, val, test = splits
    _, gan = _pools(train)
    result = evaluate_conditions(tstr_conditions(train, {"dcgan": gan}), val, test, ANN, seeds=[0, 1], study="toy")
    assert len(result.runs) == 4 and set(result.runs["condition"]) == {"TRTR", "TSTR dcgan"}
    assert (result.runs["accuracy"] >= 0.75).all()  # the toy is separable and the GAN pool mimics it
    assert len(result.predictions) == 4 * len(test)
    summary = summarise_study(result.predictions, n_boot=100)
    assert set(summary["metric"]) == {"accuracy", "balanced_accuracy", "sensitivity", "specificity", "roc_auc"}
    row = summary.set_index(["condition", "metric"]).loc[("TRTR", "accuracy")]
    assert row["n_seeds"] == 2 and row["ci_low"] <= row["mean"] <= row["ci_high"]


def test_balanced_subsample_keeps_the_minority_class_whole(splits: tuple[LabelledImages, ...]) -> None:
    _, _, test = splits
    skewed = LabelledImages.concat([test.of_class(0), test.of_class(1).subset(np.arange(4))])
    balanced = skewed.balanced(np.random.default_rng(0))
    assert np.bincount(balanced.labels).tolist() == [4, 4]
    assert (balanced.of_class(1).images == skewed.of_class(1).images).all()
