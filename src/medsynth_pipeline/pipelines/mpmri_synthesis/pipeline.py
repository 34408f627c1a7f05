"""``mpmri_synthesis``: 002's method comparison (Table II) and its figures (Figs. 6–7).

Everything lives in the namespace ``mpmri_synthesis``. Shared: the CS / nonCS pairs of ``patches.mpmri_64``,
classical copies (the "Real Data" SCA row) and one domain classifier (offline metrics). Per system, one
namespaced instance ``mpmri_synthesis.<model>`` of the same modular pipeline: train on the shared loop →
synthetic sets → set scores and SCA (the evaluation stage's functions) → loss curves. Then Table II, its
t-tests and the figures. Settings: ``parameters_mpmri_synthesis.yml``; the evaluation protocol (classifiers,
Inception weights, scoring) is the evaluation stage's ``evaluation`` block, so both score alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kedro.pipeline import Node, Pipeline

from medsynth_pipeline.pipelines.mpmri_synthesis.nodes import (
    classical_copies,
    comparison_tables,
    plot_interpolation,
    plot_loss_curves,
    plot_random_pairs,
    score_sets,
    select_pairs,
    slice_level_accuracy,
    synthesise,
    train_domain_classifier,
    train_synthesizer,
)

STUDY = "mpmri_synthesis"
# 002 Table II rows, in the paper's order; each has its block under mpmri_synthesis.models (a test checks).
MODELS = ("cogan", "costa", "ours_no_ad", "ours_ad")
# Figs. 6-7 compare the semi-supervised and the supervised-only synthesizer (002 Sec. IV-A: without AD).
FIGURE_MODELS = {"semi_supervised": "ours_no_ad", "supervised": "costa"}
PATCHES = {"patches": "patches.mpmri_64.patches", "patch_metadata": "patches.mpmri_64.patch_metadata"}
SHARED = ("patches", "patch_metadata", "pairs", "domain_classifier", "classical_images", "classical_metadata")


def model_template(score: bool = True) -> Pipeline:
    """Train one system and draw its synthetic sets; score them with the set metrics and/or SCA."""
    nodes = [
        Node(train_synthesizer, ["pairs", "params:model", "params:architecture", "params:training"],
             ["generator", "training_history", "training_summary"], name="train_synthesizer"),
        Node(plot_loss_curves, ["training_history", "params:model"], "loss_curves", name="plot_loss_curves"),
        Node(synthesise, ["generator", "params:synthetic"], ["synthetic_images", "synthetic_metadata"],
             name="synthesise"),
        Node(slice_level_accuracy, ["patches", "patch_metadata", "synthetic_images", "synthetic_metadata",
                                    "classical_images", "classical_metadata", "params:model", "params:data",
                                    "params:evaluation"], "sca_runs", name="slice_level_accuracy"),
    ]
    if score:
        nodes.append(Node(score_sets, ["patches", "patch_metadata", "synthetic_images", "synthetic_metadata",
                                       "domain_classifier", "params:model", "params:data", "params:evaluation"],
                          "set_scores", name="score_sets"))
    return Pipeline(nodes)


def model_pipeline(model: str, group: str, score: bool = True) -> Pipeline:
    """``model_template`` as ``<model>`` inside a study; its settings are ``<group>.<model>``."""
    shared = SHARED if score else tuple(s for s in SHARED if s != "domain_classifier")
    return Pipeline(
        model_template(score),
        namespace=model,
        inputs={name: name for name in shared},
        parameters={"params:model": f"params:{group}.{model}",
                    **{f"params:{p}": f"params:{p}" for p in ("architecture", "training", "synthetic", "data",
                                                             "evaluation")}},
    )


def shared_pipeline(domain_classifier: bool = True) -> Pipeline:
    """What every system of a study shares: the pairs, the classical copies (and the domain classifier)."""
    nodes = [
        Node(select_pairs, ["patches", "patch_metadata", "params:data"], "pairs", name="select_pairs"),
        Node(classical_copies, ["patches", "patch_metadata", "params:classical"],
             ["classical_images", "classical_metadata"], name="classical_copies"),
    ]
    if domain_classifier:
        nodes.append(Node(train_domain_classifier, ["patches", "patch_metadata", "params:data", "params:evaluation"],
                          "domain_classifier", name="train_domain_classifier"))
    return Pipeline(nodes)


def study_pipeline(study: str, body: Pipeline, borrowed: Sequence[str] = ()) -> Pipeline:
    """``body`` in the namespace ``study``, reading ``patches.mpmri_64``, the evaluation protocol, the
    architecture and the ``borrowed`` blocks of ``mpmri_synthesis`` (one definition for both studies)."""
    shared = {f"params:{name}": f"params:{STUDY}.{name}" for name in ("architecture", *borrowed)}
    return Pipeline(body, namespace=study, inputs=PATCHES, parameters={"params:evaluation": "params:evaluation", **shared})


def comparison(models: Sequence[str]) -> Pipeline:
    """Table II, its t-tests and Figs. 6–7 from the per-model outputs."""
    frames = [f"{m}.set_scores" for m in models] + [f"{m}.sca_runs" for m in models]
    semi, sup = (f"{FIGURE_MODELS[k]}.generator" for k in ("semi_supervised", "supervised"))
    return Pipeline([
        Node(comparison_tables, ["params:models", "params:table", *frames],
             ["table_ii_runs", "table_ii", "table_ii_markdown", "table_ii_ttests", "table_ii_ttests_markdown"],
             name="comparison_tables"),
        Node(plot_interpolation, ["pairs", semi, sup, "params:figures"], "fig6_interpolation",
             name="plot_interpolation"),
        Node(plot_random_pairs, [semi, sup, "params:figures"], "fig7_random_pairs", name="plot_random_pairs"),
    ])


def create_pipeline(**kwargs: Any) -> Pipeline:
    models = sum((model_pipeline(m, "models") for m in MODELS), Pipeline([]))
    return study_pipeline(STUDY, shared_pipeline() + models + comparison(MODELS))
