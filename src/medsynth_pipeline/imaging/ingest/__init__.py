"""Ingest: scan a raw-data tree, group and check DICOM series and volume files, read findings, de-identify. No Kedro imports."""
