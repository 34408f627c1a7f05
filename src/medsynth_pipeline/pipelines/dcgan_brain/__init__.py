"""Seed 003 on its own data: the DCGAN 64×64 trained on brain tumour MR images (``dcgan_brain``)."""

from medsynth_pipeline.pipelines.dcgan_brain.pipeline import create_pipeline

__all__ = ["create_pipeline"]
