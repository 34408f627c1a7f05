"""Comparison tables: rows (models or conditions) × metrics, cells "mean ± std", as 002 Table II and 004
Table 1 are laid out; a metric that was not computed reads "not computed" and its reason goes to a note.

Input is a long table with one row per (row label, metric): ``row, metric, mean, std`` and optionally
``ci_low, ci_high, n, status, reason``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

NOT_COMPUTED_CELL = "not computed"


def format_value(mean: float, std: float | None = None, digits: int = 2, scale: float = 1.0) -> str:
    """``1.90 ± 0.05``; without a std (a single run) just ``1.90``; NaN reads as an en dash."""
    if mean is None or (isinstance(mean, float) and math.isnan(mean)):
        return "–"
    text = f"{mean * scale:.{digits}f}"
    if std is not None and not (isinstance(std, float) and math.isnan(std)):
        text += f" ± {std * scale:.{digits}f}"
    return text


def comparison_table(
    long: pd.DataFrame,
    row_order: Sequence[str] | None = None,
    metric_order: Sequence[str] | None = None,
    digits: int | dict[str, int] = 2,
    percent: Sequence[str] = (),
    with_ci: bool = False,
) -> pd.DataFrame:
    """Wide table of formatted cells; metrics in ``percent`` are shown ×100 (004 reports %).

    ``with_ci`` appends ``[low, high]`` when the long table has ``ci_low``/``ci_high``.
    """
    required = {"row", "metric", "mean"}
    if not required <= set(long.columns):
        raise KeyError(f"comparison table needs columns {sorted(required)}, got {list(long.columns)}")
    rows = list(row_order) if row_order else list(dict.fromkeys(long["row"]))
    metrics = list(metric_order) if metric_order else list(dict.fromkeys(long["metric"]))
    cells: dict[str, dict[str, str]] = {row: {} for row in rows}
    for record in long.to_dict("records"):
        if record["row"] not in cells or record["metric"] not in metrics:
            continue
        metric = record["metric"]
        if record.get("status") == "not computed":
            cells[record["row"]][metric] = NOT_COMPUTED_CELL
            continue
        places = digits.get(metric, 2) if isinstance(digits, dict) else digits
        scale = 100.0 if metric in percent else 1.0
        std = record.get("std")
        n = record.get("n")
        text = format_value(record["mean"], std if n is None or n > 1 else None, places, scale)
        if with_ci and "ci_low" in record and not pd.isna(record.get("ci_low")):
            text += f" [{record['ci_low'] * scale:.{places}f}, {record['ci_high'] * scale:.{places}f}]"
        cells[record["row"]][metric] = text
    table = pd.DataFrame.from_dict(cells, orient="index").reindex(columns=metrics).fillna("–")
    table.index.name = "row"
    return table.reset_index()


def not_computed_notes(long: pd.DataFrame) -> list[str]:
    """One line per reason, naming the metrics (and rows) it kept from being computed."""
    if "status" not in long.columns:
        return []
    missing = long[long["status"] == "not computed"]
    lines = []
    for reason, group in missing.groupby("reason", sort=False):
        metrics = ", ".join(dict.fromkeys(group["metric"]))
        rows = ", ".join(dict.fromkeys(group["row"])) if "row" in group else ""
        lines.append(f"{metrics}" + (f" ({rows})" if rows else "") + f": {reason}")
    return lines


def markdown_table(table: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table (pipes in cells escaped)."""
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(cell(c) for c in table.columns) + " |"
    rule = "|" + "|".join(" --- " if i == 0 else " ---: " for i in range(len(table.columns))) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def markdown_with_notes(title: str, table: pd.DataFrame, notes: Sequence[str] = ()) -> str:
    """Title, table and the notes (e.g. why a metric was not computed) as one Markdown document."""
    parts = [f"### {title}", "", markdown_table(table)]
    if notes:
        parts += ["", *[f"- {note}" for note in notes]]
    return "\n".join(parts) + "\n"
