"""Patches: ``patient_splits`` once, then the same modular pipeline per preset under ``patches.<preset>``.

Each preset's parameters live at ``patches.<preset>`` (size, channels, centring) and its datasets at
``patches.<preset>.patches``, ``.patch_metadata``, ``.patch_summary``, ``.patch_grid``.
"""

from __future__ import annotations

from typing import Any

from kedro.pipeline import Node, Pipeline

from medsynth_pipeline.pipelines.patches.nodes import (
    extract_patches,
    make_patient_splits,
    plot_patch_grid,
    plot_patch_location,
    summarise_patches,
)

# The papers' presets; each must have its block in parameters_patches.yml (a test checks both agree).
PRESETS = ("kitchen_seah_16mm", "prostategan_32", "mpmri_64")
SHARED_INPUTS = {"registered_volumes", "lesions", "patient_splits"}


def preset_template() -> Pipeline:
    """The per-preset pipeline before namespacing."""
    return Pipeline(
        [
            Node(
                extract_patches,
                inputs=[
                    "registered_volumes", "lesions", "patient_splits",
                    "params:preset", "params:normalisation", "params:background",
                ],  # fmt: skip
                outputs=["patches", "patch_metadata"],
                name="extract_patches",
            ),
            Node(summarise_patches, inputs="patch_metadata", outputs="patch_summary", name="summarise_patches"),
            Node(
                plot_patch_grid,
                inputs=["patches", "patch_metadata", "params:grid"],
                outputs="patch_grid",
                name="plot_patch_grid",
            ),
            Node(
                plot_patch_location,
                inputs=["registered_volumes", "patches", "patch_metadata", "params:preset", "params:normalisation"],
                outputs="patch_location",
                name="plot_patch_location",
            ),
        ]
    )


def create_pipeline(**kwargs: Any) -> Pipeline:
    splits = Pipeline(
        [
            Node(
                make_patient_splits,
                inputs=["registered_volumes", "lesions", "params:patches.splits"],
                outputs="patient_splits",
                name="make_patient_splits",
            )
        ],
        namespace="patches",  # the splits belong to the patches stage; the datasets keep their names
        prefix_datasets_with_namespace=False,
    )
    presets = [
        Pipeline(
            preset_template(),
            namespace=f"patches.{preset}",
            inputs=SHARED_INPUTS,
            parameters={
                "params:preset": f"params:patches.{preset}",
                "params:normalisation": "params:patches.normalisation",
                "params:background": "params:patches.background",
                "params:grid": "params:patches.grid",
            },
        )
        for preset in PRESETS
    ]
    return sum(presets, splits)
