"""Header scan: every kind of file a real archive holds is read or rejected with the right reason."""

from __future__ import annotations

from pathlib import Path

import pydicom
import pytest
from pydicom import uid

from medsynth_pipeline.imaging.ingest.rejections import Reason, Rejection
from medsynth_pipeline.imaging.ingest.scan import DicomHeader, read_header, take_inventory

ENCODINGS = [
    uid.ExplicitVRLittleEndian,
    uid.ImplicitVRLittleEndian,
    uid.ExplicitVRBigEndian,
    uid.DeflatedExplicitVRLittleEndian,
    uid.RLELossless,
    uid.JPEG2000Lossless,
    uid.JPEGLSLossless,
    uid.JPEGBaseline8Bit,
]


@pytest.mark.parametrize("syntax", ENCODINGS, ids=lambda s: s.name)
def test_every_encoding_gives_a_header(factory, tmp_path: Path, syntax: str) -> None:
    paths, _ = factory.write_series(tmp_path, n_slices=1, syntax=syntax, description="t2_tse_tra")
    header = read_header(paths[0])
    assert isinstance(header, DicomHeader), header
    assert header.transfer_syntax == syntax
    assert header.patient_id == "ProstateX-0000"
    assert header.description == "t2_tse_tra"
    (geometry,) = header.slices
    assert geometry.position == (-4.0, -4.0, -6.0)
    assert geometry.pixel_spacing == (0.5, 0.5) and (geometry.rows, geometry.columns) == (32, 32)


def test_header_keeps_identifiers_apart_from_the_fields(factory, tmp_path: Path) -> None:
    paths, _ = factory.write_series(tmp_path, n_slices=1)
    header = read_header(paths[0])
    assert "Quixotebury" in header.identifiers and "19470312" in header.identifiers
    fields = repr(header)
    assert not any(value.split("^")[0] in fields for value in factory.IDENTIFIERS.values())


@pytest.mark.parametrize(
    ("keep", "syntax", "detail"),
    [
        (0.6, uid.ExplicitVRLittleEndian, "pixel data needs"),
        (0.1, uid.ExplicitVRLittleEndian, "ends inside the header"),
        (0.2, uid.ExplicitVRLittleEndian, "ends inside element"),
        (0.9, uid.JPEG2000Lossless, "compressed pixel data"),
        (0.7, uid.RLELossless, "compressed pixel data"),
    ],
)
def test_truncated_files(factory, tmp_path: Path, keep: float, syntax: str, detail: str) -> None:
    paths, _ = factory.write_series(tmp_path, n_slices=1, syntax=syntax)
    rejection = read_header(factory.truncate(paths[0], keep))
    assert isinstance(rejection, Rejection)
    assert rejection.reason == Reason.TRUNCATED and detail in rejection.detail
    assert rejection.path == str(paths[0])


@pytest.mark.parametrize(
    "content", [b"hello, not an image\n" * 20, b"", b"\x00" * 400, b"\x89PNG\r\n\x1a\n" + b"\x00" * 50]
)
def test_non_dicom_files_named_dcm(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "IM0001.dcm"
    path.write_bytes(content)
    rejection = read_header(path)
    assert isinstance(rejection, Rejection) and rejection.reason == Reason.NOT_DICOM


def test_a_cut_at_every_length_is_truncated_or_no_pixel_data(factory, tmp_path: Path) -> None:
    """Wherever a copy stops, the file is rejected, mostly as truncated, never indexed and never raising."""
    paths, _ = factory.write_series(tmp_path, n_slices=1)
    data = paths[0].read_bytes()
    reasons = []
    for cut in range(140, len(data) - 1, 37):
        paths[0].write_bytes(data[:cut])
        result = read_header(paths[0])
        assert isinstance(result, Rejection), cut
        reasons.append(result.reason)
    assert set(reasons) <= {Reason.TRUNCATED, Reason.NO_PIXEL_DATA, Reason.CORRUPT_HEADER}
    assert reasons.count(Reason.TRUNCATED) >= 0.9 * len(reasons)


def test_image_header_without_pixel_data(factory, tmp_path: Path) -> None:
    paths, _ = factory.write_series(tmp_path, n_slices=1)
    ds = pydicom.dcmread(paths[0])
    del ds.PixelData
    ds.save_as(paths[0], enforce_file_format=True)
    rejection = read_header(paths[0])
    assert rejection.reason == Reason.NO_PIXEL_DATA and "complete image header" in rejection.detail


def test_structured_report_has_no_pixel_data(factory, tmp_path: Path) -> None:
    rejection = read_header(factory.write_structured_report(tmp_path / "sr.dcm"))
    assert rejection.reason == Reason.NO_PIXEL_DATA and "Basic Text SR" in rejection.detail


def test_dicomdir_is_an_index_and_its_files_without_extension_are_images(factory, tmp_path: Path) -> None:
    dicomdir, files = factory.write_dicomdir(tmp_path / "media", n_slices=3)
    assert read_header(dicomdir).reason == Reason.DICOMDIR
    assert all(f.suffix == "" for f in files)
    headers = [read_header(f) for f in files]
    assert all(isinstance(h, DicomHeader) for h in headers)


@pytest.mark.parametrize("transfer_syntax", ["1.2.840.10008.1.2.4.100", "1.2.3.999.garbage"])
def test_unsupported_transfer_syntax(factory, tmp_path: Path, transfer_syntax: str) -> None:
    paths, _ = factory.write_series(tmp_path, n_slices=1)
    rejection = read_header(factory.set_transfer_syntax(paths[0], transfer_syntax))
    assert rejection.reason == Reason.UNSUPPORTED_TRANSFER_SYNTAX and transfer_syntax in rejection.detail


def test_dataset_without_preamble_is_still_dicom(factory, tmp_path: Path) -> None:
    """Old archives hold bare datasets (no 128-byte preamble, no DICM): they are DICOM all the same."""
    paths, _ = factory.write_series(tmp_path, n_slices=1, syntax=uid.ImplicitVRLittleEndian)
    ds = pydicom.dcmread(paths[0])
    bare = tmp_path / "bare"
    ds.preamble = None
    del ds.file_meta
    ds.save_as(bare, implicit_vr=True, little_endian=True, enforce_file_format=False)
    assert bare.read_bytes()[128:132] != b"DICM"
    header = read_header(bare)
    assert isinstance(header, DicomHeader) and header.slices[0].rows == 32


def test_missing_series_uid_and_patient_id(factory, tmp_path: Path) -> None:
    paths, _ = factory.write_series(tmp_path, n_slices=2)
    for path, keyword, reason in zip(
        paths,
        ("SeriesInstanceUID", "PatientID"),
        (Reason.MISSING_UID, Reason.MISSING_PATIENT_ID),
        strict=True,
    ):
        ds = pydicom.dcmread(path)
        delattr(ds, keyword)
        ds.save_as(path, enforce_file_format=True)
        assert read_header(path).reason == reason


def test_siemens_private_b_value(factory, tmp_path: Path) -> None:
    paths, _ = factory.write_series(tmp_path, n_slices=1, description="ep2d_diff_tra")
    ds = pydicom.dcmread(paths[0])
    ds.private_block(0x0019, "SIEMENS MR HEADER", create=True).add_new(0x0C, "IS", "800")
    ds.save_as(paths[0], enforce_file_format=True)
    header = read_header(paths[0])
    assert header.diffusion_b_value == 800.0 and header.slices[0].key("b_value") == "800"


def test_inventory_sorts_files(factory, tmp_path: Path) -> None:
    factory.write_series(tmp_path / "series", n_slices=2)
    factory.write_volume(tmp_path / "v" / "case-Ktrans.mhd", factory.volume_values(2))
    (tmp_path / "findings.csv").write_text("a,b\n")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref")
    inventory = take_inventory(tmp_path, ["*.csv", "*.raw", "*.zraw"])
    assert [p.name for p in inventory.dicom_candidates] == ["1-01.dcm", "1-02.dcm"]
    assert [(p.name, fmt) for p, fmt in inventory.volumes] == [("case-Ktrans.mhd", "mhd")]
    assert sorted(p.name for p in inventory.ignored) == sorted(
        ["findings.csv", *[p.name for p in (tmp_path / "v").glob("*.*raw")]]
    )


def test_inventory_of_a_missing_directory_names_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere"):
        take_inventory(tmp_path / "nowhere", [])
