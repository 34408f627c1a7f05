"""patch extraction: patient splits, then one namespaced instance of the patch pipeline per paper preset."""

from medsynth_pipeline.pipelines.patches.pipeline import PRESETS, create_pipeline

__all__ = ["PRESETS", "create_pipeline"]
