"""On the embedded cohort (a small one written here) the recovered offsets match its ground truth within 1 mm.

The cohort is written by ``cohort.write_cohort`` in the ProstateX layout, read by the ingest nodes
exactly as ``kedro run`` does, and registered with the base (paper) parameters. The ``prostatex`` preset
is used (not ``tiny``): it has the real series' resolution, which the 1 mm claim is about.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import SimpleITK as sitk
import yaml

from medsynth_pipeline.cohort import write_cohort
from medsynth_pipeline.imaging.registration.resample import findings_of
from medsynth_pipeline.imaging.registration.rigid import identity_at, max_displacement_difference
from medsynth_pipeline.pipelines.ingest.nodes import index_series, read_lesions
from medsynth_pipeline.pipelines.registration.nodes import register_and_crop

ROOT = Path(__file__).resolve().parents[3]


def _euler(center, angles_deg, translation) -> sitk.Euler3DTransform:
    transform = identity_at(center)
    transform.SetRotation(*np.radians(angles_deg))
    transform.SetTranslation(tuple(float(v) for v in translation))
    return transform


@pytest.fixture(scope="module")
def registered_cohort(tmp_path_factory):
    root = tmp_path_factory.mktemp("cohort")
    write_cohort(root / "raw", root / "truth", n_patients=2, seed=11, preset="prostatex", t2w={"write_sagittal": False})
    ingest = yaml.safe_load((ROOT / "conf/base/parameters_ingest.yml").read_text())["ingest"]
    ingest.update(raw_dir=str(root / "raw"), progress=False)
    series_index, _, _ = index_series(ingest)
    lesions, _ = read_lesions(ingest)
    params = yaml.safe_load((ROOT / "conf/base/parameters_registration.yml").read_text())["registration"]
    volumes, report = register_and_crop(series_index, lesions, params)
    return volumes, report, lesions, pd.read_csv(root / "truth" / "cohort_truth.csv")


def test_offsets_recovered_within_1mm_at_the_prostate(registered_cohort):
    _, report, lesions, truth = registered_cohort
    assert len(truth) == 4 and set(report["status"]) == {"registered"}
    merged = report.merge(truth, left_on=["patient_id", "moving_kind"], right_on=["patient_id", "sequence"])
    assert len(merged) == len(truth)
    for row in merged.itertuples():
        true = _euler((row.center_x_y, row.center_y_y, row.center_z_y), (row.rx, row.ry, row.rz), (row.tx, row.ty, row.tz))
        crop_centre = (row.center_x_x, row.center_y_x, row.center_z_x)
        recovered = _euler(crop_centre, (row.rx_deg, row.ry_deg, row.rz_deg), (row.tx_mm, row.ty_mm, row.tz_mm))
        points = np.vstack([crop_centre, findings_of(lesions, row.patient_id)])
        before = max_displacement_difference(identity_at(crop_centre), true, points)
        error = max_displacement_difference(recovered, true, points)
        assert error < 1.0, f"{row.patient_id} {row.moving_kind}: {error:.2f} mm (unregistered: {before:.2f} mm)"
        assert before > 2.0  # the cohort really was misaligned


def test_every_patient_gets_three_aligned_volumes(registered_cohort):
    volumes, _, _, _ = registered_cohort
    patients = {key.split("/")[0] for key in volumes}
    assert len(patients) == 2
    for patient in patients:
        images = [volumes[f"{patient}/{kind}"] for kind in ("T2W", "ADC", "KTRANS")]
        assert len({(i.GetSize(), i.GetOrigin(), i.GetSpacing()) for i in images}) == 1
        assert images[0].GetSize()[:2] == (64, 64) and images[0].GetSpacing()[:2] == (1.0, 1.0)
