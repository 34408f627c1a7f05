"""One DICOM file as a ``pydicom.Dataset``."""

from __future__ import annotations

from pathlib import Path

import pydicom
from kedro.io.core import DatasetError

from medsynth_pipeline.datasets._local_file import LocalFileDataset


class DicomFileDataset(LocalFileDataset[pydicom.Dataset]):
    """Reads and writes a single DICOM Part 10 file.

    Used with ``PartitionedDataset`` to write a generated cohort as a tree of files
    (``filename_suffix: .dcm``); ``load_args`` go to ``pydicom.dcmread`` (e.g. ``stop_before_pixels``).
    """

    def _read(self, path: Path) -> pydicom.Dataset:
        return pydicom.dcmread(path, **self._load_args)

    def _write(self, data: pydicom.Dataset, path: Path) -> None:
        if not isinstance(data, pydicom.Dataset):
            raise DatasetError(f"DicomFileDataset: '{path}' expects a pydicom.Dataset, got {type(data).__name__}")
        data.save_as(path, enforce_file_format=True)
