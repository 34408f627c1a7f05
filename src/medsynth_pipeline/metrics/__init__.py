"""Image-quality, privacy and classification metrics. No Kedro imports."""
