"""Images third-party archives contain that are odd but real: MONOCHROME1, 1-bit, float and signed pixels,
Siemens mosaics, garbled or impossible geometry, series UIDs reused across patients, 4-D enhanced objects.
Each is read with its stored values or rejected with a reason a person understands; none stops the scan.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
import pytest
import SimpleITK as sitk
import yaml
from pydicom import uid
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence as DicomSequence

from medsynth_pipeline.imaging.ingest import series_index as series_index_module
from medsynth_pipeline.imaging.ingest.deid import is_placeholder
from medsynth_pipeline.imaging.ingest.rejections import Reason
from medsynth_pipeline.imaging.ingest.scan import read_header
from medsynth_pipeline.imaging.ingest.series_index import build_series_index
from medsynth_pipeline.imaging.ingest.series_io import read_volume
from medsynth_pipeline.pipelines.ingest.nodes import ingest_options

PROJECT = Path(__file__).resolve().parents[3]


def scan(root: Path):
    params = yaml.safe_load((PROJECT / "conf/base/parameters_ingest.yml").read_text())["ingest"]
    return build_series_index(root, ingest_options({**params, "progress": False, "workers": 1}))


def only_rejection(result):
    assert len(result.series_index) == 0 and len(result.rejections) == 1, result.rejections
    return result.rejections[0]


def test_monochrome1_keeps_its_stored_values(factory, tmp_path: Path) -> None:
    """GDCM inverted MONOCHROME1 (65535 - v); the stored values, rescaled, are the physical ones."""
    paths, values = factory.write_series(tmp_path, n_slices=3)
    factory.rewrite(paths, lambda ds: setattr(ds, "PhotometricInterpretation", "MONOCHROME1"))
    row = scan(tmp_path).series_index.iloc[0]
    np.testing.assert_array_equal(sitk.GetArrayFromImage(read_volume(row)), values)


def test_one_bit_pixels_are_zero_and_one(factory, tmp_path: Path) -> None:
    """GDCM gave 1-bit masks back as 0/255."""
    paths, values = factory.write_series(tmp_path, n_slices=3)
    bits = (values % 2).astype(np.uint8)

    def one_bit(ds: Dataset) -> None:
        plane = bits[int(ds.InstanceNumber) - 1]
        ds.PixelData = np.packbits(plane.ravel(), bitorder="little").tobytes()
        ds.BitsAllocated = ds.BitsStored = 1
        ds.HighBit = 0

    factory.rewrite(paths, one_bit)
    row = scan(tmp_path).series_index.iloc[0]
    np.testing.assert_array_equal(sitk.GetArrayFromImage(read_volume(row)), bits)


@pytest.mark.parametrize("dtype", ["float32", "int16"])
def test_float_and_signed_pixels(factory, tmp_path: Path, dtype: str) -> None:
    paths, values = factory.write_series(tmp_path, n_slices=3)
    expected = values.astype(np.float32) / 7 if dtype == "float32" else values.astype(np.int16) - 500

    def convert(ds: Dataset) -> None:
        plane = expected[int(ds.InstanceNumber) - 1]
        if dtype == "float32":  # Float Pixel Data (parametric maps) instead of Pixel Data
            del ds.PixelData, ds.BitsStored, ds.HighBit, ds.PixelRepresentation
            ds.FloatPixelData, ds.BitsAllocated = plane.tobytes(), 32
        else:
            ds.PixelData, ds.PixelRepresentation = plane.tobytes(), 1

    factory.rewrite(paths, convert)
    row = scan(tmp_path).series_index.iloc[0]
    np.testing.assert_allclose(sitk.GetArrayFromImage(read_volume(row)), expected, rtol=1e-6)


@pytest.mark.parametrize("syntax", [uid.ExplicitVRLittleEndian, uid.ImplicitVRLittleEndian])
def test_a_siemens_mosaic_is_rejected_not_read_as_one_slice(factory, tmp_path: Path, syntax: str) -> None:
    path = factory.write_siemens_mosaic(tmp_path / "dwi/IM1", tiles=9)
    if syntax == uid.ImplicitVRLittleEndian:  # private values then arrive as raw bytes
        ds = pydicom.dcmread(path)
        ds.file_meta.TransferSyntaxUID = syntax
        ds.save_as(path, enforce_file_format=True)
    rejection = only_rejection(scan(tmp_path))
    assert rejection.reason == Reason.UNSUPPORTED_IMAGE
    assert "Siemens mosaic: 9 slices" in rejection.detail and "dcm2niix" in rejection.detail


@pytest.mark.parametrize(
    ("change", "reason", "words"),
    [
        ({"PixelSpacing": [0, 0]}, Reason.INVALID_GEOMETRY, "PixelSpacing [0.0, 0.0] mm is not positive"),
        ({"PixelSpacing": [-0.5, -0.5]}, Reason.INVALID_GEOMETRY, "not positive"),
        ({"ImageOrientationPatient": [0] * 6}, Reason.INVALID_GEOMETRY, "not two perpendicular unit vectors"),
        ({"ImageOrientationPatient": [1, 0, 0, 1, 0, 0]}, Reason.INVALID_GEOMETRY, "perpendicular"),
        ({"ImagePositionPatient": None}, Reason.MISSING_GEOMETRY, "ImagePositionPatient absent"),
    ],
)
def test_impossible_or_absent_geometry(
    factory, tmp_path: Path, change: dict, reason: Reason, words: str
) -> None:
    """Zero spacing was indexed with SimpleITK's silent 1 mm; a zero orientation got a misleading reason."""
    paths, _ = factory.write_series(tmp_path, n_slices=3)

    def apply(ds: Dataset) -> None:
        for keyword, value in change.items():
            if value is None:
                delattr(ds, keyword)
            else:
                setattr(ds, keyword, value)

    factory.rewrite(paths, apply)
    rejection = only_rejection(scan(tmp_path))
    assert rejection.reason == reason and words in rejection.detail


@pytest.mark.parametrize("value", [b"nan", b"inf", b"abc"])
def test_unreadable_numbers_in_the_position_are_missing_geometry(
    factory, tmp_path: Path, value: bytes
) -> None:
    """NaN in ImagePositionPatient crashed the whole scan (int(round(nan)))."""
    paths, _ = factory.write_series(tmp_path / "bad", n_slices=3)
    factory.rewrite(paths, lambda ds: setattr(ds, "ImagePositionPatient", ["1234.5", "0", "0"]))
    for path in paths:
        path.write_bytes(path.read_bytes().replace(b"1234.5", value.ljust(6)))
    factory.write_series(tmp_path / "good", n_slices=3, patient_id="ProstateX-0009")
    result = scan(tmp_path)
    assert result.series_index["path"].tolist() == [str(tmp_path / "good")]
    assert [r.reason for r in result.rejections] == [Reason.MISSING_GEOMETRY]


def test_a_series_uid_shared_by_two_patients_is_rejected_with_that_reason(factory, tmp_path: Path) -> None:
    series = pydicom.uid.generate_uid()
    for name, patient, z in (("a", "P-1", 0.0), ("b", "P-2", 100.0)):
        factory.write_series(
            tmp_path,
            n_slices=3,
            series_uid=series,
            patient_id=patient,
            origin=(0, 0, z),
            file_name=name + "{index}.dcm",
        )
    rejection = only_rejection(scan(tmp_path))
    assert rejection.reason == Reason.INCONSISTENT_SERIES and "2 PatientIDs" in rejection.detail


def test_series_rejections_name_their_files(factory, tmp_path: Path) -> None:
    """Several series in one folder share the folder as path: the detail says which files are meant."""
    paths, _ = factory.write_series(tmp_path, n_slices=4, file_name="IM{index}")
    factory.rewrite(paths, lambda ds: setattr(ds, "PixelSpacing", [0, 0]))
    factory.write_series(tmp_path, n_slices=3, file_name="OK{index}")
    result = scan(tmp_path)
    assert len(result.series_index) == 1
    assert "(4 files: IM1, IM2, IM3, ...)" in result.rejections[0].detail


def test_an_unforeseen_error_rejects_one_series_and_the_others_survive(
    factory, tmp_path: Path, monkeypatch
) -> None:
    factory.write_series(tmp_path / "a", n_slices=3, description="first")
    factory.write_series(tmp_path / "b", n_slices=3, description="second", patient_id="ProstateX-0005")
    real = series_index_module.build_stack

    def fragile(slices, *args, **kwargs):
        if "/a/" in slices[0].file:
            raise ZeroDivisionError("a case nobody foresaw")
        return real(slices, *args, **kwargs)

    monkeypatch.setattr(series_index_module, "build_stack", fragile)
    result = scan(tmp_path)
    assert result.series_index["path"].tolist() == [str(tmp_path / "b")]
    assert result.rejections[0].reason == Reason.UNEXPECTED_ERROR
    assert "ZeroDivisionError: a case nobody foresaw" in result.rejections[0].detail


def test_placeholder_names_do_not_blank_words_of_the_messages(factory, tmp_path: Path) -> None:
    """A PatientName of "NAME^PATIENT" redacted "Patient" everywhere: "empty <redacted>ID"."""
    assert (
        is_placeholder("NAME^PATIENT^NAME") and is_placeholder("*NO INFO*") and not is_placeholder("Doe^John")
    )
    paths, _ = factory.write_series(tmp_path, n_slices=3)
    factory.rewrite(
        paths, lambda ds: (setattr(ds, "PatientName", "NAME^PATIENT"), delattr(ds, "ImagePositionPatient"))
    )
    rejection = only_rejection(scan(tmp_path))
    assert "ImagePositionPatient absent" in rejection.detail and "<redacted>" not in rejection.detail


def _frame_item(position_z: float, in_stack: int, dimension: list[int], temporal: int) -> Dataset:
    item = Dataset()
    plane = Dataset()
    plane.ImagePositionPatient = [0.0, 0.0, position_z]
    item.PlanePositionSequence = DicomSequence([plane])
    content = Dataset()
    content.StackID, content.InStackPositionNumber = "1", in_stack
    content.TemporalPositionIndex, content.DimensionIndexValues = temporal, dimension
    item.FrameContentSequence = DicomSequence([content])
    return item


def test_a_4d_enhanced_object_is_split_by_its_dimension_index(factory, tmp_path: Path) -> None:
    """nibabel's 4-D sample numbers its frames' TemporalPositionIndex unevenly (1, 2, 2, 2, 3, ...): the
    split by it gave 21 'volumes' of 1 to 14 slices; its DimensionIndexValues define two time points."""
    path, _ = factory.write_enhanced_mr(tmp_path / "dce.dcm", n_slices=4)
    ds = pydicom.dcmread(path)
    n, frames = 4, []
    for t in range(2):
        for z in range(n):
            frames.append(_frame_item(3.0 * z, z + 1, [1, z + 1, t + 1], temporal=1 + (t * n + z) // 3))
    ds.PerFrameFunctionalGroupsSequence = DicomSequence(frames)
    pointers = (0x00209056, 0x00209057, 0x00209128)  # StackID, InStackPositionNumber, TemporalPositionIndex
    dimensions = []
    for pointer in pointers:
        dimension = Dataset()
        dimension.add_new(0x00209165, "AT", pointer)
        dimensions.append(dimension)
    ds.DimensionIndexSequence = DicomSequence(dimensions)
    ds.NumberOfFrames = 2 * n
    values = np.arange(2 * n * 32 * 32, dtype=np.uint16).reshape(2 * n, 32, 32)
    ds.PixelData = values.tobytes()
    ds.save_as(path, enforce_file_format=True)
    assert read_header(path).slices[5].key("dimension_index") == "1/2"
    index = scan(tmp_path).series_index
    assert index["stack"].tolist() == ["dimension_index=1/1", "dimension_index=1/2"]
    assert index["size_z"].tolist() == [n, n]
    second = sitk.GetArrayFromImage(read_volume(index.iloc[1]))
    np.testing.assert_array_equal(second, values[n:])


def test_a_diffusion_series_with_several_directions_per_b_value(factory, tmp_path: Path) -> None:
    """Each position holds b=0 and b=800 along three gradient directions (a Philips/GE-style export): no
    single tag separated the stacks, so the whole series was rejected as duplicate_slices."""
    directions = [None, (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)]
    n = 3
    per_slice = {"DiffusionBValue": [], "ImagePositionPatient": [], "InstanceNumber": []}
    for k, direction in enumerate(directions):
        for z in range(n):
            per_slice["DiffusionBValue"].append(0.0 if direction is None else 800.0)
            per_slice["ImagePositionPatient"].append([0.0, 0.0, 3.0 * z])
            per_slice["InstanceNumber"].append(1 + k * n + z)
    paths, values = factory.write_series(
        tmp_path, n_slices=len(directions) * n, per_slice=per_slice, description="ep2d_diff_tra"
    )
    for path, k in zip(paths, [k for k in range(len(directions)) for _ in range(n)], strict=True):
        if directions[k] is not None:
            factory.rewrite(
                [path], lambda ds, d=directions[k]: setattr(ds, "DiffusionGradientOrientation", list(d))
            )
    index = scan(tmp_path).series_index
    assert index["stack"].tolist() == [
        "b_value=0",
        "b_value=800 diffusion_direction=0/0/1",
        "b_value=800 diffusion_direction=0/1/0",
        "b_value=800 diffusion_direction=1/0/0",
    ]
    assert set(index["size_z"]) == {n} and index["volume_id"].nunique() == 4 and set(index["kind"]) == {"DWI"}
    x_direction = sitk.GetArrayFromImage(read_volume(index.iloc[3]))
    np.testing.assert_array_equal(x_direction, values[n : 2 * n])
