"""reader_study: ``prepare`` (tag ``reader_study_prepare``) then, after readers answered in the app,
``report`` (tag ``reader_study_report``). Not part of ``prostate_gan``: it waits for people.

    kedro run --pipelines=pggan                                 # the real slices and the generator
    kedro run --pipelines=reader_study --tags=reader_study_prepare
    python ops/reader_study.py serve           # readers answer at http://127.0.0.1:8765/
    kedro run --pipelines=reader_study --tags=reader_study_report
"""

from __future__ import annotations

from typing import Any

from kedro.pipeline import Node, Pipeline

from medsynth_pipeline.pipelines.reader_study.nodes import prepare_study, score_study

# Seed 004's study: its real whole slices and its per-class PGGAN (kedro run --pipelines=pggan first).
# Another lesion/no-lesion generator and its real images: create_pipeline(real_images=..., generator=...).
REAL_IMAGES = "pggan.slices"
REAL_METADATA = "pggan.slice_metadata"
GENERATOR = "pggan.generator"


def create_pipeline(**kwargs: Any) -> Pipeline:
    prepare = Node(
        prepare_study,
        inputs=["real_images", "real_metadata", "generator", "params:reader_study"],
        outputs=["reader_study_images", "reader_study_key"],
        name="prepare_reader_study",
        tags=["reader_study_prepare"],
    )  # fmt: skip
    report = Node(
        score_study,
        inputs=["reader_study_images", "reader_study_key", "reader_study_answers"],
        outputs=["reader_study_table2", "reader_study_table2_md", "reader_study_confusion"],
        name="score_reader_study",
        tags=["reader_study_report"],
    )
    # The mapping (not the node) names the upstream datasets, so a caller can point the study elsewhere.
    return Pipeline(
        [prepare, report],
        inputs={
            "real_images": kwargs.get("real_images", REAL_IMAGES),
            "real_metadata": kwargs.get("real_metadata", REAL_METADATA),
            "generator": kwargs.get("generator", GENERATOR),
        },
    )
