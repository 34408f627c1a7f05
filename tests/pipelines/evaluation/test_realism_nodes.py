"""score_realism on the toy preset: FRD, floor, C2ST and ladder verdicts per synthetic set, from conf/test."""

from __future__ import annotations

from typing import Any

import numpy as np

from medsynth_pipeline.metrics.realism import C2ST_METRIC, COLUMNS
from medsynth_pipeline.pipelines.evaluation.realism_nodes import score_realism

from .conftest import MODEL, make_patches, make_synthetic


def test_score_realism_rows(test_parameters: dict[str, Any]) -> None:
    patches, metadata = make_patches()
    synthetic, synthetic_metadata = make_synthetic(patches)
    no_classifier = {"state_dict": None, "space": "ANN-real", "reason": "not trained in this test"}
    table = score_realism(patches, metadata, synthetic, synthetic_metadata, no_classifier, MODEL,
                          test_parameters["realism"], test_parameters["evaluation"]["scoring"],
                          test_parameters["evaluation"]["task"])
    assert list(table.columns) == ["model", *COLUMNS]
    assert set(table["set"]) == {"set0", "set1"}
    assert set(table["metric"]) == {"FRD-ADC", C2ST_METRIC}  # one channel: no joint FRD, no domain metrics
    frd = table[table.metric == "FRD-ADC"]
    assert frd["floor"].notna().all()
    assert np.allclose(frd["ratio_to_floor"], np.exp(frd["value"] - frd["floor"]))
    assert (table["headline"] == table["ladder_passed"]).all()
    auc = table.loc[table.metric == C2ST_METRIC, "value"]
    assert ((auc >= 0) & (auc <= 1)).all()
