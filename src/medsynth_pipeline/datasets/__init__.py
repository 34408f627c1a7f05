"""Kedro datasets for the formats kedro-datasets does not cover: DICOM, SimpleITK images, torch tensors."""

from medsynth_pipeline.datasets.dicom_file_dataset import DicomFileDataset
from medsynth_pipeline.datasets.simpleitk_image_dataset import SimpleITKImageDataset
from medsynth_pipeline.datasets.torch_tensor_dataset import TorchTensorDataset

__all__ = ["DicomFileDataset", "SimpleITKImageDataset", "TorchTensorDataset"]
