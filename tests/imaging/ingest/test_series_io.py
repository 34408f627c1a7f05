"""Reading rows back: decoded values and physical geometry are those written, whatever the encoding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk
from pydicom import uid

from medsynth_pipeline.imaging.ingest.rejections import Reason
from medsynth_pipeline.imaging.ingest.series_io import (
    VolumeReadError,
    read_dicom_series,
    read_multiframe,
    read_volume,
    read_volume_file,
)

LOSSLESS = [
    uid.ExplicitVRLittleEndian,
    uid.ImplicitVRLittleEndian,
    uid.ExplicitVRBigEndian,
    uid.DeflatedExplicitVRLittleEndian,
    uid.RLELossless,
    uid.JPEG2000Lossless,
    uid.JPEGLSLossless,
]


@pytest.mark.parametrize("syntax", LOSSLESS, ids=lambda s: s.name)
def test_lossless_series_decode_exactly(factory, tmp_path: Path, syntax: str) -> None:
    paths, values = factory.write_series(tmp_path, n_slices=3, syntax=syntax)
    image = read_dicom_series([str(p) for p in paths])
    np.testing.assert_array_equal(sitk.GetArrayFromImage(image), values.astype(np.float32))
    assert image.GetPixelID() == sitk.sitkFloat32
    assert image.GetSpacing() == pytest.approx((0.5, 0.5, 3.0))
    assert image.GetOrigin() == pytest.approx((-4.0, -4.0, -6.0))


def test_jpeg_baseline_is_close(factory, tmp_path: Path) -> None:
    paths, values = factory.write_series(tmp_path, n_slices=2, syntax=uid.JPEGBaseline8Bit)
    decoded = sitk.GetArrayFromImage(read_dicom_series([str(p) for p in paths]))
    assert np.abs(decoded - np.clip(values, 0, 255)).mean() < 3.0  # lossy, quality 95


def test_sagittal_series_geometry(factory, tmp_path: Path) -> None:
    paths, values = factory.write_series(
        tmp_path, n_slices=3, rows=32, columns=24, orientation=factory.SAGITTAL, origin=(10.0, -5.0, 20.0),
        pixel_spacing=(0.7, 0.6), slice_spacing=4.0,
    )  # fmt: skip
    image = read_dicom_series([str(p) for p in paths])
    assert image.GetSize() == (24, 32, 3)
    assert image.GetSpacing() == pytest.approx((0.6, 0.7, 4.0))
    np.testing.assert_allclose(
        np.reshape(image.GetDirection(), (3, 3)), [[0, 0, -1], [1, 0, 0], [0, -1, 0]], atol=1e-6
    )
    # voxel (i=2, j=5, k=1) lies at origin + 2*0.6*row + 5*0.7*column + 1*4*normal, normal = row x column
    row, column = np.array([0, 1, 0]), np.array([0, 0, -1])
    expected = np.array([10.0, -5.0, 20.0]) + 2 * 0.6 * row + 5 * 0.7 * column + 4 * np.cross(row, column)
    assert image.TransformIndexToPhysicalPoint((2, 5, 1)) == pytest.approx(tuple(expected))
    np.testing.assert_array_equal(sitk.GetArrayFromImage(image), values)


def test_rescale_slope_intercept_applied(factory, tmp_path: Path) -> None:
    paths, values = factory.write_series(
        tmp_path, n_slices=2, per_slice={"RescaleSlope": [0.5, 0.5], "RescaleIntercept": [-10, -10]}
    )
    decoded = sitk.GetArrayFromImage(read_dicom_series([str(p) for p in paths]))
    np.testing.assert_allclose(decoded, values * 0.5 - 10)


def test_enhanced_multiframe_frames_sorted_and_split(factory, tmp_path: Path) -> None:
    path, values = factory.write_enhanced_mr(tmp_path / "enhanced.dcm", n_slices=4, b_values=(0, 800))
    # frames are stored in reverse slice order; stack 2 (b=800) is frames 4..7
    image = read_multiframe(str(path), [4, 5, 6, 7])
    np.testing.assert_array_equal(sitk.GetArrayFromImage(image), values[1])
    assert image.GetOrigin() == pytest.approx((-4.0, -4.0, -6.0))
    assert image.GetSpacing() == pytest.approx((2.0, 2.0, 3.0))


def test_enhanced_multiframe_compressed(factory, tmp_path: Path) -> None:
    path, values = factory.write_enhanced_mr(tmp_path / "enhanced.dcm", n_slices=3, syntax=uid.RLELossless)
    image = read_volume(
        {"source_format": "dicom_multiframe", "files": [str(path)], "frames": [], "path": str(path)}
    )
    np.testing.assert_array_equal(sitk.GetArrayFromImage(image), values[0])


@pytest.mark.parametrize("name", ["vol.mhd", "vol.mha", "vol.nii.gz", "vol.nii"])
def test_volume_files(factory, tmp_path: Path, name: str) -> None:
    values = factory.volume_values(3, 8, 6).astype(np.float32) / 1000
    path = factory.write_volume(tmp_path / name, values, spacing=(1.5, 1.5, 3.0), origin=(1.0, 2.0, 3.0))
    image = read_volume({"source_format": "nifti", "files": [str(path)], "path": str(path)})
    np.testing.assert_allclose(sitk.GetArrayFromImage(image), values, rtol=1e-6)
    assert image.GetSpacing() == pytest.approx((1.5, 1.5, 3.0)) and image.GetSize() == (6, 8, 3)


def test_two_dimensional_volume_becomes_one_slice(tmp_path: Path) -> None:
    path = tmp_path / "slice.mha"
    sitk.WriteImage(sitk.GetImageFromArray(np.ones((4, 5), np.float32)), str(path))
    assert read_volume_file(path).GetSize() == (5, 4, 1)


def test_four_dimensional_volume_rejected(tmp_path: Path) -> None:
    path = tmp_path / "dce.nii.gz"
    sitk.WriteImage(sitk.GetImageFromArray(np.zeros((2, 3, 4, 5), np.float32)), str(path))
    with pytest.raises(VolumeReadError) as error:
        read_volume_file(path)
    assert error.value.reason == Reason.NOT_3D


def test_mhd_without_its_pixel_file(factory, tmp_path: Path) -> None:
    path = factory.write_volume(tmp_path / "case-Ktrans.mhd", factory.volume_values(2, 4, 4))
    for companion in tmp_path.glob("*raw"):
        companion.unlink()
    with pytest.raises(VolumeReadError) as error:
        read_volume_file(path)
    assert error.value.reason == Reason.UNREADABLE_VOLUME


def test_undecodable_pixel_data(factory, tmp_path: Path) -> None:
    paths, _ = factory.write_series(tmp_path, n_slices=2, syntax=uid.JPEG2000Lossless)
    data = bytearray(paths[1].read_bytes())
    marker = data.find(b"\xff\x4f\xff\x51")  # JPEG 2000 codestream start: garble the codestream header
    data[marker : marker + 40] = b"\x00" * 40
    paths[1].write_bytes(bytes(data))
    with pytest.raises(VolumeReadError) as error:
        read_dicom_series([str(p) for p in paths])
    assert error.value.reason == Reason.DECODE_FAILED


def test_unknown_source_format() -> None:
    with pytest.raises(ValueError, match="unknown source_format"):
        read_volume({"source_format": "video", "files": ["x"], "path": "x"})


def test_classic_multiframe_file(factory, tmp_path: Path) -> None:
    """NumberOfFrames > 1 without functional groups: frames one SpacingBetweenSlices apart along the normal."""
    values = factory.volume_values(3)
    ds = factory.mr_dataset(
        pixels=values[0], patient_id="P", study_uid="1.2.3", series_uid="1.2.3.4", description="t2_tse_tra",
        position=(-4.0, -4.0, -6.0), NumberOfFrames=3, SpacingBetweenSlices=2.5,
    )  # fmt: skip
    ds.PixelData = values.astype("<u2").tobytes()
    path = factory.save(ds, tmp_path / "multi.dcm")
    image = read_volume(
        {"source_format": "dicom_multiframe", "files": [str(path)], "frames": [], "path": str(path)}
    )
    np.testing.assert_array_equal(sitk.GetArrayFromImage(image), values)
    assert image.GetSpacing() == pytest.approx((0.5, 0.5, 2.5)) and image.GetOrigin() == pytest.approx(
        (-4, -4, -6)
    )
    frames = read_volume(
        {"source_format": "dicom_multiframe", "files": [str(path)], "frames": [1, 2], "path": ""}
    )
    np.testing.assert_array_equal(sitk.GetArrayFromImage(frames), values[1:])
    assert frames.GetOrigin() == pytest.approx((-4, -4, -3.5))
