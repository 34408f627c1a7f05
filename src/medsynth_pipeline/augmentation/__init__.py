"""Synthetic sets from trained generators and classical augmentation. No Kedro imports."""
