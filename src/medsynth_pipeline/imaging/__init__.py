"""Imaging library: DICOM ingest, registration & crop, patches (subpackages), shared loaders. No Kedro imports."""
