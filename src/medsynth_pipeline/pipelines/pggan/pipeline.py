"""PGGAN on the embedded cohort's whole registered slices: ``kedro run --pipelines=pggan``.

Datasets ``pggan.*`` (catalog_pggan.yml), parameters ``pggan.data`` / ``pggan.model`` / ``pggan.figures``
(parameters_pggan.yml). ``model_template`` is shared with the brain-MR instances (``pggan_brain``).
"""

from __future__ import annotations

from typing import Any

from kedro.pipeline import Node, Pipeline

from medsynth_pipeline.pipelines.pggan.nodes import (
    plot_phase_grids,
    plot_real_and_synthetic,
    plot_training_curves,
    prostate_slices,
    select_slices,
    train_pggan,
)


def model_template() -> Pipeline:
    """``slices`` + ``slice_metadata`` → trained PGGAN, phase grids, curves (before namespacing)."""
    return Pipeline([
        Node(select_slices, ["slices", "slice_metadata", "params:model"], "training_slices", name="select_slices"),
        Node(train_pggan, ["training_slices", "params:model", "params:data"],
             ["generator", "critics", "training_history", "phase_snapshots", "phase_throughput"], name="train_pggan"),
        Node(plot_phase_grids, ["phase_snapshots", "training_slices", "params:model"], "phase_grids",
             name="plot_phase_grids"),
        Node(plot_training_curves, ["training_history", "params:model"], "loss_curves", name="plot_training_curves"),
        Node(plot_real_and_synthetic, ["generator", "training_slices", "params:model", "params:figures"],
             "real_vs_synthetic", name="plot_real_and_synthetic"),
    ])


def create_pipeline(**kwargs: Any) -> Pipeline:
    slices = Pipeline([
        Node(prostate_slices,
             ["registered_volumes", "lesions", "patient_splits", "params:normalisation", "params:data"],
             ["slices", "slice_metadata"], name="prostate_slices"),
    ])
    return Pipeline(
        slices + model_template(),
        namespace="pggan",
        inputs={"registered_volumes", "lesions", "patient_splits"},
        parameters={"params:normalisation": "params:patches.normalisation", "params:data": "params:pggan.data",
                    "params:model": "params:pggan.model", "params:figures": "params:pggan.figures"},
    )
