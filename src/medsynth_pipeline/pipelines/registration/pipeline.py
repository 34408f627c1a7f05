"""register & crop: ``series_index`` + ``lesions`` → ``registered_volumes`` + ``registration_report`` (+ check figure)."""

from __future__ import annotations

from typing import Any

from kedro.pipeline import Node, Pipeline

from medsynth_pipeline.pipelines.registration.nodes import plot_registration_check, register_and_crop


def create_pipeline(**kwargs: Any) -> Pipeline:
    return Pipeline(
        [
            Node(
                register_and_crop,
                inputs=["series_index", "lesions", "params:registration"],
                outputs=["registered_volumes", "registration_report"],
                name="register_and_crop",
            ),
            Node(
                plot_registration_check,
                inputs=["registered_volumes", "params:registration"],
                outputs="registration_check",
                name="plot_registration_check",
            ),
        ],
        # every stage is a namespace in kedro-viz and in Airflow's task names; the datasets keep their names
        namespace="registration",
        prefix_datasets_with_namespace=False,
    )
