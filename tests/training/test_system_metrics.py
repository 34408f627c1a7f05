"""A training run logs mlflow's system metrics (CPU, memory) next to its losses, on CPU too."""

from __future__ import annotations

import time

import mlflow
import pytest
import torch
from mlflow.tracking import MlflowClient

from medsynth_pipeline.training import Trainer, TrainerConfig, TrainingData

from .conftest import TINY_KS, factory

SAMPLING_INTERVAL_S = 0.05
TRAINING_SECONDS = 0.6  # ≈ 12 sampling intervals: at least one sample even on a loaded 2-core machine


@pytest.fixture
def tracking_uri(tmp_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MLFLOW_SYSTEM_METRICS_SAMPLING_INTERVAL", str(SAMPLING_INTERVAL_S))
    monkeypatch.delenv("MLFLOW_ENABLE_SYSTEM_METRICS_LOGGING", raising=False)  # the tracker alone starts it
    previous = mlflow.get_tracking_uri()
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    mlflow.set_tracking_uri(uri)
    yield uri
    mlflow.set_tracking_uri(previous)


def _slow_iterations(iterations: int):
    """The tiny model trains in milliseconds; each iteration waits so the monitor thread gets to sample."""
    return lambda done, system: time.sleep(TRAINING_SECONDS / iterations)


def _train(iterations: int, prefix: str) -> None:
    data = TrainingData(torch.rand(16, 3, 16, 16))
    cfg = TrainerConfig(iterations=iterations, batch_size=8, device="cpu", log_every=iterations,
                        metrics_prefix=prefix)
    Trainer(factory(TINY_KS, 3, 16), data, cfg, callbacks=[_slow_iterations(iterations)]).fit()


def test_cpu_training_run_logs_system_metrics(tracking_uri: str) -> None:
    keys = ("system/cpu_utilization_percentage", "system/system_memory_usage_megabytes")
    client = MlflowClient(tracking_uri)
    with mlflow.start_run() as run:
        _train(6, "a/")
        first = client.get_run(run.info.run_id).data.metrics
        first_steps = {key: len(client.get_metric_history(run.info.run_id, key)) for key in keys}
        _train(6, "b/")  # a second model into the same run (the gan_training node trains several)
    assert "a/loss_D" in first
    for key in keys:
        assert key in first, f"{key} not logged by the first training; run metrics: {sorted(first)}"
        steps = [m.step for m in client.get_metric_history(run.info.run_id, key)]
        assert len(steps) == len(set(steps)), f"{key}: the second training restarted the steps {sorted(steps)}"
        assert len(steps) > first_steps[key], f"{key}: nothing logged by the second training"
    memory = client.get_metric_history(run.info.run_id, "system/system_memory_usage_megabytes")
    assert all(m.value > 0 for m in memory)


def test_no_active_run_no_system_metrics_thread(tracking_uri: str) -> None:
    import threading

    assert mlflow.active_run() is None
    _train(2, "")
    assert not [t for t in threading.enumerate() if t.name == "SystemMetricsMonitor"]
    assert mlflow.search_runs(search_all_experiments=True).empty  # nothing opened a run of its own
