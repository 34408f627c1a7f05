"""Kedro hooks of the project: provenance tags on every MLflow run, no stale run reused across sessions.

Registered in settings.py: ``HOOKS = (StaleMlflowRunGuard(), MlflowProvenanceHook())``.

Every ``kedro run`` is one MLflow run (kedro-mlflow starts it). Each run is tagged with the git commit of
the code (and whether the work tree had uncommitted changes). Under Airflow, a DAG run executes as several
tasks, each its own ``kedro run``; they all log into ONE MLflow run per Airflow DAG run. The DAG's first
task creates it (:func:`open_airflow_run`) and hands its id to every other task through XCom, which
sets ``MLFLOW_RUN_ID``: nothing is searched for or locked, so tasks may run on any worker of any executor
(Celery, Kubernetes) that reaches the tracking server. The run is tagged with the DAG, run id and logical
date, so two scheduled runs are two MLflow runs that can be compared side by side.
"""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path
from typing import Any

import mlflow
from kedro.framework.hooks import hook_impl
from mlflow.tracking import MlflowClient

logger = logging.getLogger(__name__)

# Set by Airflow in every task's environment (airflow.sdk.execution_time.context.AIRFLOW_VAR_NAME_FORMAT_MAPPING).
AIRFLOW_ENV_TAGS = {
    "AIRFLOW_CTX_DAG_ID": "airflow.dag_id",
    "AIRFLOW_CTX_DAG_RUN_ID": "airflow.dag_run_id",
    "AIRFLOW_CTX_LOGICAL_DATE": "airflow.logical_date",
    "AIRFLOW_CTX_TRY_NUMBER": "airflow.try_number",
}
RUN_ID_TAG = "airflow.dag_run_id"
# MLflow's own variable for "log into this run"; the DAG sets it in every task from the first task's XCom.
SHARED_RUN_ENV = "MLFLOW_RUN_ID"


def git_provenance(project_path: Path) -> dict[str, str]:
    """``git.commit`` and ``git.dirty`` of the work tree at ``project_path`` ({} outside a git checkout)."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=project_path, capture_output=True, text=True, check=True, timeout=30
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        return {}
    return {"git.commit": commit, "git.dirty": str(dirty).lower()}


def airflow_tags(environ: os._Environ[str] | dict[str, str] = os.environ) -> dict[str, str]:
    """The Airflow context of the current task as MLflow tags ({} outside Airflow)."""
    return {tag: environ[var] for var, tag in AIRFLOW_ENV_TAGS.items() if environ.get(var)}


def create_airflow_run(client: MlflowClient, experiment_id: str, tags: dict[str, str]) -> str:
    """A new MLflow run for one Airflow DAG run, named ``<dag_id>/<dag_run_id>`` and tagged with ``tags``."""
    run = client.create_run(experiment_id, run_name=f"{tags.get('airflow.dag_id', 'dag')}/{tags[RUN_ID_TAG]}",
                            tags=tags)
    logger.info("MLflow run %s created for Airflow run %s", run.info.run_id, tags[RUN_ID_TAG])
    return run.info.run_id


def open_airflow_run(context: Any) -> str:
    """The first task of a DAG run: create its MLflow run in the project's experiment; returns the run id.

    ``context`` is a loaded Kedro context (kedro-mlflow has set the tracking URI and the experiment).
    """
    tags = airflow_tags()
    if RUN_ID_TAG not in tags:
        raise RuntimeError("open_airflow_run: not inside an Airflow task (no AIRFLOW_CTX_DAG_RUN_ID)")
    experiment = context.mlflow.tracking.experiment._experiment
    if experiment is None:
        raise RuntimeError("open_airflow_run: kedro-mlflow set up no experiment (conf/<env>/mlflow.yml)")
    client = MlflowClient(tracking_uri=mlflow.get_tracking_uri())
    return create_airflow_run(client, experiment.experiment_id, {**git_provenance(Path(context.project_path)), **tags})


class MlflowProvenanceHook:
    """Tags each MLflow run with git and Airflow provenance; joins the tasks of one Airflow run."""

    def __init__(self) -> None:
        self._project_path: Path | None = None
        self._run_id: str | None = None

    @hook_impl(trylast=True)  # after kedro-mlflow has read mlflow.yml and set the tracking URI
    def after_context_created(self, context: Any) -> None:
        self._project_path = Path(context.project_path)
        mlflow_config = getattr(context, "mlflow", None)
        if mlflow_config is None or RUN_ID_TAG not in airflow_tags() or mlflow.active_run() is not None:
            return
        if os.environ.get(SHARED_RUN_ENV):
            mlflow_config.tracking.run.id = os.environ[SHARED_RUN_ENV]

    @hook_impl(trylast=True)  # after kedro-mlflow has started (or resumed) the run
    def before_pipeline_run(self, run_params: dict[str, Any]) -> None:
        if mlflow.active_run() is None:
            return
        self._run_id = mlflow.active_run().info.run_id
        if RUN_ID_TAG in airflow_tags() and not os.environ.get(SHARED_RUN_ENV):
            logger.warning("Airflow task without %s: it logs to an MLflow run of its own (regenerate the DAG "
                           "with `make airflow-dag`: its first task opens the shared run)", SHARED_RUN_ENV)
        project_path = self._project_path or Path(run_params.get("project_path") or Path.cwd())
        tags = {**git_provenance(project_path), **airflow_tags()}
        if tags:
            mlflow.set_tags(tags)

    @hook_impl
    def on_pipeline_error(self, error: Exception) -> None:
        # A later task that succeeds ends the shared run as FINISHED: the failed task stays on record here.
        task_id = os.environ.get("AIRFLOW_CTX_TASK_ID")
        if self._run_id and task_id:
            MlflowClient(tracking_uri=mlflow.get_tracking_uri()).set_tag(
                self._run_id, f"airflow.failed_task.{task_id}", f"{type(error).__name__}: {error}"[:500]
            )


class StaleMlflowRunGuard:
    """Keeps finished MLflow runs off this process's active-run stack.

    kedro-mlflow ends its run in the store at the end of ``kedro run``, but with mlflow 3 the run can stay
    on the fluent active-run stack; a later session in the same process (a notebook, a test) would then
    take it for a run an orchestrator opened and log into it. A run still RUNNING is left alone: that is
    the orchestrator case kedro-mlflow supports.
    """

    @staticmethod
    def _drop_finished_runs() -> None:
        while (run := mlflow.active_run()) is not None:
            status = MlflowClient(tracking_uri=mlflow.get_tracking_uri()).get_run(run.info.run_id).info.status
            if status == "RUNNING":
                return
            logger.debug("Dropping finished MLflow run %s (%s) from the active-run stack", run.info.run_id, status)
            mlflow.end_run(status)

    @hook_impl(tryfirst=True)  # before kedro-mlflow looks at mlflow.active_run()
    def after_context_created(self, context: Any) -> None:
        self._drop_finished_runs()

    @hook_impl(trylast=True)  # after kedro-mlflow has ended its run
    def after_pipeline_run(self) -> None:
        self._drop_finished_runs()

    @hook_impl(trylast=True)
    def on_pipeline_error(self) -> None:
        self._drop_finished_runs()
