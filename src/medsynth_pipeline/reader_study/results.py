"""Seed 004's Table 2 from reader answers: real/synthetic and lesion/no-lesion confusion matrices.

004 reports, for one physician and 200 images, the accuracy and the four cells of each 2 × 2 matrix, and
splits the lesion errors by origin ("T as N 18 (R: 5, S: 13)"). Here every reader gets a row, plus a
pooled row over all readers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix

from medsynth_pipeline.reader_study.study import KEY_COLUMNS

POOLED = "all readers"
TABLE_COLUMNS = [
    "reader", "n_answers",
    "real_synthetic_accuracy", "real_as_real", "real_as_synthetic", "synthetic_as_real", "synthetic_as_synthetic",
    "lesion_accuracy", "lesion_as_lesion", "lesion_as_no_lesion", "lesion_as_no_lesion_real",
    "lesion_as_no_lesion_synthetic", "no_lesion_as_lesion", "no_lesion_as_lesion_real",
    "no_lesion_as_lesion_synthetic", "no_lesion_as_no_lesion",
]


def scored_answers(key: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
    """Answers joined with the truth of each image (``origin``, ``is_lesion``)."""
    unknown = sorted(set(answers["item_id"]) - set(key["item_id"]))
    if unknown:
        raise ValueError(f"answers refer to items {unknown[:5]} that are not in the study key")
    return answers.merge(key[KEY_COLUMNS], on="item_id", how="left", validate="many_to_one")


def _row(reader: str, scored: pd.DataFrame) -> dict[str, object]:
    is_real = (scored["origin"] == "real").to_numpy()
    said_real = scored["answered_real"].to_numpy(dtype=bool)
    is_lesion = scored["is_lesion"].to_numpy(dtype=bool)
    said_lesion = scored["answered_lesion"].to_numpy(dtype=bool)
    # labels=[True, False] puts the positive class (real / lesion) first, as in 004's table.
    (rr, rs), (sr, ss) = confusion_matrix(is_real, said_real, labels=[True, False])
    (ll, ln), (nl, nn) = confusion_matrix(is_lesion, said_lesion, labels=[True, False])
    n = len(scored)
    return {
        "reader": reader, "n_answers": n,
        "real_synthetic_accuracy": (rr + ss) / n if n else np.nan,
        "real_as_real": rr, "real_as_synthetic": rs, "synthetic_as_real": sr, "synthetic_as_synthetic": ss,
        "lesion_accuracy": (ll + nn) / n if n else np.nan,
        "lesion_as_lesion": ll, "lesion_as_no_lesion": ln,
        "lesion_as_no_lesion_real": int(np.sum(is_lesion & ~said_lesion & is_real)),
        "lesion_as_no_lesion_synthetic": int(np.sum(is_lesion & ~said_lesion & ~is_real)),
        "no_lesion_as_lesion": nl,
        "no_lesion_as_lesion_real": int(np.sum(~is_lesion & said_lesion & is_real)),
        "no_lesion_as_lesion_synthetic": int(np.sum(~is_lesion & said_lesion & ~is_real)),
        "no_lesion_as_no_lesion": nn,
    }


def visual_turing_table(key: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
    """One row per reader (and a pooled row when there are several) in the layout of 004's Table 2."""
    scored = scored_answers(key, answers)
    rows = [_row(str(reader), group) for reader, group in scored.groupby("reader", sort=True)]
    if len(rows) > 1:
        rows.append(_row(POOLED, scored))
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    count_columns = [c for c in TABLE_COLUMNS if c not in ("reader", "real_synthetic_accuracy", "lesion_accuracy")]
    return table.astype(dict.fromkeys(count_columns, "int64"))


def table_markdown(table: pd.DataFrame) -> str:
    """004's Table 2 as Markdown, one block per reader row."""
    lines = ["# Visual Turing Test (seed 004, Table 2)", ""]
    for row in table.itertuples(index=False):
        lines += [
            f"## {row.reader} ({row.n_answers} images)", "",
            "| Real/Synthetic | R as R | R as S | S as R | S as S |", "|---|---|---|---|---|",
            f"| {row.real_synthetic_accuracy:.1%} | {row.real_as_real} | {row.real_as_synthetic} "
            f"| {row.synthetic_as_real} | {row.synthetic_as_synthetic} |", "",
            "| Lesion/No-lesion | L as L | L as N | N as L | N as N |", "|---|---|---|---|---|",
            f"| {row.lesion_accuracy:.1%} | {row.lesion_as_lesion} "
            f"| {row.lesion_as_no_lesion} (R: {row.lesion_as_no_lesion_real}, S: {row.lesion_as_no_lesion_synthetic}) "
            f"| {row.no_lesion_as_lesion} (R: {row.no_lesion_as_lesion_real}, S: {row.no_lesion_as_lesion_synthetic}) "
            f"| {row.no_lesion_as_no_lesion} |", "",
        ]
    return "\n".join(lines)
