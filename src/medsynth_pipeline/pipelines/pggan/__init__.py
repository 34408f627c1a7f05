"""PGGAN stage (seed 004): whole slices → progressive growing GAN per class → phase grids and artifacts."""

from medsynth_pipeline.pipelines.pggan.pipeline import create_pipeline, model_template

__all__ = ["create_pipeline", "model_template"]
