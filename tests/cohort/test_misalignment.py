"""The ground-truth offsets are the ones the written ADC and Ktrans really carry, in SimpleITK's convention."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import SimpleITK as sitk

from medsynth_pipeline.cohort import RigidOffset, write_cohort
from medsynth_pipeline.cohort.phantom import render

QUIET = {
    "dwi": {"noise_sigma": 0.5, "bias_strength": 0.0},
    "ktrans": {"noise_sigma": 0.0},
    "misalignment": {"max_translation_mm": [6.0, 6.0, 5.0], "max_rotation_deg": [5.0, 5.0, 5.0]},
}


def _offset(row: pd.Series) -> RigidOffset:
    return RigidOffset(
        (row.tx, row.ty, row.tz), (row.rx, row.ry, row.rz), (row.center_x, row.center_y, row.center_z)
    )


def _ncc(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / np.sqrt((a * a).sum() * (b * b).sum()))


@pytest.fixture(scope="module")
def quiet_cohort(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("misaligned")
    plan = write_cohort(root / "raw", root / "truth", n_patients=1, seed=5, **QUIET)
    return root, plan, pd.read_csv(root / "truth" / "cohort_truth.csv")


def test_truth_table_is_the_plan(quiet_cohort) -> None:
    _, plan, truth = quiet_cohort
    patient = plan.patients[0]
    assert list(truth["sequence"]) == ["ADC", "KTRANS"]
    for _, row in truth.iterrows():
        assert _offset(row) == patient.offsets[row.sequence]
        assert np.linalg.norm([row.tx, row.ty, row.tz]) > 2.0  # a misalignment worth recovering
        assert np.abs([row.rx, row.ry, row.rz]).max() <= 5.0


@pytest.mark.parametrize(("kind", "prop"), [("ADC", "adc"), ("KTRANS", "ktrans")])
def test_written_image_is_the_anatomy_moved_by_the_truth_transform(
    quiet_cohort, kind: str, prop: str
) -> None:
    root, plan, truth = quiet_cohort
    patient = plan.patients[0]
    series = patient.series_of(kind)
    if kind == "ADC":
        reader = sitk.ImageSeriesReader()
        reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(root / "raw" / series.path)))
        moving = sitk.Cast(reader.Execute(), sitk.sitkFloat32)
    else:
        moving = sitk.ReadImage(str(Path(root / "raw" / series.path).with_suffix(".mhd")))
    # Reference: the noise-free anatomy of this quantity on the T2w grid (the fixed space).
    t2_grid = patient.series_of("T2W").grid
    structures = [*patient.anatomy.structures, *(lesion.structure for lesion in patient.lesions)]
    expected = render(t2_grid, None, structures, lambda p: np.asarray(p[prop])[None], 1)[0]
    fixed = t2_grid.to_image(expected)
    centre = np.asarray(patient.anatomy.prostate_centre)
    index = np.indices(expected.shape).reshape(3, -1)[::-1].T  # (i, j, k) per voxel
    points = index @ t2_grid.voxel_to_physical.T + np.asarray(t2_grid.origin)
    near = (np.linalg.norm(points - centre, axis=1) < 22.0).reshape(expected.shape)

    row = truth[truth["sequence"] == kind].iloc[0]
    truth_offset = _offset(row)
    candidates = {
        "truth": truth_offset,
        "identity": RigidOffset(centre_mm=truth_offset.centre_mm),
        **{  # the truth nudged by 1.5 mm along each axis: the written image must fit the truth best
            f"nudged_{axis}{sign:+d}": RigidOffset(
                tuple(t + 1.5 * sign * (d == axis) for d, t in enumerate(truth_offset.translation_mm)),
                truth_offset.rotation_deg,
                truth_offset.centre_mm,
            )
            for axis in range(3)
            for sign in (-1, 1)
        },
    }
    # Compare only where every candidate still sees inside the moving field of view.
    ones = sitk.Image(moving.GetSize(), sitk.sitkFloat32) + 1.0
    ones.CopyInformation(moving)
    for offset in candidates.values():
        inside = sitk.Resample(ones, fixed, offset.to_sitk(), sitk.sitkNearestNeighbor, 0.0)
        near &= sitk.GetArrayFromImage(inside) > 0.5
    assert near.sum() > 1000
    scores = {}
    for name, offset in candidates.items():
        resampled = sitk.Resample(moving, fixed, offset.to_sitk(), sitk.sitkLinear, 0.0)
        scores[name] = _ncc(sitk.GetArrayFromImage(resampled)[near], expected[near])
    best = max(scores, key=scores.get)
    assert best == "truth", f"{best}: {scores}"
    assert scores["truth"] > 0.85, scores
    assert scores["truth"] > scores["identity"] + 0.05, scores


def test_offset_convention_matches_simpleitk() -> None:
    offset = RigidOffset((1.5, -2.0, 0.7), (2.0, -3.0, 1.0), (10.0, 20.0, -30.0))
    points = np.random.default_rng(0).uniform(-50, 50, size=(5, 3))
    moved = offset.apply(points)
    for p, q in zip(points, moved, strict=True):
        np.testing.assert_allclose(offset.to_sitk().TransformPoint(tuple(p)), q, atol=1e-9)
    np.testing.assert_allclose(offset.inverse_apply(moved), points, atol=1e-9)
