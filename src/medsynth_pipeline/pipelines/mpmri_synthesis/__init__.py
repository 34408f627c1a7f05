"""``mpmri_synthesis``: 002's semi-supervised ADC → T2w synthesizer, its baselines and its Table II / Figs. 6–7."""

from medsynth_pipeline.pipelines.mpmri_synthesis.pipeline import create_pipeline

__all__ = ["create_pipeline"]
