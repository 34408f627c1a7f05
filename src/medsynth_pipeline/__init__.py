"""medsynth_pipeline: prostate MRI (DICOM) to GAN-synthesised training data, and the evidence of whether it helps."""

__version__ = "0.1.0"
