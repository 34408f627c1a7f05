"""ingest: any tree of DICOM files and volumes → ``series_index``, ``lesions``, ``rejected_files``, summary."""
