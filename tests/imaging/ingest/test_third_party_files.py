"""Files ingest has never seen: the DICOM samples that ship inside pydicom (many vendors, syntaxes, defects).

They are read where they are (installed with pydicom, no network): every file must be indexed, rejected
with a reason or ignored by name, and none may stop the scan.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pydicom
import pydicom.data
import pytest
import SimpleITK as sitk
import yaml

from medsynth_pipeline.imaging.ingest.rejections import Reason
from medsynth_pipeline.imaging.ingest.series_index import build_series_index
from medsynth_pipeline.imaging.ingest.series_io import read_volume
from medsynth_pipeline.pipelines.ingest.nodes import ingest_options

PROJECT = Path(__file__).resolve().parents[3]
SAMPLES = Path(pydicom.data.__file__).parent / "test_files"


@pytest.fixture(scope="module")
def scanned():
    if not (SAMPLES / "MR_small.dcm").exists():
        pytest.skip("this pydicom build ships no sample files")
    params = {
        **yaml.safe_load((PROJECT / "conf/base/parameters_ingest.yml").read_text())["ingest"],
        "progress": False,
        "workers": 1,  # in-process: a spawned pool costs more than these few files
    }
    return build_series_index(SAMPLES, ingest_options(params))


def test_every_sample_is_accounted_for(scanned) -> None:
    indexed = {f for files in scanned.series_index["files"] for f in files}
    rejected = {r.path for r in scanned.rejections}
    ignored = {".txt", ".dump", ".icc", ".py", ".pyc"}
    missing = [
        str(p)
        for p in SAMPLES.rglob("*")
        if p.is_file() and p.suffix not in ignored and not {str(p), str(p.parent)} & (indexed | rejected)
    ]
    assert missing == []
    assert all(r.detail for r in scanned.rejections)
    # fillers and code strings in identifier fields ("TEXT", "NAME^PATIENT") must not blank the messages
    assert [r.detail for r in scanned.rejections if "<redacted>" in r.detail] == []


def test_known_samples_get_their_reasons(scanned) -> None:
    reasons = {Path(r.path).relative_to(SAMPLES).as_posix(): r.reason for r in scanned.rejections}
    expected = {
        "MR_truncated.dcm": Reason.TRUNCATED,
        "rtplan_truncated.dcm": Reason.TRUNCATED,
        "reportsi.dcm": Reason.NO_PIXEL_DATA,
        "rtstruct.dcm": Reason.NO_PIXEL_DATA,
        "dicomdirtests/DICOMDIR": Reason.DICOMDIR,
        "MR_small_RLE.dcm": Reason.DUPLICATE_INSTANCE,  # the same image as MR_small.dcm, re-encoded
        "MR_small_bigendian.dcm": Reason.DUPLICATE_INSTANCE,
    }
    assert {name: reasons.get(name) for name in expected} == expected


def test_an_indexed_sample_reads_as_pydicom_decodes_it(scanned) -> None:
    index = scanned.series_index
    row = index[index["files"].map(lambda files: any(f.endswith("/MR_small.dcm") for f in files))].iloc[0]
    image = read_volume(row)
    expected = pydicom.dcmread(SAMPLES / "MR_small.dcm")
    np.testing.assert_allclose(
        sitk.GetArrayFromImage(image)[0],
        expected.pixel_array * float(expected.get("RescaleSlope", 1))
        + float(expected.get("RescaleIntercept", 0)),
    )
    assert image.GetSpacing()[:2] == pytest.approx(tuple(float(v) for v in expected.PixelSpacing)[::-1])
    assert image.GetOrigin() == pytest.approx(tuple(float(v) for v in expected.ImagePositionPatient))
