"""Kedro project settings."""

from kedro.config import OmegaConfigLoader

from medsynth_pipeline.hooks import MlflowProvenanceHook

# kedro-mlflow registers its own hooks through its entry point; ours tags each MLflow run with the git
# commit and, under Airflow, gathers a DAG run's tasks into one MLflow run.
HOOKS = (MlflowProvenanceHook(),)

CONFIG_LOADER_CLASS = OmegaConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    # demo/ and test/ override only the keys they name; the rest keeps the papers' settings from base/.
    "merge_strategy": {"parameters": "soft", "mlflow": "soft", "airflow": "soft"},
    "config_patterns": {
        # kedro-mlflow reads its own file; airflow.yml feeds `kedro airflow create`.
        "mlflow": ["mlflow*", "mlflow*/**"],
        "airflow": ["airflow*", "airflow*/**"],
    },
}
