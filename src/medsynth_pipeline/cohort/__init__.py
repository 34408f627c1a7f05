"""Embedded ProstateX-like cohort: a deterministic generator of multi-parametric prostate MRI as real DICOM.

``write_cohort(out_dir, truth_dir, n_patients, seed, preset, **overrides)`` writes a whole cohort (ProstateX
layout + ground truth); the Kedro ``cohort`` pipeline does the same through catalog datasets.
"""

from medsynth_pipeline.cohort.geometry import Grid, RigidOffset
from medsynth_pipeline.cohort.plan import CohortPlan, PatientPlan, plan_cohort
from medsynth_pipeline.cohort.spec import PRESETS, CohortSpec, resolve_spec
from medsynth_pipeline.cohort.writer import (
    RAW_TABLES,
    TRUTH_TABLES,
    dicom_partitions,
    ktrans_partitions,
    write_cohort,
)

__all__ = [
    "PRESETS",
    "RAW_TABLES",
    "TRUTH_TABLES",
    "CohortPlan",
    "CohortSpec",
    "Grid",
    "PatientPlan",
    "RigidOffset",
    "dicom_partitions",
    "ktrans_partitions",
    "plan_cohort",
    "resolve_spec",
    "write_cohort",
]
