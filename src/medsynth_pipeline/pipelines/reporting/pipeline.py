"""Reporting: per model (``reporting.<model>``) the study figures, then the tables and REPORT.md.

Tables are ``reporting.<table>_csv`` / ``reporting.<table>_markdown``, figures ``reporting.<model>.<figure>``,
the report ``reporting.report``; all are files in data/08_reporting and MLflow artifacts.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from kedro.pipeline import Node, Pipeline

from medsynth_pipeline.pipelines.reporting.nodes import (
    augmentation_study_tables,
    gan_comparison_tables,
    memorisation_tables,
    mlflow_metrics,
    paired_comparison_tables,
    plot_augmentation_roc,
    plot_intervals,
    plot_learning_curves,
    plot_memorisation_distances,
    plot_memorisation_pairs,
    plot_paired_comparisons,
    plot_tsne,
    plot_tstr_roc,
    realism_tables,
    table_ii_tables,
    tstr_tables,
    write_report,
)
from medsynth_pipeline.study_names import MODELS

PER_MODEL_INPUTS = ("augmentation_predictions", "augmentation_histories", "tstr_predictions", "tstr_runs",
                    "tsne_points", "memorisation_examples", "memorisation_pairs", "memorisation_reference")


def model_template() -> Pipeline:
    """Per-model figures before namespacing (their names are the keys of ``nodes.FIGURES``)."""
    nodes = [
        Node(plot_augmentation_roc, "augmentation_predictions", "roc_augmentation", name="plot_roc_augmentation"),
        Node(plot_intervals, ["augmentation_study_summary", "params:model", "params:reporting"],
             "intervals_augmentation", name="plot_intervals_augmentation"),
        Node(plot_learning_curves, "augmentation_histories", "learning_curves_augmentation",
             name="plot_learning_curves_augmentation"),
        Node(plot_tstr_roc, ["tstr_predictions", "tstr_runs"], "roc_tstr", name="plot_roc_tstr"),
        Node(plot_tsne, ["tsne_points", "params:task"], "tsne", name="plot_tsne"),
        Node(plot_memorisation_pairs, ["memorisation_examples", "memorisation_pairs"], "memorisation_pairs_figure",
             name="plot_memorisation_pairs"),
        Node(plot_memorisation_distances, ["memorisation_pairs", "memorisation_reference", "memorisation_examples"],
             "memorisation_distances", name="plot_memorisation_distances"),
    ]
    return Pipeline(nodes)


def model_pipeline(model: str) -> Pipeline:
    return Pipeline(
        model_template(),
        namespace=f"reporting.{model}",
        inputs={**{name: f"evaluation.{model}.{name}" for name in PER_MODEL_INPUTS},
                "augmentation_study_summary": "evaluation.augmentation_study_summary"},
        outputs={"memorisation_pairs_figure": f"reporting.{model}.memorisation_pairs"},
        parameters={"params:model": f"params:gan_training.{model}", "params:reporting": "params:reporting",
                    "params:task": "params:evaluation.task"},
    )


def tables_and_report(models: list[str]) -> Pipeline:
    return Pipeline([
        Node(gan_comparison_tables, ["evaluation.gan_comparison_summary", "evaluation.gan_comparison_ttests",
                                     "evaluation.all_realism_scores", "params:reporting"],
             ["reporting.gan_comparison_csv", "reporting.gan_comparison_markdown",
              "reporting.gan_comparison_ttests_csv", "reporting.gan_comparison_ttests_markdown"],
             name="gan_comparison_tables"),
        Node(table_ii_tables, ["evaluation.gan_comparison_summary", "params:reporting"],
             ["reporting.table_ii_csv", "reporting.table_ii_markdown"], name="table_ii"),
        Node(realism_tables, ["evaluation.all_realism_scores", "params:reporting", "params:realism"],
             ["reporting.realism_csv", "reporting.realism_markdown"], name="realism_tables"),
        Node(augmentation_study_tables,
             ["evaluation.augmentation_study_summary", "evaluation.augmentation_study_runs", "params:reporting"],
             ["reporting.augmentation_study_csv", "reporting.augmentation_study_markdown"],
             name="augmentation_study_tables"),
        Node(paired_comparison_tables, ["evaluation.paired_comparisons", "evaluation.verdicts"],
             ["reporting.paired_comparisons_csv", "reporting.paired_comparisons_markdown"],
             name="paired_comparisons"),
        Node(plot_paired_comparisons, "evaluation.paired_comparisons", "reporting.paired_comparisons_figure",
             name="plot_paired_comparisons"),
        Node(tstr_tables, ["evaluation.tstr_summary", "evaluation.tstr_runs", "params:reporting"],
             ["reporting.tstr_csv", "reporting.tstr_markdown"], name="tstr_tables"),
        Node(memorisation_tables, "evaluation.memorisation_summary",
             ["reporting.memorisation_csv", "reporting.memorisation_markdown"], name="memorisation_tables"),
        Node(mlflow_metrics, ["evaluation.gan_comparison_summary", "evaluation.augmentation_study_summary",
                              "evaluation.tstr_summary", "evaluation.paired_comparisons", "reporting.realism_csv"],
             "reporting.mlflow_metrics", name="log_mlflow_metrics"),
        Node(partial(write_report, models=models),
             ["evaluation.gan_comparison_summary", "reporting.gan_comparison_markdown", "reporting.realism_markdown",
              "reporting.augmentation_study_markdown", "reporting.paired_comparisons_markdown", "reporting.tstr_markdown", "reporting.memorisation_markdown",
              "evaluation.augmentation_study_runs", "evaluation.tstr_runs", "patient_splits", "params:evaluation", "params:augmentation.synthetic",
              "params:reporting", "reporting.table_ii_csv", "reporting.table_ii_markdown"],
             "reporting.report", name="write_report"),
    ], namespace="reporting", prefix_datasets_with_namespace=False)  # node names reporting.<node>; datasets as named


def create_pipeline(**kwargs: Any) -> Pipeline:
    return sum((model_pipeline(m) for m in MODELS), Pipeline([])) + tables_and_report(list(MODELS))
