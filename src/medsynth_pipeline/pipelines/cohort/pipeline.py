"""The ``cohort`` pipeline: one plan, then every file of the ProstateX layout and the ground truth."""

from __future__ import annotations

from typing import Any

from kedro.pipeline import Node, Pipeline

from medsynth_pipeline.pipelines.cohort import nodes


def create_pipeline(**kwargs: Any) -> Pipeline:
    outputs = {
        nodes.dicom_series: "cohort_dicom_series",
        nodes.ktrans_volumes: "cohort_ktrans_volumes",
        nodes.findings_table: "cohort_findings_train",
        nodes.images_table: "cohort_images_train",
        nodes.ktrans_images_table: "cohort_images_ktrans_train",
        nodes.prostatex2_findings_table: "cohort_prostatex2_findings_train",
        nodes.cohort_truth_table: "cohort_truth",
        nodes.lesions_truth_table: "cohort_lesions_truth",
        nodes.cohort_spec_document: "cohort_spec",
    }
    rendered = {nodes.dicom_series, nodes.ktrans_volumes}  # the image writers run a process pool
    return Pipeline(
        [Node(nodes.make_cohort_plan, "params:cohort", "cohort_plan", name="make_cohort_plan")]
        + [
            Node(
                func,
                ["cohort_plan", "params:cohort.workers"] if func in rendered else "cohort_plan",
                output,
                name=f"write_{output}",
            )
            for func, output in outputs.items()
        ]
    )
