"""Two `kedro run`s in one process (a notebook, a scheduler worker) each land in their own project's MLflow store."""

from __future__ import annotations

import shutil
from pathlib import Path

import mlflow
import pytest
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from kedro.pipeline import Node, Pipeline


def _double(params: dict) -> int:
    return params["a"] * 2


def _scratch_project(root: Path, project_root: Path) -> Path:
    for env in ("base", "test", "local"):
        (root / "conf" / env).mkdir(parents=True)
    (root / "src").mkdir()  # bootstrap_project wants a source folder; the package is installed
    shutil.copy(project_root / "pyproject.toml", root)
    shutil.copy(project_root / "conf/base/mlflow.yml", root / "conf/base")
    (root / "conf/base/catalog.yml").write_text("{}\n")
    (root / "conf/base/parameters_scratch.yml").write_text("scratch: {a: 1}\n")
    return root


@pytest.mark.slow
def test_consecutive_sessions_log_to_their_own_store(tmp_path, monkeypatch, project_root) -> None:
    from medsynth_pipeline import pipeline_registry

    scratch = Pipeline([Node(_double, "params:scratch", "doubled", name="double")])
    monkeypatch.setattr(pipeline_registry, "register_pipelines", lambda: {"scratch": scratch})
    projects = [_scratch_project(tmp_path / name, project_root) for name in ("first", "second")]
    for project in projects:
        monkeypatch.chdir(project)
        bootstrap_project(project)
        with KedroSession.create(project_path=project, env="test") as session:
            session.run(pipeline_names=["scratch"])
        assert mlflow.active_run() is None, "a finished run stayed on the active-run stack"

    for project in projects:
        client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{project / 'mlflow.db'}")
        experiment = client.get_experiment_by_name("medsynth_pipeline")
        assert experiment is not None, f"no MLflow experiment in {project}"
        (run,) = client.search_runs([experiment.experiment_id])
        assert run.info.status == "FINISHED" and run.data.params["scratch.a"] == "1"
