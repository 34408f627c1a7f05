"""Evaluation stage: image-set metrics, SCA, the augmentation study and TSTR per GAN model, then across models."""

from medsynth_pipeline.pipelines.evaluation.pipeline import create_pipeline

__all__ = ["create_pipeline"]
