"""reader_study: ``prepare`` (tag ``reader_study_prepare``) then, after readers answered in the app,
``report`` (tag ``reader_study_report``). Not part of ``prostate_gan``: it waits for people.

    kedro run --pipeline=reader_study --tags=reader_study_prepare
    python ops/reader_study.py serve           # readers answer at http://127.0.0.1:8765/
    kedro run --pipeline=reader_study --tags=reader_study_report
"""

from __future__ import annotations

from typing import Any

from kedro.pipeline import Node, Pipeline

from medsynth_pipeline.pipelines.reader_study.nodes import prepare_study, score_study

# Catalog names of the images shown: one patch preset and the synthetic set made from its GAN.
REAL_PATCHES = "patches.prostategan_32.patches"
REAL_METADATA = "patches.prostategan_32.patch_metadata"
SYNTHETIC_SET = "reader_study_synthetic"


def create_pipeline(**kwargs: Any) -> Pipeline:
    prepare = Node(
        prepare_study,
        inputs=["real_patches", "real_patch_metadata", "synthetic_set", "params:reader_study"],
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
            "real_patches": kwargs.get("real_patches", REAL_PATCHES),
            "real_patch_metadata": kwargs.get("real_metadata", REAL_METADATA),
            "synthetic_set": kwargs.get("synthetic_set", SYNTHETIC_SET),
        },
    )
