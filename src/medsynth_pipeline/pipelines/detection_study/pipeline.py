"""Seed 004's tumour-detection augmentation study on the PGGAN's whole slices: ``kedro run --pipelines=detection_study``.

Reads the pggan stage's ``pggan.slices``, ``pggan.slice_metadata``, ``pggan.generator``, ``pggan.critics``.
Settings: ``detection_study`` (parameters_detection_study.yml) plus the project's shared 004 protocol:
``evaluation.augmentation_study`` (ResNet-50 preset, seeds, amounts), ``evaluation.bootstrap``,
``evaluation.tsne`` and ``augmentation.classical.transform``. ``study_template`` is shared with the
brain-MR instances (``pggan_brain``).
"""

from __future__ import annotations

from typing import Any

from kedro.pipeline import Node, Pipeline

from medsynth_pipeline.pipelines.detection_study.nodes import (
    classical_pool,
    real_slice_sets,
    run_detection_study,
    synthetic_pool,
    table_1,
    tsne_real_classical_synthetic,
)

SHARED_PARAMETERS = {
    "params:protocol": "params:evaluation.augmentation_study",
    "params:bootstrap": "params:evaluation.bootstrap",
    "params:tsne": "params:evaluation.tsne",
    "params:transform": "params:augmentation.classical.transform",
}


def study_template() -> Pipeline:
    """``slices``, ``slice_metadata``, ``generator``, ``critics`` → Table 1, CI figure, t-SNE (before namespacing)."""
    return Pipeline([
        Node(real_slice_sets, ["slices", "slice_metadata", "generator", "params:study"], "real_sets",
             name="real_slice_sets"),
        Node(classical_pool, ["real_sets", "params:transform", "params:protocol", "params:study"], "classical_pool",
             name="classical_pool"),
        Node(synthetic_pool, ["generator", "critics", "real_sets", "params:protocol", "params:study"],
             ["synthetic_pool", "realism_filter_report", "realism_filter_examples"], name="synthetic_pool"),
        Node(run_detection_study, ["real_sets", "classical_pool", "synthetic_pool", "params:protocol", "params:study"],
             ["runs", "predictions", "learning_curves", "composition"], name="run_detection_study"),
        Node(table_1, ["predictions", "params:protocol", "params:bootstrap", "params:study"],
             ["summary", "table_1", "table_1_md", "metric_intervals"], name="table_1"),
        Node(tsne_real_classical_synthetic, ["real_sets", "classical_pool", "synthetic_pool", "params:tsne",
                                             "params:study"], ["tsne_points", "tsne"], name="tsne"),
    ])


def create_pipeline(**kwargs: Any) -> Pipeline:
    return Pipeline(
        study_template(),
        namespace="detection_study",
        inputs={"slices": "pggan.slices", "slice_metadata": "pggan.slice_metadata",
                "generator": "pggan.generator", "critics": "pggan.critics"},
        parameters={"params:study": "params:detection_study", **SHARED_PARAMETERS},
    )
