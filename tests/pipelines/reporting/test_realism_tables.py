"""The realism headline table node on a hand-made scores frame: ladder failures named, not tabled; targets."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from medsynth_pipeline.metrics.realism import C2ST_METRIC, COLUMNS
from medsynth_pipeline.pipelines.reporting.nodes import realism_tables

UNIFORM_FAILS = "'uniform noise' (1.2) does not score worse than 'real + strong noise' (1.5)"


def _row(model: str, set_label: str, metric: str, value: float | None, floor: float | None = None,
         passed: bool = True, reason: str = "") -> dict[str, Any]:
    ratio = float(np.exp(value - floor)) if value is not None and floor is not None else None
    return {"model": model, "set": set_label, "metric": metric, "value": value, "floor": floor,
            "ratio_to_floor": ratio, "ladder_passed": passed, "ladder_reason": reason,
            "headline": passed and value is not None, "status": "computed" if value is not None else "not computed",
            "reason": "" if value is not None else "too few held-out patches"}


def _scores() -> pd.DataFrame:
    rows = []
    for set_label, shift in (("set0", 0.0), ("set1", 0.2)):
        rows += [_row("good", set_label, "FRD-ADC", 2.0 + shift, floor=2.0),         # ratio 1.0 and 1.22
                 _row("good", set_label, "FRD-T2W", 5.0, floor=2.0, passed=False, reason=UNIFORM_FAILS),
                 _row("good", set_label, C2ST_METRIC, 0.60 + shift / 2),
                 _row("noisy", set_label, "FRD-ADC", 4.0, floor=2.0),                # ratio e² ≈ 7.4
                 _row("noisy", set_label, C2ST_METRIC, 0.97)]
    rows.append(_row("broken", "set0", "all", None, passed=False))
    return pd.DataFrame(rows, columns=["model", *COLUMNS])


def test_ladder_failures_are_named_and_targets_checked(test_parameters: dict[str, Any]) -> None:
    table, markdown = realism_tables(_scores(), test_parameters["reporting"], test_parameters["realism"])
    assert set(zip(table["model"], table["metric"], strict=True)) == {
        ("good", "FRD-ADC"), ("good", C2ST_METRIC), ("noisy", "FRD-ADC"), ("noisy", C2ST_METRIC)}
    by = table.set_index(["model", "metric"])
    assert by.loc[("good", "FRD-ADC"), "ratio_to_floor"] == pytest.approx(np.mean([1.0, np.exp(0.2)]))
    assert by.loc[("good", C2ST_METRIC), "mean"] == pytest.approx(0.65) and by.loc[("good", C2ST_METRIC), "sets"] == 2
    good_frd = next(line for line in markdown.splitlines() if line.startswith("| good | FRD-ADC |"))
    assert "| 2.000 | 1.11 | FRD/floor ≤ 2 | yes |" in good_frd  # floor, mean ratio (3 significant digits)
    assert by["meets_target"].to_dict() == {("good", "FRD-ADC"): True, ("good", C2ST_METRIC): True,
                                            ("noisy", "FRD-ADC"): False, ("noisy", C2ST_METRIC): False}
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert rows[0].startswith("| model | metric | sets | value (mean ± std over sets) | real-vs-real floor |")
    assert not any("FRD-T2W" in line for line in rows)  # failed the ladder: not in the table
    noisy_auc = next(line for line in rows if line.startswith(f"| noisy | {C2ST_METRIC} |"))
    assert noisy_auc.endswith("| AUC ≤ 0.85 | no |") and "| 0.970 ± 0.000 |" in noisy_auc
    assert "- FRD-T2W (good) fails the metric ladder at step 4 ('uniform noise'): " + UNIFORM_FAILS in markdown
    assert "broken: realism metrics not computed (too few held-out patches)" in markdown


def test_a_table_with_no_passing_metric_says_so(test_parameters: dict[str, Any]) -> None:
    scores = _scores().assign(ladder_passed=False, headline=False, ladder_reason=UNIFORM_FAILS)
    table, markdown = realism_tables(scores, test_parameters["reporting"], test_parameters["realism"])
    assert table.empty and "no realism metric passed the metric ladder" in markdown
    assert "C2ST-AUC (noisy) fails the metric ladder at step 4" in markdown


def test_the_notes_name_the_frd_image_types_of_the_run(test_parameters: dict[str, Any]) -> None:
    realism = {**test_parameters["realism"], "frd": {"image_types": ["Original", "Wavelet"]}, "max_synthetic": 64}
    _, markdown = realism_tables(_scores(), test_parameters["reporting"], realism)
    assert "FRDv1 pyradiomics classes on the Original + Wavelet image(s); at most 64 patches" in markdown
    _, original_only = realism_tables(_scores(), test_parameters["reporting"], test_parameters["realism"])
    assert "on the Original image(s)" in original_only
