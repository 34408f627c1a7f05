"""Kedro project settings."""

from kedro.config import OmegaConfigLoader

CONFIG_LOADER_CLASS = OmegaConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    # demo/ and test/ override only the keys they name; the rest keeps the papers' settings from base/.
    "merge_strategy": {"parameters": "soft", "mlflow": "soft"},
    "config_patterns": {
        # kedro-mlflow reads its own file; airflow.yml feeds `kedro airflow create`.
        "mlflow": ["mlflow*", "mlflow*/**"],
        "airflow": ["airflow*", "airflow*/**"],
    },
}
