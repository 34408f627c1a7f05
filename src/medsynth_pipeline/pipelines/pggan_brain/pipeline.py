"""Seed 004 on brain MR, for users who have the data: PGGAN + detection study per data source.

One namespaced instance per source in ``SOURCES``: ``pggan_brain.brats`` (BraTS-style NIfTI case folders,
004's T1c slices #30-#130 zero-padded to 256×256) and ``pggan_brain.kaggle`` (Kaggle-style ``yes/``/``no/``
image folders, seed 003's data). Each reads its folder through the ingest's loaders, then runs the same
templates as the prostate stages (``pggan.model_template``, ``detection_study.study_template``) with the
same model and study settings (``pggan.model``, ``detection_study``); only ``pggan_brain.<source>.data``
is its own. Run one source::

    kedro run --pipelines=pggan_brain --namespaces=pggan_brain.brats --params=pggan_brain.brats.data.root=/data/BraTS
"""

from __future__ import annotations

from typing import Any

from kedro.pipeline import Node, Pipeline

from medsynth_pipeline.imaging.brain_slices import brain_slices
from medsynth_pipeline.pipelines.detection_study.pipeline import SHARED_PARAMETERS, study_template
from medsynth_pipeline.pipelines.pggan.pipeline import model_template

SOURCES = ("brats", "kaggle")


def source_pipeline(source: str) -> Pipeline:
    slices = Pipeline([Node(brain_slices, "params:data", ["slices", "slice_metadata"], name="brain_slices")])
    return Pipeline(
        slices + model_template() + study_template(),
        namespace=f"pggan_brain.{source}",
        parameters={"params:data": f"params:pggan_brain.{source}.data", "params:model": "params:pggan.model",
                    "params:figures": "params:pggan.figures", "params:study": "params:detection_study",
                    **SHARED_PARAMETERS},
    )


def create_pipeline(**kwargs: Any) -> Pipeline:
    return sum((source_pipeline(s) for s in SOURCES), Pipeline([]))
