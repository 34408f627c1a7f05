"""Classifier training: it learns a separable toy, early stopping stops and restores the best epoch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from medsynth_pipeline.classification.data import LabelledImages
from medsynth_pipeline.classification.training import (
    TrainSettings,
    _evaluate,
    class_weights,
    predict,
    train_classifier,
)

ANN = TrainSettings(architecture="ann", hidden=16, batch_size=16, max_epochs=40, patience=5)


def test_learns_a_separable_toy(splits: tuple[LabelledImages, ...]) -> None:
    train, val, test = splits
    trained = train_classifier(train, val, ANN, seed=0)
    features, logits, probability = predict(trained.model, test.images)
    assert features.shape == (len(test), 16) and logits.shape == (len(test), 2)
    assert np.mean((probability >= 0.5) == test.labels) > 0.9


def test_early_stopping_stops_and_restores_the_best_epoch(splits: tuple[LabelledImages, ...]) -> None:
    train, val, _ = splits
    rng = np.random.default_rng(3)
    noise = LabelledImages(torch.rand(40, 1, 8, 8), rng.integers(0, 2, 40), train.patient_ids[:40], train.sources[:40])
    settings = TrainSettings(architecture="ann", hidden=64, batch_size=8, max_epochs=200, patience=3)
    trained = train_classifier(noise, val, settings, seed=0)
    assert trained.stopped_early
    assert len(trained.history) == trained.best_epoch + settings.patience < settings.max_epochs
    best_val_loss = trained.history["val_loss"].min()
    assert _evaluate(trained.model, val, settings)[0] == pytest.approx(best_val_loss, rel=1e-5)


def test_same_seed_same_model(splits: tuple[LabelledImages, ...]) -> None:
    train, val, test = splits
    settings = TrainSettings(architecture="ann", hidden=8, batch_size=16, max_epochs=3, patience=3)
    a = predict(train_classifier(train, val, settings, seed=4).model, test.images)[2]
    b = predict(train_classifier(train, val, settings, seed=4).model, test.images)[2]
    assert np.array_equal(a, b)


def test_resnet_trains_one_epoch(splits: tuple[LabelledImages, ...]) -> None:
    train, val, _ = splits
    settings = TrainSettings(architecture="resnet18", batch_size=32, max_epochs=1, patience=1)
    trained = train_classifier(train, val, settings, seed=0)
    assert len(trained.history) == 1 and np.isfinite(trained.history["val_loss"]).all()


def test_refuses_single_class_and_unknown_settings(splits: tuple[LabelledImages, ...]) -> None:
    train, val, _ = splits
    with pytest.raises(ValueError, match="single class"):
        train_classifier(train.of_class(1), val, ANN, seed=0)
    with pytest.raises(ValueError, match="learning_rat"):
        TrainSettings.from_dict({"learning_rat": 0.1})


def test_balanced_class_weights_make_the_minority_count(splits: tuple[LabelledImages, ...]) -> None:
    weights = class_weights(np.array([0] * 9 + [1]), "balanced")
    assert weights.tolist() == pytest.approx([10 / 18, 10 / 2])  # 9 x 0.56 == 1 x 5: equal total weight
    assert class_weights(np.array([0, 1]), None) is None
    with pytest.raises(ValueError, match="balanced"):
        class_weights(np.array([0, 1]), "inverse")
    # On a 1:9 training set the weighted classifier still finds the minority class.
    train, val, test = splits
    rare = LabelledImages.concat([train.of_class(0), train.of_class(1).subset(np.arange(3))])
    settings = TrainSettings(architecture="ann", hidden=16, batch_size=16, max_epochs=40, patience=5,
                             class_weight="balanced")
    probability = predict(train_classifier(rare, val, settings, seed=0).model, test.images)[2]
    assert (probability[test.labels == 1] >= 0.5).mean() > 0.5
