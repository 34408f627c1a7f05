"""Project pipelines.

Every folder under ``pipelines/`` is found by ``find_pipelines``. ``prostate_gan`` is the main job: the
stages below, in this order, each one present once it exists.
"""

from __future__ import annotations

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline

PROSTATE_GAN_STAGES = (
    "ingest",
    "registration",
    "patches",
    "gan_training",
    "augmentation",
    "evaluation",
    "reporting",
)


def register_pipelines() -> dict[str, Pipeline]:
    pipelines = find_pipelines(raise_errors=True)
    stages = [pipelines[name] for name in PROSTATE_GAN_STAGES if name in pipelines]
    pipelines["prostate_gan"] = sum(stages, Pipeline([]))
    pipelines["__default__"] = pipelines["prostate_gan"]
    return pipelines
