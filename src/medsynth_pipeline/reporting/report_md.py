"""``REPORT.md``: one page that states the dataset and the settings, shows the comparison tables, links
every table and figure, and lists the metrics that were not computed with the reason for each.

Paths in the report are relative to the report's own folder, so the page renders on GitHub, in an IDE and
as an MLflow artifact alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReportSection:
    """A study's part of the report: explanation, the embedded table, links to files, figures."""

    title: str
    text: str = ""
    table_md: str = ""
    links: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (caption, relative path)
    figures: Sequence[tuple[str, str]] = field(default_factory=tuple)  # (caption, relative path to a PNG)


def _key_values(values: Mapping[str, object]) -> list[str]:
    return [f"- **{key}**: {value}" for key, value in values.items()]


def render_report(
    title: str,
    dataset: Mapping[str, object],
    settings: Mapping[str, object],
    sections: Sequence[ReportSection],
    not_computed: Sequence[str],
    preamble: str = "",
) -> str:
    """The Markdown text of the report."""
    lines = [f"# {title}", ""]
    if preamble:
        lines += [preamble, ""]
    lines += ["## Dataset", "", *_key_values(dataset), "", "## Settings", "", *_key_values(settings), ""]
    for section in sections:
        lines += [f"## {section.title}", ""]
        if section.text:
            lines += [section.text, ""]
        if section.table_md:
            lines += [section.table_md.strip(), ""]
        if section.links:
            lines += [" · ".join(f"[{caption}]({path})" for caption, path in section.links), ""]
        for caption, path in section.figures:
            lines += [f"**{caption}**", "", f"![{caption}]({path})", ""]
    lines += ["## Metrics not computed", ""]
    lines += [f"- {item}" for item in not_computed] if not_computed else ["All configured metrics were computed."]
    return "\n".join(lines).rstrip() + "\n"
