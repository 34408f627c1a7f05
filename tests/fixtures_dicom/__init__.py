"""Factories for small DICOM, volume and findings fixtures written by the ingest tests themselves."""
