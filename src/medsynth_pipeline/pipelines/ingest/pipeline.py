"""ingest: ``ingest.raw_dir`` → ``series_index``, ``lesions``, ``rejected_files``, ``ingest_summary``."""

from __future__ import annotations

from typing import Any

from kedro.pipeline import Node, Pipeline

from medsynth_pipeline.pipelines.ingest.nodes import (
    collect_rejections,
    index_series,
    read_lesions,
    summarise_ingest,
)


def create_pipeline(**kwargs: Any) -> Pipeline:
    return Pipeline(
        [
            Node(
                index_series,
                inputs="params:ingest",
                outputs=["series_index", "ingest_series_rejections", "ingest_stats"],
                name="index_series",
            ),
            Node(
                read_lesions,
                inputs="params:ingest",
                outputs=["lesions", "ingest_finding_rejections"],
                name="read_lesions",
            ),
            Node(
                collect_rejections,
                inputs=["ingest_series_rejections", "ingest_finding_rejections"],
                outputs="rejected_files",
                name="collect_rejections",
            ),
            Node(
                summarise_ingest,
                inputs=["series_index", "lesions", "rejected_files", "ingest_stats", "params:ingest"],
                outputs=["ingest_summary", "ingest_summary_markdown"],
                name="summarise_ingest",
            ),
        ],
        # every stage is a namespace in kedro-viz and in Airflow's task names; the datasets keep their names
        namespace="ingest",
        prefix_datasets_with_namespace=False,
    )
