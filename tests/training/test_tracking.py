"""Metrics reach MLflow step-indexed while a run is active; nothing is logged without one."""

from __future__ import annotations

import mlflow
import pytest
import torch
from mlflow.tracking import MlflowClient

from medsynth_pipeline.training import Trainer, TrainerConfig, TrainingData
from medsynth_pipeline.training.tracking import MlflowTracker

from .conftest import TINY_KS, factory


@pytest.fixture(scope="module")
def tracking_uri(tmp_path_factory: pytest.TempPathFactory):
    # One database for the module: creating an MLflow sqlite store takes seconds.
    previous = mlflow.get_tracking_uri()
    uri = f"sqlite:///{tmp_path_factory.mktemp('mlflow') / 'mlflow.db'}"
    mlflow.set_tracking_uri(uri)
    yield uri
    mlflow.set_tracking_uri(previous)


def test_losses_streamed_per_iteration(tracking_uri: str) -> None:
    data = TrainingData(torch.rand(16, 3, 16, 16))
    cfg = TrainerConfig(iterations=7, batch_size=8, log_every=3, metrics_prefix="toy/")
    with mlflow.start_run() as run:
        Trainer(factory(TINY_KS, 3, 16), data, cfg).fit()
    client = MlflowClient(tracking_uri)
    for key in ("toy/loss_D", "toy/loss_G", "toy/D_x", "toy/D_G_z"):
        history = client.get_metric_history(run.info.run_id, key)
        assert sorted(m.step for m in history) == list(range(1, 8)), key
    assert client.get_metric_history(run.info.run_id, "toy/images_per_second")[0].value > 0


def test_flushes_in_batches_while_training(tracking_uri: str) -> None:
    with mlflow.start_run() as run:
        tracker = MlflowTracker(prefix="m/", flush_every=2)
        tracker.log(1, {"loss": 1.0})
        client = MlflowClient(tracking_uri)
        assert client.get_metric_history(run.info.run_id, "m/loss") == []  # buffered
        tracker.log(2, {"loss": 0.5})
        assert [m.value for m in client.get_metric_history(run.info.run_id, "m/loss")] == [1.0, 0.5]
        tracker.close()


def test_no_active_run_no_logging() -> None:
    assert mlflow.active_run() is None
    tracker = MlflowTracker(prefix="m/")
    assert not tracker.active
    tracker.log(1, {"loss": 1.0})
    tracker.close()
    assert mlflow.active_run() is None  # the tracker never opens a run of its own
