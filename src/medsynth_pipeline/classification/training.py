"""Classifier training (Adam, cross-entropy, early stopping on the validation split) and prediction."""

from __future__ import annotations

import copy
import logging
import time
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from medsynth_pipeline.classification.data import LabelledImages
from medsynth_pipeline.metrics.results import InsufficientData
from medsynth_pipeline.models.classifiers import build_classifier

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainSettings:
    """How one classifier is built and trained. Defaults are 004's (Adam 1e-3, batch 192, patience 10)."""

    architecture: str = "resnet50"
    hidden: int = 256
    dropout: float = 0.5
    imagenet_weights: str | None = None
    input_size: int | None = None
    center_crop: int | None = None  # 004: inputs larger than this are centre-cropped to it (240 -> 224)
    learning_rate: float = 1e-3
    batch_size: int = 192
    max_epochs: int = 100
    patience: int = 10
    class_weight: str | None = None  # "balanced": loss weights inverse to the training class frequencies
    device: str = "cpu"

    @classmethod
    def from_dict(cls, settings: dict[str, Any]) -> TrainSettings:
        known = {f.name for f in fields(cls)}
        unknown = set(settings) - known
        if unknown:
            raise ValueError(f"unknown classifier settings {sorted(unknown)}; known: {sorted(known)}")
        return cls(**settings)


@dataclass
class TrainedClassifier:
    model: nn.Module
    history: pd.DataFrame  # epoch, train_loss, val_loss, val_accuracy
    best_epoch: int
    stopped_early: bool


def _batches(n: int, batch_size: int, generator: torch.Generator | None) -> list[torch.Tensor]:
    order = torch.randperm(n, generator=generator) if generator is not None else torch.arange(n)
    return list(order.split(batch_size))


def class_weights(labels: np.ndarray, mode: str | None) -> torch.Tensor | None:
    """``balanced``: n / (2 n_c) per class, so both classes weigh the same in the loss; ``None``: unweighted."""
    if mode is None:
        return None
    if mode != "balanced":
        raise ValueError(f"class_weight must be null or 'balanced', got {mode!r}")
    counts = np.bincount(labels, minlength=2).astype(np.float64)
    return torch.tensor(len(labels) / (2.0 * np.maximum(counts, 1.0)), dtype=torch.float32)


@torch.no_grad()
def _evaluate(model: nn.Module, data: LabelledImages, settings: TrainSettings,
              weight: torch.Tensor | None = None) -> tuple[float, float]:
    model.eval()
    labels = torch.as_tensor(data.labels)
    loss, correct = 0.0, 0
    for idx in _batches(len(data), settings.batch_size, None):
        logits = model(data.images[idx].to(settings.device)).cpu()
        loss += float(F.cross_entropy(logits, labels[idx], weight=weight, reduction="sum"))
        correct += int((logits.argmax(1) == labels[idx]).sum())
    return loss / len(data), correct / len(data)


def train_classifier(
    train: LabelledImages, val: LabelledImages, settings: TrainSettings, seed: int, label: str = "classifier"
) -> TrainedClassifier:
    """Train a fresh classifier; keep the weights of the epoch with the lowest validation loss.

    Stops after ``patience`` epochs without improvement (004: early stopping of 10 epochs).
    """
    if len(train) == 0 or len(val) == 0:
        raise InsufficientData(f"{label}: empty training ({len(train)}) or validation ({len(val)}) set")
    if len(set(train.labels.tolist())) < 2:
        raise InsufficientData(f"{label}: the training set holds a single class {set(train.labels.tolist())}")
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = build_classifier(settings.architecture, tuple(train.images.shape[1:]), 2, settings.hidden,
                             settings.dropout, settings.imagenet_weights, settings.input_size,
                             settings.center_crop).to(settings.device)
    optimiser = torch.optim.Adam(model.parameters(), lr=settings.learning_rate)
    labels = torch.as_tensor(train.labels)
    weight = class_weights(train.labels, settings.class_weight)
    device_weight = None if weight is None else weight.to(settings.device)
    best_loss, best_epoch, best_state, rows = float("inf"), 0, copy.deepcopy(model.state_dict()), []
    started = time.perf_counter()
    for epoch in range(1, settings.max_epochs + 1):
        model.train()
        total = 0.0
        for idx in _batches(len(train), settings.batch_size, generator):
            if len(idx) < 2:
                continue  # BatchNorm cannot train on a batch of one (the image is in another epoch's batches)
            optimiser.zero_grad()
            loss = F.cross_entropy(model(train.images[idx].to(settings.device)), labels[idx].to(settings.device),
                                   weight=device_weight)
            loss.backward()
            optimiser.step()
            total += float(loss.detach()) * len(idx)
        val_loss, val_accuracy = _evaluate(model, val, settings, weight)
        rows.append({"epoch": epoch, "train_loss": total / len(train), "val_loss": val_loss, "val_accuracy": val_accuracy})
        if val_loss < best_loss:
            best_loss, best_epoch, best_state = val_loss, epoch, copy.deepcopy(model.state_dict())
        if epoch - best_epoch >= settings.patience:
            break
    elapsed = time.perf_counter() - started
    log.info("%s (seed %d): %d epochs in %.1f s (%.0f img/s), best epoch %d, val loss %.4f", label, seed, epoch,
             elapsed, epoch * len(train) / max(elapsed, 1e-9), best_epoch, best_loss)
    model.load_state_dict(best_state)
    model.eval()
    return TrainedClassifier(model, pd.DataFrame(rows), best_epoch, stopped_early=epoch < settings.max_epochs)


@torch.no_grad()
def predict(
    model: nn.Module, images: torch.Tensor, batch_size: int = 256, device: str = "cpu"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features from ``model.embed``, logits, positive-class probability) for ``[N, C, H, W]`` images."""
    model.eval()
    features, logits = [], []
    for start in range(0, images.shape[0], batch_size):
        batch = images[start : start + batch_size].to(device)
        embedded = model.embed(batch)
        features.append(embedded.cpu())
        logits.append(model.head(embedded).cpu())
    all_logits = torch.cat(logits)
    probability = all_logits.softmax(dim=1)[:, 1]
    return torch.cat(features).numpy(), all_logits.numpy(), probability.numpy()
