"""``stitch_ablation``: 002 Table I and Fig. 9.

Five StitchLayer-#F#a decoders (1F64a … 16F4a) with the same trunk, each trained unsupervised on the real
CS ADC maps (F_dec + D_ADC, WGAN-GP) on the shared loop — one namespaced instance of the mpMRI study's
modular pipeline per variant (``stitch_ablation.<variant>``) — then scored by SCA on its synthetic sets.
Settings: ``parameters_stitch_ablation.yml``; the data, classical copies and architecture are those of
``mpmri_synthesis`` (each variant only changes the decoder's ``blocks``).
"""

from __future__ import annotations

from typing import Any

from kedro.pipeline import Node, Pipeline

from medsynth_pipeline.pipelines.mpmri_synthesis.pipeline import (
    model_pipeline,
    shared_pipeline,
    study_pipeline,
)
from medsynth_pipeline.pipelines.stitch_ablation.nodes import ablation_table, plot_variant_grid

STUDY = "stitch_ablation"
# 002 Table I columns, in the paper's order; each has its block under stitch_ablation.variants (a test checks).
VARIANTS = ("f1a64", "f2a32", "f4a16", "f8a8", "f16a4")


def create_pipeline(**kwargs: Any) -> Pipeline:
    variants = sum((model_pipeline(v, "variants", score=False) for v in VARIANTS), Pipeline([]))
    generators = [f"{v}.generator" for v in VARIANTS]
    report = Pipeline([
        Node(ablation_table, ["params:variants", "params:table", *generators, *[f"{v}.sca_runs" for v in VARIANTS]],
             ["table_i", "table_i_markdown"], name="ablation_table"),
        Node(plot_variant_grid, ["params:variants", "params:figure", *generators], "fig9_variants",
             name="plot_variant_grid"),
    ])
    body = shared_pipeline(domain_classifier=False) + variants + report
    return study_pipeline(STUDY, body, borrowed=("data", "classical"))
