"""Volume files cut short or lying about their size are rejected before SimpleITK reads them (it read a cut
NIfTI as a volume padded with zeros, and tried to allocate what a lying header promised)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk

from medsynth_pipeline.imaging.ingest.rejections import Reason
from medsynth_pipeline.imaging.ingest.series_io import VolumeReadError, read_volume_file
from medsynth_pipeline.imaging.ingest.volume_check import volume_problem

VALUES = np.random.default_rng(0).random((6, 7, 8)).astype(np.float32)  # incompressible: cuts lose voxels


def write(path: Path, *, compress: bool = False) -> Path:
    sitk.WriteImage(sitk.GetImageFromArray(VALUES), str(path), useCompression=compress)
    return path


def cut(path: Path, keep: float = 0.5) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


@pytest.mark.parametrize("name", ["v.nii", "v.nii.gz", "v.mha", "vz.mha", "v.mhd", "vz.mhd"])
def test_complete_volumes_pass_and_read_back(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, compress="z" in name or name.endswith(".gz"))
    assert volume_problem(path) is None
    np.testing.assert_array_equal(sitk.GetArrayFromImage(read_volume_file(path)), VALUES)


@pytest.mark.parametrize(
    ("name", "data_file", "words"),
    [
        ("v.nii", None, "the header promises 1344 bytes"),
        ("v.nii.gz", None, "cut short or damaged"),
        ("v.mha", None, "the header promises 1344 bytes"),
        ("vz.mha", None, "cut short or damaged"),
        ("v.mhd", "v.raw", "the header promises 1344 bytes"),
        ("vz.mhd", "vz.zraw", "cut short or damaged"),
    ],
)
def test_cut_volumes_are_truncated(tmp_path: Path, name: str, data_file: str | None, words: str) -> None:
    path = write(tmp_path / name, compress="z" in name or name.endswith(".gz"))
    cut(tmp_path / (data_file or name))
    with pytest.raises(VolumeReadError) as caught:
        read_volume_file(path)
    assert caught.value.reason == Reason.TRUNCATED and words in caught.value.detail


def test_a_header_promising_terabytes_is_not_allocated(tmp_path: Path) -> None:
    header = "ObjectType = Image\nNDims = 3\nDimSize = 60000 50000 40000\nElementType = MET_FLOAT\n"
    path = tmp_path / "liar.mha"
    path.write_bytes((header + "ElementDataFile = LOCAL\n").encode() + VALUES.tobytes())
    reason, detail = volume_problem(path)
    assert reason == Reason.TRUNCATED and "480000000000000 bytes" in detail


def test_a_missing_data_file_and_a_non_volume(tmp_path: Path) -> None:
    write(tmp_path / "v.mhd", compress=True)
    (tmp_path / "v.zraw").unlink()
    assert volume_problem(tmp_path / "v.mhd") == (
        Reason.UNREADABLE_VOLUME,
        "its data file 'v.zraw' is missing",
    )
    text = tmp_path / "notes.nii.gz"
    text.write_text("not a volume")
    assert volume_problem(text)[0] == Reason.UNREADABLE_VOLUME
