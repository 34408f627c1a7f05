"""``prostate_gan``: the main job, every stage of the mission chained in order.

It is a pipeline folder of its own (not assembled in the registry) because Kedro 1.x loads only the
pipelines a run asks for: ``kedro run --pipeline=prostate_gan`` imports this module alone, and this module
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
    stages = []
    for stage in STAGES:
        module_name = f"medsynth_pipeline.pipelines.{stage}"
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:  # a stage that exists but is broken must fail loudly
                raise
            continue
        stages.append(module.create_pipeline())
    return sum(stages, Pipeline([]))
