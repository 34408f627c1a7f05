"""Files and folders third-party archives contain beside their images: names that are not UTF-8, links
(broken, looping, to folders), pipes, unreadable files, garbage behind a DICOM preamble, gigabytes of
padding after the pixel data. Each must be indexed or rejected with a reason, and never stop the scan.
"""

from __future__ import annotations

import gzip
import os
import struct
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pydicom import uid

from medsynth_pipeline.imaging.ingest import scan as dicom_scan
from medsynth_pipeline.imaging.ingest.inventory import take_inventory
from medsynth_pipeline.imaging.ingest.rejections import Reason, rejections_frame
from medsynth_pipeline.imaging.ingest.scan import DicomHeader, read_header
from medsynth_pipeline.imaging.ingest.series_index import build_series_index
from medsynth_pipeline.pipelines.ingest.nodes import ingest_options

PROJECT = Path(__file__).resolve().parents[3]


def scan(root: Path):
    params = yaml.safe_load((PROJECT / "conf/base/parameters_ingest.yml").read_text())["ingest"]
    return build_series_index(root, ingest_options({**params, "progress": False, "workers": 1}))


def reasons_by_name(result, root: Path) -> dict[str, Reason]:
    return {os.path.relpath(r.path, root): r.reason for r in result.rejections}


@pytest.fixture
def one_file(factory, tmp_path: Path) -> bytes:
    paths, _ = factory.write_series(tmp_path / "source", n_slices=1)
    return paths[0].read_bytes()


def test_non_utf8_names_are_rejected_and_the_outputs_can_still_be_written(factory, tmp_path: Path) -> None:
    """SimpleITK raised TypeError on such names and parquet/CSV cannot hold them: the scan crashed."""
    root = tmp_path / "raw"
    good, _ = factory.write_series(root / "good", n_slices=3)
    latin1, _ = factory.write_series(root / "tmp", n_slices=3)
    folder = os.fsencode(root) + b"/M\xfcller_t2"  # a Latin-1 folder name, as old archives have
    os.makedirs(folder)
    for i, path in enumerate(latin1):
        os.rename(path, folder + b"/IM%d" % i)
    os.rmdir(root / "tmp")
    result = scan(root)
    assert result.series_index["path"].tolist() == [str(root / "good")]
    bad = [r for r in result.rejections if r.reason == Reason.BAD_FILE_NAME]
    assert len(bad) == 3 and all("M\\xfcller_t2" in r.path for r in bad)
    assert all("UTF-8" in r.detail for r in bad)
    rejections_frame(result.rejections).to_csv(tmp_path / "rejected.csv", index=False)
    result.series_index.to_parquet(tmp_path / "index.parquet")
    assert len(pd.read_csv(tmp_path / "rejected.csv")) == 3


def test_links_pipes_and_loops_are_reported_linked_folders_followed(factory, tmp_path: Path) -> None:
    root = tmp_path / "raw"
    download = tmp_path / "elsewhere/download"
    factory.write_series(download / "t2", n_slices=3)
    root.mkdir()
    (root / "PROSTATEx").symlink_to(download)  # the usual way a big download is put in raw_dir
    (root / "again").symlink_to(download)  # reached twice: listed once
    (root / "broken.dcm").symlink_to(tmp_path / "gone.dcm")
    (root / "loop_a").symlink_to(root / "loop_b")
    (root / "loop_b").symlink_to(root / "loop_a")
    os.mkfifo(root / "pipe.dcm")  # opening it would block the scan forever
    result = scan(root)
    assert result.series_index["path"].tolist() == [str(root / "PROSTATEx/t2")]
    reasons = reasons_by_name(result, root)
    assert {k: reasons[k] for k in ("broken.dcm", "loop_a", "loop_b", "pipe.dcm")} == dict.fromkeys(
        ("broken.dcm", "loop_a", "loop_b", "pipe.dcm"), Reason.UNREADABLE_FILE
    )
    details = {os.path.relpath(r.path, root): r.detail for r in result.rejections}
    assert "broken symbolic link" in details["broken.dcm"] and "pipe" in details["pipe.dcm"]
    assert not any(k.startswith("again") for k in reasons)  # the second link to one folder adds nothing


def test_a_linked_copy_of_a_file_leaves_the_real_file_in_the_index(factory, tmp_path: Path) -> None:
    paths, _ = factory.write_series(tmp_path / "raw/series", n_slices=3)
    (tmp_path / "raw/a_link.dcm").symlink_to(paths[0])
    result = scan(tmp_path / "raw")
    assert result.series_index["files"].iloc[0] == [str(p) for p in paths]
    assert reasons_by_name(result, tmp_path / "raw") == {"a_link.dcm": Reason.DUPLICATE_INSTANCE}


def test_a_file_that_cannot_be_opened_is_rejected_and_its_series_reported(
    factory, tmp_path: Path, monkeypatch
) -> None:
    """As root chmod 000 does not stop reading, so the permission error is raised by a stand-in ``open``."""
    paths, _ = factory.write_series(tmp_path / "raw/series", n_slices=3)

    def guarded_open(file, *args, **kwargs):
        if str(file) == str(paths[1]):
            raise PermissionError(13, "Permission denied", str(file))
        return open(file, *args, **kwargs)

    monkeypatch.setattr(dicom_scan, "open", guarded_open, raising=False)
    result = scan(tmp_path / "raw")
    rejected = {r.path: (r.reason, r.detail) for r in result.rejections}
    assert rejected[str(paths[1])] == (Reason.UNREADABLE_FILE, "PermissionError: Permission denied")
    assert rejected[str(tmp_path / "raw/series")][0] == Reason.MISSING_SLICES


@pytest.mark.parametrize(
    ("cut", "reason", "words"),
    [
        (132, Reason.TRUNCATED, "right after the 'DICM' marker"),
        (150, Reason.TRUNCATED, "inside the file meta information"),
    ],
)
def test_a_file_cut_at_its_start_is_truncated(one_file: bytes, tmp_path: Path, cut, reason, words) -> None:
    path = tmp_path / "cut.dcm"
    path.write_bytes(one_file[:cut])
    rejection = read_header(path)
    assert rejection.reason == reason and words in rejection.detail


def test_garbage_behind_a_dicom_preamble_is_a_corrupt_header(tmp_path: Path) -> None:
    path = tmp_path / "garbage.dcm"
    path.write_bytes(b"\0" * 128 + b"DICM" + bytes(range(7, 250)) * 20)
    rejection = read_header(path)
    assert rejection.reason == Reason.CORRUPT_HEADER and "no file meta information" in rejection.detail


def test_gigabytes_after_the_pixel_data_are_rejected_without_reading_them(
    one_file: bytes, tmp_path: Path
) -> None:
    """GDCM parsed 3 GB of zero padding one empty element at a time: minutes for one file."""
    path = tmp_path / "padded.dcm"
    with open(path, "wb") as stream:
        stream.write(one_file)
        stream.truncate(len(one_file) + 3 * 2**30)  # sparse: no disk used
    rejection = read_header(path)
    assert rejection.reason == Reason.CORRUPT_HEADER and "after the pixel data" in rejection.detail
    small = tmp_path / "small_pad.dcm"
    small.write_bytes(one_file + b"\0" * 64)  # a stray pad is harmless
    assert isinstance(read_header(small), DicomHeader)


def test_pixel_data_of_undefined_length_in_a_native_syntax(one_file: bytes, tmp_path: Path) -> None:
    data = bytearray(one_file)
    at = data.rfind(b"\xe0\x7f\x10\x00")
    data[at + 8 : at + 12] = struct.pack("<I", 0xFFFFFFFF)
    path = tmp_path / "undefined.dcm"
    path.write_bytes(bytes(data))
    rejection = read_header(path)
    assert rejection.reason == Reason.CORRUPT_HEADER and "undefined length" in rejection.detail


def test_more_pixel_data_than_rows_and_columns_describe(factory, tmp_path: Path) -> None:
    """A wrong Rows value made SimpleITK read a 30-row image out of 32 rows of pixels."""
    paths, _ = factory.write_series(tmp_path, n_slices=1)
    factory.rewrite(paths, lambda ds: setattr(ds, "Rows", 30))
    rejection = read_header(paths[0])
    assert rejection.reason == Reason.DECODE_FAILED and "does not describe the pixels" in rejection.detail


def test_a_private_transfer_syntax_is_named_as_such(factory, tmp_path: Path) -> None:
    paths, _ = factory.write_series(tmp_path, n_slices=1)
    rejection = read_header(factory.set_transfer_syntax(paths[0], "1.2.840.113619.5.2"))  # GE's own
    assert rejection.reason == Reason.UNSUPPORTED_TRANSFER_SYNTAX and "private or unknown" in rejection.detail


def test_a_dicomdir_whose_files_were_not_copied_says_so(factory, tmp_path: Path) -> None:
    dicomdir, files = factory.write_dicomdir(tmp_path / "media", n_slices=3)
    assert "absent" not in read_header(dicomdir).detail
    for path in files[:2]:
        path.unlink()
    rejection = read_header(dicomdir)
    assert rejection.reason == Reason.DICOMDIR and "2 of the 3 files it lists are absent" in rejection.detail


def test_inventory_keeps_a_stable_order_and_real_files_first(factory, tmp_path: Path) -> None:
    paths, _ = factory.write_series(tmp_path / "b", n_slices=2, syntax=uid.ImplicitVRLittleEndian)
    (tmp_path / "a.dcm").symlink_to(paths[1])
    inventory = take_inventory(tmp_path, [])
    assert inventory.dicom_candidates == [*paths, tmp_path / "a.dcm"]


def test_an_empty_file_says_it_is_empty(tmp_path: Path) -> None:
    (tmp_path / "IM0001").write_bytes(b"")
    rejection = read_header(tmp_path / "IM0001")
    assert rejection.reason == Reason.NOT_DICOM and rejection.detail.startswith("empty file (0 bytes")


def test_compressed_dicom_is_rejected_and_archives_are_named_in_the_log(
    one_file: bytes, tmp_path: Path, caplog
) -> None:
    """nibabel ships its Siemens samples as .dcm.gz; they were ignored by name without a word."""
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw/IM1.dcm.gz").write_bytes(gzip.compress(one_file))
    (tmp_path / "raw/PROSTATEx.zip").write_bytes(b"PK\x03\x04")
    with caplog.at_level("WARNING"):
        result = scan(tmp_path / "raw")
    assert reasons_by_name(result, tmp_path / "raw") == {"IM1.dcm.gz": Reason.COMPRESSED_FILE}
    assert "1 archive(s) under raw_dir are not read (PROSTATEx.zip)" in caplog.text
