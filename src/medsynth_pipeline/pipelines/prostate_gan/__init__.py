"""``prostate_gan``: the main job, every stage of the mission chained in order.

It is a pipeline folder of its own (not assembled in the registry) because Kedro 1.x loads only the
pipelines a run asks for: ``kedro run --pipelines=prostate_gan`` imports this module alone, and this module
imports its stages.
"""

from __future__ import annotations

from importlib import import_module

from kedro.pipeline import Pipeline

STAGES = (
    "ingest",
    "registration",
    "patches",
    "gan_training",
    "augmentation",
    "evaluation",
    "reporting",
)


def create_pipeline(**kwargs) -> Pipeline:
    # a stage that cannot be imported is an error: the main job never runs with a stage silently missing
    return sum((import_module(f"medsynth_pipeline.pipelines.{stage}").create_pipeline() for stage in STAGES), Pipeline([]))
