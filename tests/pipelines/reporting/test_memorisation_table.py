"""The memorisation table renders a not-computed row (NaN counts) as blank cells, not as an error."""

from __future__ import annotations

import numpy as np
import pandas as pd

from medsynth_pipeline.pipelines.reporting.nodes import memorisation_tables


def test_a_not_computed_row_renders_blank_counts() -> None:
    summary = pd.DataFrame([
        {"model": "a", "set": "0", "n_synthetic": 6.0, "n_near_copies": 1.0, "near_copy_fraction": 1 / 6,
         "status": "computed", "reason": ""},
        {"model": "b", "set": "0", "n_synthetic": np.nan, "n_near_copies": np.nan, "near_copy_fraction": np.nan,
         "status": "not computed", "reason": "needs training images of at least two patients"},
    ])
    table, text = memorisation_tables(summary)
    pd.testing.assert_frame_equal(table, summary)
    row_b = next(line for line in text.splitlines() if line.startswith("| b "))
    assert "nan" not in row_b.lower() and "<NA>" not in row_b and "not computed" in row_b
    row_a = next(line for line in text.splitlines() if line.startswith("| a "))
    assert "| 6 |" in row_a and "16.6667" in row_a
