"""Patient-level splits: complete, disjoint, proportioned, stratified, seeded."""

from __future__ import annotations

import pandas as pd
import pytest

from medsynth_pipeline.imaging.patches.splits import split_patients, split_sizes

FRACTIONS = {"train": 0.7, "val": 0.15, "test": 0.15}


def _cohort(n: int, positives: int) -> pd.DataFrame:
    return pd.DataFrame(
        {"patient_id": [f"ProstateX-{i:04d}" for i in range(n)], "has_clin_sig": [i < positives for i in range(n)]}
    )


def test_every_patient_in_exactly_one_split():
    cohort = _cohort(40, 14)
    splits = split_patients(cohort, FRACTIONS, seed=42)
    assert len(splits) == 40 and splits["patient_id"].is_unique
    assert set(splits["patient_id"]) == set(cohort["patient_id"])
    assert set(splits["split"]) == {"train", "val", "test"}


def test_sizes_follow_fractions_and_strata_are_balanced():
    cohort = _cohort(200, 60)
    splits = split_patients(cohort, FRACTIONS, seed=1)
    counts = splits["split"].value_counts()
    assert (counts["train"], counts["val"], counts["test"]) == (140, 30, 30)
    share = splits.groupby("split")["has_clin_sig"].mean()
    assert share.between(0.3 - 0.04, 0.3 + 0.04).all()  # every split near the cohort's 30 % ClinSig


def test_seeded_and_independent_of_row_order():
    cohort = _cohort(30, 10)
    first = split_patients(cohort, FRACTIONS, seed=7)
    shuffled = split_patients(cohort.sample(frac=1.0, random_state=3), FRACTIONS, seed=7)
    pd.testing.assert_frame_equal(first, shuffled)
    other = split_patients(cohort, FRACTIONS, seed=8)
    assert not first["split"].equals(other["split"])


def test_tiny_cohort_still_gets_every_split():
    splits = split_patients(_cohort(4, 1), FRACTIONS, seed=0)
    assert splits["split"].value_counts().to_dict() == {"train": 2, "val": 1, "test": 1}


def test_split_sizes_largest_remainder_and_validation():
    assert split_sizes(10, FRACTIONS) == {"train": 7, "val": 2, "test": 1}  # ties go to the earlier split
    assert sum(split_sizes(17, FRACTIONS).values()) == 17
    assert split_sizes(5, {"train": 1.0}) == {"train": 5, "val": 0, "test": 0}
    with pytest.raises(ValueError, match="unknown split names"):
        split_sizes(5, {"train": 0.5, "holdout": 0.5})
    with pytest.raises(ValueError, match="non-negative"):
        split_sizes(5, {"train": -1.0, "test": 2.0})


def test_duplicate_patients_are_refused():
    cohort = pd.concat([_cohort(3, 1), _cohort(1, 1)])
    with pytest.raises(ValueError, match="ProstateX-0000"):
        split_patients(cohort, FRACTIONS, seed=0)
