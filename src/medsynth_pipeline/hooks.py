"""Kedro hooks of the project: provenance tags on every MLflow run, no stale run reused across sessions.

Registered in settings.py: ``HOOKS = (StaleMlflowRunGuard(), MlflowProvenanceHook())``.

Every ``kedro run`` is one MLflow run (kedro-mlflow starts it). Each run is tagged with the git commit of
the code (and whether the work tree had uncommitted changes). Under Airflow, a DAG run executes as several
tasks, each its own ``kedro run``; they all log into ONE MLflow run per Airflow DAG run, found by its
``airflow.dag_run_id`` tag (the first task creates it), and that run is tagged with the DAG, run id and
logical date, so two scheduled runs are two MLflow runs that can be compared side by side.
"""

from __future__ import annotations

import fcntl
import logging
import os
import subprocess
from contextlib import contextmanager
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


@contextmanager
def _file_lock(path: Path):
    """Serialises find-or-create between Airflow tasks that start at once on this machine."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _quoted(value: str) -> str:
    """A string literal for an MLflow search filter, which has no escapes: pick the quote not in ``value``."""
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise ValueError(f"Airflow run id {value!r} holds both quote characters; MLflow cannot search for it")


def find_or_create_airflow_run(client: MlflowClient, experiment_id: str, tags: dict[str, str], lock: Path) -> str:
    """The id of the MLflow run of this Airflow DAG run, created (with ``tags``) by the first task."""
    query = f"tags.`{RUN_ID_TAG}` = {_quoted(tags[RUN_ID_TAG])} AND tags.`airflow.dag_id` = {_quoted(tags.get('airflow.dag_id', ''))}"
    with _file_lock(lock):
        found = client.search_runs([experiment_id], filter_string=query, max_results=1)
        if found:
            return found[0].info.run_id
        run = client.create_run(experiment_id, run_name=f"{tags.get('airflow.dag_id', 'dag')}/{tags[RUN_ID_TAG]}",
                                tags=tags)
        logger.info("MLflow run %s created for Airflow run %s", run.info.run_id, tags[RUN_ID_TAG])
        return run.info.run_id


class MlflowProvenanceHook:
    """Tags each MLflow run with git and Airflow provenance; joins the tasks of one Airflow run."""

    def __init__(self) -> None:
        self._project_path: Path | None = None
        self._run_id: str | None = None

    @hook_impl(trylast=True)  # after kedro-mlflow has read mlflow.yml and set the tracking URI
    def after_context_created(self, context: Any) -> None:
        self._project_path = Path(context.project_path)
        mlflow_config = getattr(context, "mlflow", None)
        tags = airflow_tags()
        if mlflow_config is None or RUN_ID_TAG not in tags or mlflow.active_run() is not None:
            return
        experiment = mlflow_config.tracking.experiment._experiment
        if experiment is None:
            return
        client = MlflowClient(tracking_uri=mlflow.get_tracking_uri())
        lock = self._project_path / "data" / ".airflow_mlflow_run.lock"
        mlflow_config.tracking.run.id = find_or_create_airflow_run(client, experiment.experiment_id, tags, lock)

    @hook_impl(trylast=True)  # after kedro-mlflow has started (or resumed) the run
    def before_pipeline_run(self, run_params: dict[str, Any]) -> None:
        if mlflow.active_run() is None:
            return
        self._run_id = mlflow.active_run().info.run_id
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
