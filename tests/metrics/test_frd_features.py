"""Radiomic feature extraction for FRD: the process pool gives the serial features, and sets are capped."""

from __future__ import annotations

import numpy as np

from medsynth_pipeline.metrics.frd import FRDSettings, radiomic_features
from medsynth_pipeline.metrics.realism import RealismScorer, RealismSettings


def _patches(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    smooth = np.cumsum(np.cumsum(rng.random((n, 1, 16, 16)), axis=2), axis=3)
    return (smooth / smooth.max(axis=(2, 3), keepdims=True)).astype(np.float32)


def test_pooled_features_equal_the_serial_ones() -> None:
    patches = _patches(10, 0)
    serial = radiomic_features(patches, FRDSettings(image_types=("Original",), workers=1))
    pooled = radiomic_features(patches, FRDSettings(image_types=("Original",), workers=2))
    assert serial.names == pooled.names and len(serial.names) > 50
    np.testing.assert_array_equal(np.nan_to_num(serial.values), np.nan_to_num(pooled.values))


def test_each_synthetic_set_is_scored_on_at_most_max_synthetic_patches(monkeypatch) -> None:
    import medsynth_pipeline.metrics.realism as realism

    sizes: list[int] = []
    real = radiomic_features

    def counting(images, settings=None, what="patches"):
        sizes.append(len(images))
        return real(images, settings, what)

    monkeypatch.setattr(realism, "radiomic_features", counting)
    monkeypatch.setattr(realism, "c2st_auc", lambda real_images, synthetic, **_: 0.5)
    settings = RealismSettings(frd=FRDSettings(image_types=("Original",)), ladder_patches=6, max_reference=12,
                               max_synthetic=7)
    groups = np.repeat(np.arange(6), 2)
    scorer = RealismScorer(_patches(12, 1), groups, _patches(12, 2), groups, ["T2W"], settings)
    sizes.clear()
    scorer.table({"set0": _patches(20, 3), "set1": _patches(5, 4)})
    assert sizes[-2:] == [7, 5]  # after the ladder's rungs: the two sets, the larger one capped


def test_pyradiomics_does_not_log_every_filter_into_the_run_log(caplog) -> None:
    import logging

    with caplog.at_level(logging.INFO):
        radiomic_features(_patches(3, 7), FRDSettings(image_types=("Original",), workers=1))
    chatter = [r for r in caplog.records if r.name.startswith("radiomics") and r.levelno < logging.WARNING]
    assert chatter == []
