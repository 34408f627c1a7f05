"""The metric ladder on lesion-like patches made here: FRD and C2ST must rank the five rungs in order."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter

from medsynth_pipeline.metrics.c2st import c2st_auc
from medsynth_pipeline.metrics.frd import FRDSettings, split_halves
from medsynth_pipeline.metrics.ladder import RUNGS, check_ladder, ladder_sets
from medsynth_pipeline.metrics.realism import C2ST_METRIC, RealismScorer, RealismSettings
from medsynth_pipeline.metrics.results import InsufficientData

CHANNELS = ["ADC", "T2w"]


def lesion_patches(n: int, seed: int, size: int = 16) -> np.ndarray:
    """Smooth tissue texture with a dark-ADC / bright-T2w blob (lesion-like), N×2×size×size in [0, 1]."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:size, :size]
    out = np.empty((n, 2, size, size))
    for i in range(n):
        tissue = gaussian_filter(rng.normal(size=(size, size)), 2.0)
        tissue = 0.25 + 0.4 * (tissue - tissue.min()) / (np.ptp(tissue) + 1e-9)
        cy, cx = rng.uniform(4, size - 4, 2)
        blob = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * rng.uniform(1.5, 3.5) ** 2))
        out[i, 0] = tissue - 0.2 * blob
        out[i, 1] = 0.9 * tissue + 0.25 * blob
    return np.clip(out + 0.01 * rng.normal(size=out.shape), 0, 1)


def test_check_ladder_orders_and_ceiling() -> None:
    assert check_ladder("d", [0.1, 0.2, 0.3, 0.4, 0.5]).passed
    failed = check_ladder("d", [0.1, 0.3, 0.2, 0.4, 0.5])
    assert not failed.passed and RUNGS[2] in failed.reason
    assert not check_ladder("auc", [0.5, 1.0, 1.0, 1.0, 1.0]).passed  # ties without a ceiling fail
    assert check_ladder("auc", [0.5, 1.0, 1.0, 1.0, 1.0], ceiling=1.0).passed
    assert not check_ladder("auc", [0.5, 0.9, 0.9, 1.0, 1.0], ceiling=1.0).passed  # a tie below the ceiling
    assert not check_ladder("d", [0.1, np.nan, 0.3, 0.4, 0.5]).passed


def test_ladder_sets_rungs() -> None:
    real = lesion_patches(4, 0)
    sets = ladder_sets(real, seed=0)
    assert list(sets) == list(RUNGS)
    assert np.array_equal(sets["held-out real"], real)
    assert np.ptp(sets["constant"]) == 0
    assert np.abs(np.diff(sets["blurred real"], axis=-1)).mean() < np.abs(np.diff(real, axis=-1)).mean()


def test_c2st_rejects_bad_input_and_groups_by_patient() -> None:
    real, fake = lesion_patches(20, 1), lesion_patches(20, 2)
    with pytest.raises(ValueError, match="\\[0, 1\\]"):
        c2st_auc(real * 2, fake)
    with pytest.raises(ValueError, match="C×H×W"):
        c2st_auc(real, fake[:, :1])
    with pytest.raises(InsufficientData):
        c2st_auc(real, fake, real_groups=np.zeros(20))  # one patient: nothing to hold out
    # Real patches that carry a per-patient offset: ungrouped folds would let the classifier memorise it.
    auc = c2st_auc(real, fake, real_groups=np.repeat(np.arange(5), 4))
    assert 0.2 < auc < 0.8


def test_split_halves_is_patient_disjoint() -> None:
    groups = np.repeat(np.arange(6), [1, 2, 3, 4, 5, 6])
    first, second = split_halves(groups, seed=3)
    assert set(groups[first]).isdisjoint(groups[second])
    assert len(first) + len(second) == len(groups) and min(len(first), len(second)) > 0


def test_frd_and_c2st_pass_the_ladder() -> None:
    reference = lesion_patches(48, 10)
    held_out = lesion_patches(24, 11)
    settings = RealismSettings(frd=FRDSettings(image_types=("Original",)), c2st_folds=4, ladder_patches=24, max_reference=48, seed=0)
    scorer = RealismScorer(reference, np.repeat(np.arange(12), 4), held_out, np.repeat(np.arange(6), 4),
                           CHANNELS, settings)
    verdicts = scorer.ladder()
    for metric in ("FRD-ADC", "FRD-T2w", "FRD-ADC+T2w", C2ST_METRIC):
        assert verdicts[metric] == (True, ""), (metric, verdicts[metric])
    table = scorer.table({"set0": lesion_patches(24, 12), "noise": np.random.default_rng(0).uniform(size=(24, 2, 16, 16))})
    frd = table[table.metric == "FRD-ADC"].set_index("set")
    assert frd.loc["set0", "value"] < frd.loc["noise", "value"]
    assert frd.loc["noise", "ratio_to_floor"] > 10 * frd.loc["set0", "ratio_to_floor"]
    assert table.headline.all()
