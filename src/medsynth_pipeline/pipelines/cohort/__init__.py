"""``cohort``: writes the embedded ProstateX-like default cohort (``kedro run --pipelines=cohort``)."""

from medsynth_pipeline.pipelines.cohort.pipeline import create_pipeline

__all__ = ["create_pipeline"]
