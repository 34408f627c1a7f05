"""``stitch_ablation``: 002 Table I and Fig. 9, StitchLayer-#F#a variants trained unsupervised on ADC, scored by SCA."""

from medsynth_pipeline.pipelines.stitch_ablation.pipeline import create_pipeline

__all__ = ["create_pipeline"]
