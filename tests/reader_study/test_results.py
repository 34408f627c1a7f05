"""Table 2 from answers: the counts of seed 004 come back from answers built to match them."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from medsynth_pipeline.reader_study.figures import confusion_figure
from medsynth_pipeline.reader_study.results import POOLED, table_markdown, visual_turing_table

matplotlib.use("Agg")


def _seed004_study() -> tuple[pd.DataFrame, pd.DataFrame]:
    """200 items and one reader whose answers reproduce 004's Table 2 cell by cell."""
    key = pd.DataFrame({
        "item_id": range(200),
        "origin": ["real"] * 100 + ["synthetic"] * 100,
        "is_lesion": ([True] * 50 + [False] * 50) * 2,
        "source_index": list(range(100)) * 2,
    })
    said_real = [True] * 58 + [False] * 42 + [True] * 1 + [False] * 99  # R as R 58, R as S 42, S as R 1
    # lesion errors: T as N 18 (R: 5, S: 13); N as T 1 (S: 1)
    said_lesion = ([False] * 5 + [True] * 45 + [False] * 50
                   + [False] * 13 + [True] * 37 + [True] * 1 + [False] * 49)
    answers = pd.DataFrame({"reader": "physician", "item_id": range(200), "position": range(200),
                            "answered_real": said_real, "answered_lesion": said_lesion, "answered_at": ""})
    return key, answers


def test_table2_of_seed_004() -> None:
    key, answers = _seed004_study()
    row = visual_turing_table(key, answers).iloc[0]
    assert (row.real_as_real, row.real_as_synthetic, row.synthetic_as_real, row.synthetic_as_synthetic) == (58, 42, 1, 99)
    assert row.real_synthetic_accuracy == pytest.approx(0.785)
    assert (row.lesion_as_lesion, row.lesion_as_no_lesion, row.no_lesion_as_lesion, row.no_lesion_as_no_lesion) == (82, 18, 1, 99)
    assert (row.lesion_as_no_lesion_real, row.lesion_as_no_lesion_synthetic) == (5, 13)
    assert (row.no_lesion_as_lesion_real, row.no_lesion_as_lesion_synthetic) == (0, 1)
    assert row.lesion_accuracy == pytest.approx(0.905)
    markdown = table_markdown(visual_turing_table(key, answers))
    assert "| 78.5% | 58 | 42 | 1 | 99 |" in markdown
    assert "| 90.5% | 82 | 18 (R: 5, S: 13) | 1 (R: 0, S: 1) | 99 |" in markdown


def test_several_readers_get_a_pooled_row() -> None:
    key, answers = _seed004_study()
    second = answers.assign(reader="resident", answered_real=True)
    table = visual_turing_table(key, pd.concat([answers, second]))
    assert table["reader"].tolist() == ["physician", "resident", POOLED]
    pooled = table.set_index("reader").loc[POOLED]
    assert pooled.n_answers == 400
    assert pooled.real_as_real == 58 + 100 and pooled.synthetic_as_real == 1 + 100
    fig = confusion_figure(table)
    assert len(fig.axes) == 6


def test_answers_to_unknown_items_are_rejected() -> None:
    key, answers = _seed004_study()
    with pytest.raises(ValueError, match="not in the study key"):
        visual_turing_table(key.iloc[:10], answers)
