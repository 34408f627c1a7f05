"""The project's Kedro datasets: round trips with geometry, versioning, safe loading, errors that name the file."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pydicom
import pytest
import SimpleITK as sitk
import torch
from kedro.io.core import DatasetError, Version
from kedro_datasets.partitions import PartitionedDataset
from pydicom.dataset import FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, MRImageStorage, generate_uid

from medsynth_pipeline.datasets import DicomFileDataset, SimpleITKImageDataset, TorchTensorDataset


def _image() -> sitk.Image:
    image = sitk.GetImageFromArray(np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4))
    image.SetSpacing((0.5, 0.75, 3.0))
    image.SetOrigin((-10.0, 20.0, 30.0))
    image.SetDirection((0.0, 1.0, 0.0, -1.0, 0.0, 0.0, 0.0, 0.0, 1.0))
    return image


@pytest.mark.parametrize("suffix", [".mha", ".nii.gz", ".mhd"])
def test_simpleitk_round_trip_keeps_pixels_and_geometry(tmp_path: Path, suffix: str) -> None:
    dataset = SimpleITKImageDataset(filepath=str(tmp_path / f"volume{suffix}"))
    assert not dataset.exists()
    dataset.save(_image())
    loaded = dataset.load()
    assert dataset.exists()
    np.testing.assert_array_equal(sitk.GetArrayFromImage(loaded), sitk.GetArrayFromImage(_image()))
    np.testing.assert_allclose(loaded.GetSpacing(), (0.5, 0.75, 3.0))
    np.testing.assert_allclose(loaded.GetOrigin(), (-10.0, 20.0, 30.0))
    np.testing.assert_allclose(loaded.GetDirection(), _image().GetDirection(), atol=1e-6)


def test_simpleitk_rejects_other_objects_and_names_missing_files(tmp_path: Path) -> None:
    dataset = SimpleITKImageDataset(filepath=str(tmp_path / "volume.mha"))
    with pytest.raises(DatasetError, match="expects a SimpleITK.Image"):
        dataset.save(np.zeros((2, 2)))
    with pytest.raises(DatasetError, match="volume.mha"):
        dataset.load()


def test_versioned_saves_keep_every_version(tmp_path: Path) -> None:
    path = str(tmp_path / "weights.pt")
    TorchTensorDataset(filepath=path, version=Version(None, "2026-01-01T00.00.00.000Z")).save({"w": torch.zeros(2)})
    TorchTensorDataset(filepath=path, version=Version(None, "2026-01-02T00.00.00.000Z")).save({"w": torch.ones(2)})
    assert torch.equal(TorchTensorDataset(filepath=path, version=Version(None, None)).load()["w"], torch.ones(2))
    first = TorchTensorDataset(filepath=path, version=Version("2026-01-01T00.00.00.000Z", None)).load()
    assert torch.equal(first["w"], torch.zeros(2))


def test_tensor_files_hold_nested_tensors_and_load_on_cpu(tmp_path: Path) -> None:
    dataset = TorchTensorDataset(filepath=str(tmp_path / "patches.pt"))
    payload = {"images": torch.rand(3, 2, 4, 4), "channels": ["T2W", "ADC"], "spacing_mm": 1.0}
    dataset.save(payload)
    loaded = dataset.load()
    assert torch.equal(loaded["images"], payload["images"]) and loaded["images"].device.type == "cpu"
    assert loaded["channels"] == ["T2W", "ADC"] and loaded["spacing_mm"] == 1.0
    assert not list(tmp_path.glob("*.tmp")), "the atomic write left its temporary file"


class _Payload:
    """Unpickling this would run code: a shared checkpoint must never be able to."""

    def __reduce__(self):
        return (print, ("pwned",))


def test_tensor_loading_refuses_code(tmp_path: Path) -> None:
    path = tmp_path / "evil.pt"
    with path.open("wb") as handle:
        pickle.dump({"x": _Payload()}, handle)
    with pytest.raises(DatasetError, match="evil.pt"):
        TorchTensorDataset(filepath=str(path)).load()


def _mr_slice(z: float) -> pydicom.Dataset:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = MRImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = pydicom.Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = MRImageStorage, meta.MediaStorageSOPInstanceUID
    ds.Modality, ds.PatientID = "MR", "ProstateX-0000"
    ds.ImagePositionPatient, ds.ImageOrientationPatient = [0, 0, z], [1, 0, 0, 0, 1, 0]
    ds.PixelSpacing, ds.SliceThickness = [0.5, 0.5], 3.0
    ds.Rows = ds.Columns = 4
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.PixelData = np.full((4, 4), int(z), np.uint16).tobytes()
    return ds


def test_dicom_files_are_valid_part10_and_partition_into_a_readable_series(tmp_path: Path) -> None:
    series = PartitionedDataset(path=str(tmp_path / "series"), dataset=DicomFileDataset, filename_suffix=".dcm")
    series.save({f"1-{i + 1:02d}": _mr_slice(3.0 * i) for i in range(3)})
    files = sorted((tmp_path / "series").glob("*.dcm"))
    assert [f.name for f in files] == ["1-01.dcm", "1-02.dcm", "1-03.dcm"]
    assert files[0].read_bytes()[128:132] == b"DICM"
    assert DicomFileDataset(filepath=str(files[1])).load().ImagePositionPatient[2] == 3.0
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames([str(f) for f in files])
    volume = reader.Execute()
    assert volume.GetSize() == (4, 4, 3) and volume.GetSpacing()[2] == pytest.approx(3.0)


def test_dicom_dataset_names_the_file_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "notes.dcm").write_text("not DICOM\n")
    with pytest.raises(DatasetError, match="notes.dcm"):
        DicomFileDataset(filepath=str(tmp_path / "notes.dcm")).load()
    with pytest.raises(DatasetError, match="expects a pydicom.Dataset"):
        DicomFileDataset(filepath=str(tmp_path / "x.dcm")).save("text")
