"""The process pool over patients: pooled (2 workers) and serial (1) runs give the same files and frames."""

from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path

import pandas as pd
import pytest
import yaml

from medsynth_pipeline.cohort import write_cohort
from medsynth_pipeline.imaging.ingest.series_index import build_series_index
from medsynth_pipeline.imaging.parallel import chunks, ordered_map, resolve_workers
from medsynth_pipeline.pipelines.ingest.nodes import ingest_options

PROJECT = Path(__file__).resolve().parents[2]
COHORT = {"n_patients": 3, "seed": 26, "preset": "tiny", "t2w": {"write_sagittal": True}}


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def cohorts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same cohort written serially and by a pool of two."""
    root = tmp_path_factory.mktemp("parallel")
    write_cohort(root / "serial/raw", root / "serial/truth", workers=1, **COHORT)
    write_cohort(root / "pooled/raw", root / "pooled/truth", workers=2, **COHORT)
    return root / "serial", root / "pooled"


@pytest.mark.parametrize("bad", [0, -1, True, False, 1.5, "2"])
def test_resolve_workers_rejects_what_is_not_a_positive_integer(bad) -> None:
    with pytest.raises(ValueError, match="cohort.workers"):
        resolve_workers(bad, "cohort.workers")


def test_resolve_workers_null_is_every_core() -> None:
    assert resolve_workers(None) == (os.cpu_count() or 1)
    assert resolve_workers(1) == 1 and resolve_workers(3) == 3


def test_ordered_map_keeps_the_input_order_whatever_finishes_first() -> None:
    items = [30000, 1, 20000, 2, 3, 10000, 4]  # the big factorials finish last
    assert list(ordered_map(math.factorial, items, 2, window=3)) == [math.factorial(n) for n in items]
    assert list(ordered_map(math.factorial, items, 1)) == [math.factorial(n) for n in items]
    assert chunks(list(range(5)), 2) == [[0, 1], [2, 3], [4]]


def test_pooled_cohort_is_byte_identical_to_the_serial_one(cohorts: tuple[Path, Path]) -> None:
    serial, pooled = (_digests(root) for root in cohorts)
    assert len([k for k in serial if k.endswith(".dcm")]) > 100
    assert any(k.endswith("-Ktrans.zraw") for k in serial)
    assert pooled == serial


def test_pooled_ingest_gives_the_same_frames_and_rejections(cohorts: tuple[Path, Path]) -> None:
    raw = cohorts[0] / "raw"
    patient = next((raw / "PROSTATEx").glob("ProstateX-*"))
    (patient / "not_dicom.dcm").write_bytes(b"not a DICOM file at all")  # rejected files must match too
    a_slice = next(patient.rglob("1-01.dcm"))
    (patient / "cut.dcm").write_bytes(a_slice.read_bytes()[:400])
    params = yaml.safe_load((PROJECT / "conf/base/parameters_ingest.yml").read_text())["ingest"]
    serial, pooled = (
        build_series_index(raw, ingest_options({**params, "progress": False, "workers": n})) for n in (1, 2)
    )
    assert len(serial.series_index) >= 3 * 4 and len(serial.rejections) >= 2
    pd.testing.assert_frame_equal(pooled.series_index, serial.series_index)
    assert pooled.rejections == serial.rejections
    assert pooled.identifiers == serial.identifiers
