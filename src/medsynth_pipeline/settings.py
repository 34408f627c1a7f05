"""Kedro project settings."""

import warnings
from pathlib import Path

from kedro.config import OmegaConfigLoader

from medsynth_pipeline.hooks import MlflowProvenanceHook, StaleMlflowRunGuard

# Third-party deprecation notices that say nothing about this project's run, repeated by every session;
# they would bury the run's own log lines.
for _message in (
    r"register_new_resolver\(\) is deprecated",  # omegaconf, called by kedro and kedro-mlflow
    r"One or more dataset names contain '\.'",  # kedro; dots here are namespaces shared across pipelines
):
    warnings.filterwarnings("ignore", message=_message, category=UserWarning)

# kedro-mlflow registers its own hooks through its entry point; ours tags each MLflow run with the git
# commit and, under Airflow, gathers a DAG run's tasks into one MLflow run.
HOOKS = (StaleMlflowRunGuard(), MlflowProvenanceHook())

CONFIG_LOADER_CLASS = OmegaConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    # demo/ and test/ override only the keys they name; the rest keeps the papers' settings from base/.
    "merge_strategy": {"parameters": "soft", "mlflow": "soft", "airflow": "soft"},
    # `${cwd:}`: the directory `kedro` runs in (the project root), frozen when the config is read. The MLflow
    # store is `sqlite:///${cwd:}/mlflow.db`, an absolute URI: mlflow caches stores by URI, so a relative one
    # would keep writing to the first project's database in a process that opens several sessions.
    "custom_resolvers": {"cwd": lambda: Path.cwd().as_posix()},
    "config_patterns": {
        # kedro-mlflow reads its own file; airflow.yml feeds `kedro airflow create`.
        "mlflow": ["mlflow*", "mlflow*/**"],
        "airflow": ["airflow*", "airflow*/**"],
    },
}
