"""SimpleITK images (``.mha``, ``.mhd``, ``.nii.gz``, ``.nrrd``) as a Kedro dataset."""

from __future__ import annotations

from pathlib import Path

import SimpleITK as sitk
from kedro.io.core import DatasetError

from medsynth_pipeline.datasets._local_file import LocalFileDataset


class SimpleITKImageDataset(LocalFileDataset[sitk.Image]):
    """Reads and writes one ``SimpleITK.Image`` with its geometry (origin, spacing, direction).

    ``save_args: {use_compression: true}`` compresses the pixel data where the format allows it.

    Example catalog entry::

        registered_volumes:
          type: partitions.PartitionedDataset
          path: data/03_primary/registered_volumes
          dataset: medsynth_pipeline.datasets.SimpleITKImageDataset
          filename_suffix: .mha
    """

    def _read(self, path: Path) -> sitk.Image:
        if not path.exists():
            raise DatasetError(f"SimpleITKImageDataset: '{path}' does not exist")
        return sitk.ReadImage(str(path), **self._load_args)

    def _write(self, data: sitk.Image, path: Path) -> None:
        if not isinstance(data, sitk.Image):
            raise DatasetError(
                f"SimpleITKImageDataset: '{path}' expects a SimpleITK.Image, got {type(data).__name__}"
            )
        sitk.WriteImage(data, str(path), useCompression=bool(self._save_args.get("use_compression", True)))
