"""MlflowProvenanceHook pieces against a real MLflow store in a temporary folder."""

from __future__ import annotations

import subprocess
from pathlib import Path

import mlflow
from mlflow.tracking import MlflowClient

from medsynth_pipeline.hooks import SHARED_RUN_ENV, airflow_tags, create_airflow_run, git_provenance

ROOT = Path(__file__).resolve().parents[2]


def test_airflow_tags_come_from_the_task_environment() -> None:
    environ = {"AIRFLOW_CTX_DAG_ID": "dag", "AIRFLOW_CTX_DAG_RUN_ID": "scheduled__2026-01-05", "PATH": "/bin"}
    assert airflow_tags(environ) == {"airflow.dag_id": "dag", "airflow.dag_run_id": "scheduled__2026-01-05"}
    assert airflow_tags({"PATH": "/bin"}) == {}


def test_git_provenance_names_the_checked_out_commit(tmp_path: Path) -> None:
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    tags = git_provenance(ROOT)
    assert tags["git.commit"] == head and len(head) == 40
    assert tags["git.dirty"] in {"true", "false"}
    assert git_provenance(tmp_path) == {}  # not a checkout: no made-up commit


def test_the_first_task_creates_a_named_tagged_run(tmp_path: Path) -> None:
    client = MlflowClient(tracking_uri=f"sqlite:///{tmp_path / 'mlflow.db'}")
    experiment = client.create_experiment("e", artifact_location=(tmp_path / "artifacts").as_uri())
    tags = {"airflow.dag_id": "d", "airflow.dag_run_id": "scheduled__1", "git.commit": "abc"}
    first = create_airflow_run(client, experiment, tags)
    second = create_airflow_run(client, experiment, {**tags, "airflow.dag_run_id": "it's"})
    assert first != second
    run = client.get_run(first)
    assert run.info.run_name == "d/scheduled__1" and run.data.tags["git.commit"] == "abc"
    assert mlflow.active_run() is None


class _Config:  # the part of kedro-mlflow's context.mlflow the hook writes
    class tracking:  # noqa: N801
        class run:  # noqa: N801
            id = None


class _Context:
    project_path = ROOT
    mlflow = _Config()


def test_a_task_joins_the_run_named_by_the_first_task(monkeypatch) -> None:
    from medsynth_pipeline.hooks import MlflowProvenanceHook

    context = _Context()
    monkeypatch.delenv("AIRFLOW_CTX_DAG_RUN_ID", raising=False)
    monkeypatch.setenv(SHARED_RUN_ENV, "run-from-xcom")
    MlflowProvenanceHook().after_context_created(context)
    assert context.mlflow.tracking.run.id is None  # outside Airflow: kedro-mlflow's own choice stands
    monkeypatch.setenv("AIRFLOW_CTX_DAG_RUN_ID", "manual__1")
    MlflowProvenanceHook().after_context_created(context)
    assert context.mlflow.tracking.run.id == "run-from-xcom"


def test_a_failed_task_stays_on_record(tmp_path: Path, monkeypatch) -> None:
    from medsynth_pipeline.hooks import MlflowProvenanceHook

    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    monkeypatch.setenv("AIRFLOW_CTX_TASK_ID", "train-gan")
    monkeypatch.setenv("AIRFLOW_CTX_DAG_RUN_ID", "manual__1")
    hook = MlflowProvenanceHook()
    with mlflow.start_run() as run:
        hook.before_pipeline_run({"project_path": str(ROOT)})
    hook.on_pipeline_error(ValueError("no patch matches"))
    tags = MlflowClient().get_run(run.info.run_id).data.tags
    mlflow.set_tracking_uri(previous)
    assert tags["airflow.failed_task.train-gan"] == "ValueError: no patch matches"
    assert tags["airflow.dag_run_id"] == "manual__1" and tags["git.commit"]
