"""One tiny cohort (with the sagittal T2w) written once for the cohort library tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from medsynth_pipeline.cohort import CohortPlan, write_cohort

# Seed 26 gives every kind of finding (incl. an anterior-stroma cancer and a significant PZ cancer).
TINY_ARGS = {"n_patients": 3, "seed": 26, "t2w": {"write_sagittal": True}}


@dataclass(frozen=True)
class WrittenCohort:
    raw: Path
    truth: Path
    plan: CohortPlan
    args: dict


@pytest.fixture(scope="session")
def tiny_cohort(tmp_path_factory: pytest.TempPathFactory) -> WrittenCohort:
    root = tmp_path_factory.mktemp("cohort")
    plan = write_cohort(root / "raw", root / "truth", **TINY_ARGS)
    return WrittenCohort(root / "raw", root / "truth", plan, TINY_ARGS)
