"""Shared test setup: no network, no telemetry, no GUI backends, small deterministic data."""

from __future__ import annotations

import os

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import torch  # noqa: E402

# The tests' networks are tiny: one thread avoids oversubscription on CI's 2 cores (several times faster).
torch.set_num_threads(1)

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def factory():
    """tests/fixtures_dicom/factory.py (DICOM fixture writers), loaded by path: test helpers are not importable
    by name (a `tests` package of a dependency shadows ours in site-packages)."""
    import importlib.util
    import sys

    name = "medsynth_test_fixtures_dicom"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, PROJECT_ROOT / "tests" / "fixtures_dicom" / "factory.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(autouse=True)
def isolated_mlflow_state(monkeypatch: pytest.MonkeyPatch):
    """Each test starts without the MLflow globals an earlier test's `kedro run` left behind.

    kedro-mlflow sets the active experiment (also as MLFLOW_* environment variables) process-wide; a later
    test pointing at another store would inherit an experiment id that is not there.
    """
    import mlflow
    from mlflow.tracking import fluent

    for name in ("MLFLOW_EXPERIMENT_ID", "MLFLOW_EXPERIMENT_NAME", "MLFLOW_RUN_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(fluent, "_active_experiment_id", None)
    yield
    while mlflow.active_run() is not None:
        mlflow.end_run()
