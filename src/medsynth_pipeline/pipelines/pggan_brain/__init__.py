"""Seed 004 on brain MR (BraTS-style NIfTI, Kaggle yes/no folders): PGGAN and detection study per source."""

from medsynth_pipeline.pipelines.pggan_brain.pipeline import SOURCES, create_pipeline

__all__ = ["SOURCES", "create_pipeline"]
