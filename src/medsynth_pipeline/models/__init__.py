"""Neural networks of the source papers (GANs) and the downstream classifiers. No Kedro imports."""
