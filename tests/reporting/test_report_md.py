"""REPORT.md states dataset and settings, links files relative to itself and lists what was not computed."""

from __future__ import annotations

from medsynth_pipeline.reporting.report_md import ReportSection, render_report


def test_report_links_and_not_computed() -> None:
    section = ReportSection("Augmentation study", text="004 Table 1 layout.", table_md="| a |\n| --- |",
                            links=[("CSV", "evaluation/augmentation.csv")],
                            figures=[("ROC", "evaluation/figures/roc.png")])
    text = render_report("Evaluation", {"patients": 40}, {"environment": "demo"}, [section],
                         ["FID-ADC: Inception weights absent"])
    assert "- **patients**: 40" in text and "- **environment**: demo" in text
    assert "[CSV](evaluation/augmentation.csv)" in text and "![ROC](evaluation/figures/roc.png)" in text
    assert text.index("## Augmentation study") < text.index("## Metrics not computed")
    assert "- FID-ADC: Inception weights absent" in text


def test_report_says_when_everything_was_computed() -> None:
    assert "All configured metrics were computed." in render_report("E", {}, {}, [], [])
