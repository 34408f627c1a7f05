"""Lesion appearance carries signal about clinical significance without making it trivial."""

from __future__ import annotations

import numpy as np

from medsynth_pipeline.cohort import Grid, plan_cohort, resolve_spec
from medsynth_pipeline.cohort.calibration import baseline_auc, lesion_features, sphere_mean


def test_simple_baseline_is_informative_but_far_from_perfect() -> None:
    features = lesion_features(plan_cohort(resolve_spec("calibration"), 120, 2016))
    assert 150 < len(features) and 0.15 < features["clin_sig"].mean() < 0.45
    auc = baseline_auc(features)
    assert 0.72 < auc < 0.92, auc
    cancers = features[features["kind"] == "cancer"].groupby("ggg")["adc_mean"].mean()
    assert cancers.loc[1] > cancers.loc[[3, 4, 5]].mean()  # higher grade, lower ADC (with overlap)
    significant = features[features["clin_sig"]]
    mimics = features[features["kind"].isin(["bph_nodule", "prostatitis"])]
    assert mimics["adc_mean"].min() < significant["adc_mean"].median()  # benign mimics overlap cancer
    assert features["adc_mean"].between(300, 2500).all() and features["ktrans_mean"].between(0.0, 1.2).all()


def test_sphere_mean_averages_voxels_inside_the_radius() -> None:
    grid = Grid.centred(np.zeros(3), (21, 21, 7), (1.0, 1.0, 3.0))
    volume = np.zeros((7, 21, 21))
    volume[3, 10, 10] = 9.0  # the centre voxel
    assert sphere_mean(volume, grid, np.zeros(3), 0.4) == 9.0
    assert sphere_mean(volume, grid, np.zeros(3), 1.0) == 9.0 / 5  # centre and its four in-plane neighbours
