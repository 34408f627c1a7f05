"""ingest: any tree of DICOM files and volumes → ``series_index``, ``lesions``, ``rejected_files``, summary."""

from medsynth_pipeline.pipelines.ingest.pipeline import create_pipeline

__all__ = ["create_pipeline"]
