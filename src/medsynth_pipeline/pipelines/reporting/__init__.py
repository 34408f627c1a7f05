"""Reporting stage: the evaluation's tables (CSV + Markdown), figures and data/08_reporting/REPORT.md."""

from medsynth_pipeline.pipelines.reporting.pipeline import create_pipeline

__all__ = ["create_pipeline"]
