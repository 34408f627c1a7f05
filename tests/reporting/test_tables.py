"""Comparison tables: mean ± std cells laid out models × metrics, "not computed" with its reason."""

from __future__ import annotations

import pandas as pd

from medsynth_pipeline.reporting.tables import (
    comparison_table,
    format_value,
    markdown_table,
    markdown_with_notes,
    not_computed_notes,
)


def _long() -> pd.DataFrame:
    return pd.DataFrame([
        {"row": "CoGAN", "metric": "IS-ADC", "mean": 1.904, "std": 0.051, "n": 5, "status": "computed", "reason": ""},
        {"row": "CoGAN", "metric": "SCA", "mean": 0.89, "std": 0.003, "n": 5, "status": "computed", "reason": ""},
        {"row": "CoGAN", "metric": "FID-ADC", "mean": None, "std": None, "n": 0, "status": "not computed",
         "reason": "weights absent"},
        {"row": "real data", "metric": "SCA", "mean": 0.93, "std": None, "n": 1, "status": "computed", "reason": ""},
    ])


def test_layout_and_cells() -> None:
    table = comparison_table(_long(), metric_order=["IS-ADC", "FID-ADC", "SCA"], percent=["SCA"], digits={"SCA": 1})
    assert list(table.columns) == ["row", "IS-ADC", "FID-ADC", "SCA"]
    cogan = table.set_index("row").loc["CoGAN"]
    assert cogan["IS-ADC"] == "1.90 ± 0.05"
    assert cogan["FID-ADC"] == "not computed"
    assert cogan["SCA"] == "89.0 ± 0.3"
    real = table.set_index("row").loc["real data"]
    assert real["SCA"] == "93.0" and real["IS-ADC"] == "–"  # a single run has no std; absent cells are dashes


def test_ci_and_notes() -> None:
    long = pd.DataFrame([{"row": "real", "metric": "accuracy", "mean": 0.9, "std": 0.01, "n": 3,
                          "ci_low": 0.85, "ci_high": 0.95}])
    assert comparison_table(long, with_ci=True).loc[0, "accuracy"] == "0.90 ± 0.01 [0.85, 0.95]"
    assert not_computed_notes(_long()) == ["FID-ADC (CoGAN): weights absent"]
    assert format_value(float("nan")) == "–"


def test_markdown() -> None:
    table = pd.DataFrame({"row": ["a|b"], "x": ["1.0 ± 0.1"]})
    text = markdown_table(table)
    assert text.splitlines() == ["| row | x |", "| --- | ---: |", "| a\\|b | 1.0 ± 0.1 |"]
    document = markdown_with_notes("Study", table, ["FID-ADC: weights absent"])
    assert document.startswith("### Study\n") and "- FID-ADC: weights absent" in document
