"""Image-quality, privacy and classification metrics. No Kedro imports.

- ``inception``: FID / IS / KID exactly as torch-fidelity computes them, from local weights only.
- ``distribution``: Fréchet distance, KID and IS-style score on any named feature space.
- ``prdc``: precision / recall / density / coverage (Naeem et al. 2020).
- ``memorisation``: nearest real training image per synthetic image, near copies flagged.
- ``classification``: accuracy / sensitivity / specificity / ROC AUC with (patient-aware) bootstrap CIs.
- ``statistics``: mean ± std over runs and Welch t-tests between models.
"""

from medsynth_pipeline.metrics.results import COMPUTED, NOT_COMPUTED, InsufficientData, MetricResult

__all__ = ["COMPUTED", "NOT_COMPUTED", "InsufficientData", "MetricResult"]
