"""Imaging library: cohort generation, DICOM scanning, registration, resampling, patches. No Kedro imports."""
