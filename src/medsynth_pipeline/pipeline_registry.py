"""Project pipelines: every folder under ``pipelines/`` (``find_pipelines``); ``prostate_gan`` is the default."""

from __future__ import annotations

from kedro.framework.project import find_pipelines
from kedro.pipeline import Pipeline


def register_pipelines() -> dict[str, Pipeline]:
    pipelines = find_pipelines(raise_errors=True)
    if "prostate_gan" in pipelines:
        pipelines["__default__"] = pipelines["prostate_gan"]
    return pipelines
