"""Evaluation: one modular pipeline per GAN model (``evaluation.<model>``), then tables across models.

Each instance reads its model's real patches (``patches.<preset>.*``), synthetic sets and classical copies
(``augmentation.<model>.*``) and its ``gan_training.<model>`` block (what the model learnt from). Models and
presets are ``study_names.MODELS``; run one model with ``--namespaces=evaluation.<model>``.
"""

from __future__ import annotations

from typing import Any

from kedro.pipeline import Node, Pipeline

from medsynth_pipeline.classification.set_evaluation import (
    check_memorisation,
    combine,
    compare_models,
    score_model_sets,
    summarise_predictions,
    train_domain_classifier,
    tsne_points,
)
from medsynth_pipeline.pipelines.evaluation.realism_nodes import score_realism
from medsynth_pipeline.pipelines.evaluation.study_nodes import (
    augmentation_study,
    paired_comparisons,
    slice_level_accuracy,
    tstr_study,
    verdict_sentences,
)
from medsynth_pipeline.study_names import MODELS

REAL = ["patches", "patch_metadata"]
FOLDS = ["patches", "patch_metadata", "patient_splits"]  # the cross-validated studies: images + who is tested when
SYNTHETIC = ["synthetic_images", "synthetic_metadata"]
CLASSICAL = ["classical_images", "classical_metadata"]
# Per-model tables gathered across models: name -> combined dataset (under the ``evaluation`` namespace).
GATHERED = {
    "set_scores": "all_set_scores",
    "realism_scores": "all_realism_scores",
    "sca_runs": "all_sca_runs",
    "sca_predictions": "sca_predictions",
    "augmentation_runs": "augmentation_study_runs",
    "augmentation_predictions": "augmentation_study_predictions",
    "tstr_runs": "tstr_runs",
    "tstr_predictions": "tstr_predictions",
    "memorisation_summary": "memorisation_summary",
}


def model_template() -> Pipeline:
    """The per-model pipeline before namespacing."""
    return Pipeline([
        Node(train_domain_classifier, [*REAL, "params:model", "params:domain", "params:task", "params:device"], ["domain_classifier", "domain_history"],
             name="train_domain_classifier"),
        Node(score_model_sets, [*REAL, *SYNTHETIC, "domain_classifier", "params:model", "params:scoring",
                                "params:inception", "params:task", "params:device"], "set_scores",
             name="score_model_sets"),
        Node(slice_level_accuracy, [*FOLDS, *SYNTHETIC, *CLASSICAL, "params:model", "params:sca", "params:task",
                                    "params:device"], ["sca_runs", "sca_predictions"], name="slice_level_accuracy"),
        Node(augmentation_study, [*FOLDS, *SYNTHETIC, *CLASSICAL, "params:model", "params:augmentation_study",
                                  "params:task", "params:device"],
             ["augmentation_runs", "augmentation_predictions", "augmentation_histories", "augmentation_composition"],
             name="augmentation_study"),
        Node(tstr_study, [*FOLDS, *SYNTHETIC, "params:model", "params:tstr", "params:task", "params:device"],
             ["tstr_runs", "tstr_predictions", "tstr_histories"], name="tstr_study"),
        Node(check_memorisation, [*REAL, *SYNTHETIC, "params:model", "params:memorisation", "params:scoring",
                                  "params:task"],
             ["memorisation_pairs", "memorisation_reference", "memorisation_summary", "memorisation_examples"],
             name="check_memorisation"),
        Node(score_realism, [*REAL, *SYNTHETIC, "domain_classifier", "params:model", "params:realism",
                             "params:scoring", "params:task"], "realism_scores", name="score_realism"),
        Node(tsne_points, [*REAL, *SYNTHETIC, *CLASSICAL, "params:model", "params:tsne", "params:task"],
             "tsne_points", name="tsne_points"),
    ])


def model_pipeline(model: str, preset: str) -> Pipeline:
    shared = {f"params:{name}": f"params:evaluation.{name}" for name in (
        "domain", "task", "device", "scoring", "inception", "sca", "augmentation_study", "tstr", "memorisation",
        "tsne")}
    return Pipeline(
        model_template(),
        namespace=f"evaluation.{model}",
        inputs={
            "patches": f"patches.{preset}.patches", "patch_metadata": f"patches.{preset}.patch_metadata",
            "patient_splits": "patient_splits",
            **{name: f"augmentation.{model}.{name}" for name in (*SYNTHETIC, *CLASSICAL)},
        },
        parameters={"params:model": f"params:gan_training.{model}", "params:realism": "params:realism", **shared},
    )


def across_models(models: list[str]) -> Pipeline:
    """Gather the per-model tables and build the cross-model comparison and study summaries."""
    def local(model: str, name: str) -> str:  # a dot-free name inside the template
        return f"{model}__{name}"

    template = Pipeline([
        *[Node(combine, [local(m, name) for m in models], target, name=f"gather_{name}")
          for name, target in GATHERED.items()],
        Node(compare_models, ["all_set_scores", "all_sca_runs"],
             ["gan_comparison_runs", "gan_comparison_summary", "gan_comparison_ttests"], name="compare_models"),
        Node(summarise_predictions, ["augmentation_study_predictions", "params:bootstrap"],
             "augmentation_study_summary", name="summarise_augmentation_study"),
        Node(summarise_predictions, ["tstr_predictions", "params:bootstrap"], "tstr_summary", name="summarise_tstr"),
        Node(paired_comparisons, ["augmentation_study_predictions", "sca_predictions", "tstr_predictions",
                                  "params:bootstrap"], "paired_comparisons", name="paired_comparisons"),
        Node(verdict_sentences, "paired_comparisons", "verdicts", name="verdict_sentences"),
    ])
    return Pipeline(
        template,
        namespace="evaluation",
        inputs={local(m, name): f"evaluation.{m}.{name}" for m in models for name in GATHERED},
        parameters={"params:bootstrap": "params:evaluation.bootstrap"},
    )


def create_pipeline(**kwargs: Any) -> Pipeline:
    per_model = sum((model_pipeline(m, p) for m, p in MODELS.items()), Pipeline([]))
    return per_model + across_models(list(MODELS))
