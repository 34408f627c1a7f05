"""The memorisation check finds an injected exact copy and names its patient."""

from __future__ import annotations

import numpy as np
import pytest

from medsynth_pipeline.metrics.memorisation import memorisation_check, real_reference_distances


def _real_train(n_patients: int = 10, per_patient: int = 4) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    images = rng.uniform(size=(n_patients * per_patient, 1, 8, 8)).astype(np.float32)
    patients = np.repeat([f"P{i:02d}" for i in range(n_patients)], per_patient)
    return images, patients


def test_injected_exact_copy_is_flagged_with_its_patient() -> None:
    real, patients = _real_train()
    synthetic = np.random.default_rng(1).uniform(size=(30, 1, 8, 8)).astype(np.float32)
    synthetic[7] = real[13]  # a copy of patient P03's image
    result = memorisation_check(synthetic, real, patients, reference_quantile=0.01)
    flagged = result.pairs[result.pairs["near_copy"]]
    assert flagged["synthetic_index"].tolist() == [7]
    row = flagged.iloc[0]
    assert row["nearest_real_index"] == 13 and row["nearest_patient_id"] == "P03"
    assert row["distance"] == pytest.approx(0.0, abs=1e-6)
    assert result.pairs.iloc[0]["synthetic_index"] == 7  # closest pairs come first (for the figure)
    summary = result.summary()
    assert summary["n_near_copies"] == 1 and summary["near_copy_fraction"] == pytest.approx(1 / 30)


def test_reference_excludes_same_patient_neighbours() -> None:
    real, patients = _real_train(n_patients=3, per_patient=2)
    real[1] = real[0]  # two identical slices of one patient must not make the reference 0
    distances = real_reference_distances(real, patients)
    assert distances.min() > 0.1


def test_reference_needs_two_patients() -> None:
    real, _ = _real_train(n_patients=1)
    with pytest.raises(ValueError, match="two patients"):
        memorisation_check(real, real, ["P00"] * len(real))
