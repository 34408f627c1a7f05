"""GAN training: one namespaced instance of the same modular pipeline per model (``gan_training.<model>``)."""

from medsynth_pipeline.pipelines.gan_training.pipeline import MODELS, create_pipeline

__all__ = ["MODELS", "create_pipeline"]
