"""Kedro glue for the cohort generator: plan once, then hand lazy writers and tables to the catalog."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pydicom
import SimpleITK as sitk

from medsynth_pipeline.imaging.cohort import CohortPlan, plan_cohort, resolve_spec, tables
from medsynth_pipeline.imaging.cohort import writer as cohort_writer


def make_cohort_plan(cohort: dict[str, Any]) -> CohortPlan:
    """Anatomy, findings, misalignment, geometry and UIDs of every patient, from ``params:cohort``."""
    spec = resolve_spec(cohort.get("preset", "prostatex"), cohort.get("overrides") or {})
    return plan_cohort(spec, int(cohort["n_patients"]), int(cohort["seed"]))


def dicom_series(plan: CohortPlan) -> dict[str, Callable[[], pydicom.Dataset]]:
    """T2w (axial, sagittal), ADC and computed b-value slices, rendered one patient at a time as they are saved."""
    return cohort_writer.dicom_partitions(plan)


def ktrans_volumes(plan: CohortPlan) -> dict[str, Callable[[], sitk.Image]]:
    """One Ktrans map per patient, rendered as it is saved."""
    return cohort_writer.ktrans_partitions(plan)


def findings_table(plan: CohortPlan) -> pd.DataFrame:
    return tables.findings_table(plan)


def images_table(plan: CohortPlan) -> pd.DataFrame:
    return tables.images_table(plan)


def ktrans_images_table(plan: CohortPlan) -> pd.DataFrame:
    return tables.ktrans_images_table(plan)


def prostatex2_findings_table(plan: CohortPlan) -> pd.DataFrame:
    return tables.prostatex2_findings_table(plan)


def cohort_truth_table(plan: CohortPlan) -> pd.DataFrame:
    return tables.cohort_truth_table(plan)


def lesions_truth_table(plan: CohortPlan) -> pd.DataFrame:
    return tables.lesions_truth_table(plan)


def cohort_spec_document(plan: CohortPlan) -> dict[str, Any]:
    return cohort_writer.spec_document(plan)
