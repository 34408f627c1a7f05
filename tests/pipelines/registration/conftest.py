"""A tiny on-disk cohort for the registration pipeline: .mha series indexed as ingest would index them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import SimpleITK as sitk
import yaml

ROOT = Path(__file__).resolve().parents[3]
# Test helpers are not importable by name under --import-mode=importlib: load the phantom by path.
_spec = importlib.util.spec_from_file_location("registration_phantom", ROOT / "tests/imaging/registration/phantom.py")
phantom = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(phantom)

LESION_LPS = (12.0, 10.0, 5.0)  # the phantom's lesion, in the T2w frame
OFFSETS = {  # per patient: (rotation deg, translation mm) of ADC and KTRANS, about the prostate
    "P0": {"ADC": ((1.5, -1.0, 2.0), (2.5, -1.5, 1.0)), "KTRANS": ((-1.0, 1.0, -2.0), (-2.0, 2.0, -1.5))},
    "P1": {"ADC": ((-2.0, 1.0, -1.0), (-1.5, 3.0, 0.5)), "KTRANS": ((0.5, 0.5, 1.5), (1.0, -2.5, 2.0))},
    "P2": {"ADC": ((0.0, 0.0, 2.5), (2.0, 2.0, -1.0))},  # no Ktrans series
}
PROSTATE = (4.0, 6.0, 0.0)


def _ktrans_from_adc(adc: sitk.Image) -> sitk.Image:
    """A Ktrans-like map: high where ADC is low (lesion), ~0.1-0.2 /min in normal tissue; not a linear map."""
    array = sitk.GetArrayFromImage(adc)
    out = sitk.GetImageFromArray((0.05 + 0.6 * np.exp(-np.clip(array, 0, None) / 900.0)).astype(np.float32))
    out.CopyInformation(adc)
    return out


def write_cohort(root: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    rows, truths = [], {}
    t2w = phantom.render(phantom.make_grid((120, 120, 16), (0.8, 0.8, 3.0)), "T2W", noise=10.0, seed=1)
    for patient, offsets in OFFSETS.items():
        images = {"T2W": t2w}
        for kind, (rotation, translation) in offsets.items():
            truth = phantom.rigid(rotation, translation, PROSTATE)
            truths[(patient, kind)] = truth
            adc = phantom.render(phantom.make_grid((56, 50, 16), (2.0, 2.0, 3.0), (6.0, -4.0, 1.5)), "ADC",
                                 truth.GetInverse(), noise=40.0, seed=2)  # fmt: skip
            images[kind] = adc if kind == "ADC" else _ktrans_from_adc(adc)
        for kind, image in images.items():
            path = root / patient / f"{kind}.mha"
            path.parent.mkdir(parents=True, exist_ok=True)
            sitk.WriteImage(image, str(path))
            rows.append(_index_row(patient, kind, path, image))
    broken = root / "P3" / "T2W.mha"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"ObjectType = Image\nNDims = 3\nthis is not a volume")
    rows.append({**_index_row("P3", "T2W", broken, t2w)})
    lesions = pd.DataFrame(
        {
            "patient_id": ["P0", "P1"], "fid": [1, 1],
            "pos_x": [LESION_LPS[0]] * 2, "pos_y": [LESION_LPS[1]] * 2, "pos_z": [LESION_LPS[2]] * 2,
            "zone": ["PZ", "TZ"], "clin_sig": [True, False],
            "ggg": pd.array([3, pd.NA], dtype="Int64"), "gleason": pd.array(["4+3", pd.NA], dtype="string"),
        }
    )  # fmt: skip
    return pd.DataFrame(rows), lesions, truths


def _index_row(patient: str, kind: str, path: Path, image: sitk.Image) -> dict:
    size, spacing, origin = image.GetSize(), image.GetSpacing(), image.GetOrigin()
    return {
        "patient_id": patient, "study_uid": f"1.2.{patient[1:]}", "series_uid": f"1.2.{patient[1:]}.{kind}",
        "kind": kind, "description": kind.lower(), "source_format": "mha", "path": str(path),
        "files": [str(path)], "n_files": 1,
        "size_x": size[0], "size_y": size[1], "size_z": size[2],
        "spacing_x": spacing[0], "spacing_y": spacing[1], "spacing_z": spacing[2],
        "origin_x": origin[0], "origin_y": origin[1], "origin_z": origin[2],
        "direction": list(image.GetDirection()),
    }  # fmt: skip


@pytest.fixture(scope="session")
def tiny_cohort(tmp_path_factory) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    return write_cohort(tmp_path_factory.mktemp("cohort"))


@pytest.fixture()
def registration_params() -> dict:
    return yaml.safe_load((ROOT / "conf/base/parameters_registration.yml").read_text())["registration"]
