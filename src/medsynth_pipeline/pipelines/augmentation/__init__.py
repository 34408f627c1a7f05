"""Augmentation stage: synthetic sets per trained generator and classical (MONAI) augmentation."""

from medsynth_pipeline.pipelines.augmentation.pipeline import create_pipeline

__all__ = ["create_pipeline"]
