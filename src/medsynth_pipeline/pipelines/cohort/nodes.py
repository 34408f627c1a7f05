"""Kedro glue for the cohort generator: plan once, then hand lazy writers and tables to the catalog."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pydicom
import SimpleITK as sitk

from medsynth_pipeline.cohort import CohortPlan, plan_cohort, resolve_spec
from medsynth_pipeline.cohort import writer as cohort_writer
from medsynth_pipeline.cohort.tables import (
    cohort_truth_table,
    findings_table,
    images_table,
    ktrans_images_table,
    lesions_truth_table,
    prostatex2_findings_table,
)
from medsynth_pipeline.imaging.parallel import resolve_workers

# The table builders already have a node's shape (plan -> DataFrame), so they are this pipeline's nodes as is.
__all__ = [
    "cohort_spec_document",
    "cohort_truth_table",
    "dicom_series",
    "findings_table",
    "images_table",
    "ktrans_images_table",
    "ktrans_volumes",
    "lesions_truth_table",
    "make_cohort_plan",
    "prostatex2_findings_table",
]


def make_cohort_plan(cohort: dict[str, Any]) -> CohortPlan:
    """Anatomy, findings, misalignment, geometry and UIDs of every patient, from ``params:cohort``."""
    spec = resolve_spec(cohort.get("preset", "prostatex"), cohort.get("overrides") or {})
    return plan_cohort(spec, int(cohort["n_patients"]), int(cohort["seed"]))


def dicom_series(plan: CohortPlan, workers: int | None) -> dict[str, Callable[[], pydicom.Dataset]]:
    """T2w (axial, sagittal), ADC and computed b-value slices, rendered patient by patient as they are saved
    (``cohort.workers`` processes render ahead; null = every core)."""
    return cohort_writer.dicom_partitions(plan, resolve_workers(workers, "cohort.workers"))


def ktrans_volumes(plan: CohortPlan, workers: int | None) -> dict[str, Callable[[], sitk.Image]]:
    """One Ktrans map per patient, rendered as it is saved."""
    return cohort_writer.ktrans_partitions(plan, resolve_workers(workers, "cohort.workers"))


def cohort_spec_document(plan: CohortPlan) -> dict[str, Any]:
    return cohort_writer.spec_document(plan)
