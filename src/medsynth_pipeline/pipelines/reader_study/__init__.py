"""reader_study: prepare a blinded Visual Turing Test, then turn readers' answers into seed 004's Table 2."""

from medsynth_pipeline.pipelines.reader_study.pipeline import create_pipeline

__all__ = ["create_pipeline"]
