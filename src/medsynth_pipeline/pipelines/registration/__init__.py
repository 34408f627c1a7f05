"""register & crop: ADC and Ktrans rigidly registered to T2w, resampled onto a 64×64 prostate crop per patient."""

from medsynth_pipeline.pipelines.registration.pipeline import create_pipeline

__all__ = ["create_pipeline"]
