"""score_image_sets: every metric per set, Inception metrics named and explained when not computed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from medsynth_pipeline.metrics.scoring import (
    NEAR_COPY_METRIC,
    ScoringSettings,
    domain_metrics,
    score_image_sets,
)

SETTINGS = ScoringSettings(is_splits=2, kid_subsets=5, kid_subset_size=50, prdc_nearest_k=3)


def _embed(images: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """A fixed 'classifier': channel means as features, their difference as a 2-class logit."""
    features = images.mean(dim=(2, 3)).numpy().astype(np.float64)
    logits = np.stack([features[:, 0], -features[:, 0]], axis=1) * 10
    return features, logits


def test_rows_per_set_and_metric_with_honest_names() -> None:
    generator = torch.Generator().manual_seed(0)
    real = torch.rand(40, 2, 6, 6, generator=generator)
    patients = [f"P{i // 4}" for i in range(40)]
    shifted = (torch.rand(30, 2, 6, 6, generator=generator) * 0.5 + 0.5)
    copies = real[:30].clone()
    table = score_image_sets(real, patients, {"shifted": shifted, "copies": copies}, ["T2W", "ADC"], SETTINGS,
                             inception=None, inception_reason="weights absent", embed=_embed, space="Toy-real")
    by = table.set_index(["set", "metric"])
    for name in ("FID-T2W", "IS-ADC", "KID-ADC"):
        row = by.loc[("shifted", name)]
        assert row["status"] == "not computed" and row["reason"] == "weights absent" and pd.isna(row["value"])
    assert not any(m.startswith("FID") and s == "computed" for (_, m), s in by["status"].items())
    assert by.loc[("shifted", "FD-Toy-real"), "value"] > by.loc[("copies", "FD-Toy-real"), "value"]
    assert by.loc[("copies", NEAR_COPY_METRIC), "value"] == pytest.approx(100.0)  # every image is a copy
    assert by.loc[("shifted", NEAR_COPY_METRIC), "value"] < 20.0
    assert {"precision-Toy-real", "coverage-Toy-real", "IS-Toy-real"} <= set(table["metric"])


def test_prdc_not_computed_for_tiny_sets() -> None:
    rng = np.random.default_rng(0)
    results = domain_metrics(rng.normal(size=(10, 3)), rng.normal(size=(3, 3)), rng.normal(size=(3, 2)), "X", SETTINGS)
    prdc = [r for r in results if r.name.startswith("precision")]
    assert prdc[0].status == "not computed" and "k=3" in prdc[0].reason


def test_unknown_settings_and_mismatched_sets_are_refused() -> None:
    with pytest.raises(ValueError, match="kid_subset"):
        ScoringSettings.from_dict({"kid_subset": 3})
    with pytest.raises(ValueError, match="set odd"):
        score_image_sets(torch.rand(8, 1, 4, 4), ["a", "b"] * 4, {"odd": torch.rand(8, 1, 5, 5)}, ["ADC"], SETTINGS)
