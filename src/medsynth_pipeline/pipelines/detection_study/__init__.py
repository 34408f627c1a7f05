"""Seed 004's detection study: ResNet-50 lesion / no-lesion with no, classical, PGGAN and both augmentations."""

from medsynth_pipeline.pipelines.detection_study.pipeline import create_pipeline, study_template

__all__ = ["create_pipeline", "study_template"]
