"""How much a lesion's appearance tells about clinical significance: the calibration baseline.

A deliberately simple reader: the mean T2w, ADC and Ktrans inside each lesion's ground-truth sphere (each
sequence sampled where the lesion truly lies, through the known misalignment), a logistic regression,
patient-grouped cross-validation, ROC AUC. The cohort is tuned so that this lands clearly above chance but
well below 1, as simple quantitative readers do on real ProstateX.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from medsynth_pipeline.cohort import acquisition
from medsynth_pipeline.cohort.geometry import Grid
from medsynth_pipeline.cohort.plan import CohortPlan, PatientPlan

FEATURES = ("t2w_mean", "adc_mean", "ktrans_mean")


def sphere_mean(volume: np.ndarray, grid: Grid, centre: np.ndarray, radius_mm: float) -> float:
    """Mean of ``volume`` (z, y, x) over voxels whose centre lies within ``radius_mm`` of ``centre`` (LPS)."""
    index = grid.physical_to_index(centre)
    reach = np.ceil(radius_mm / np.asarray(grid.spacing)).astype(int) + 1
    lo = np.maximum(np.floor(index).astype(int) - reach, 0)
    hi = np.minimum(np.ceil(index).astype(int) + reach + 1, np.asarray(grid.size))
    k, j, i = np.meshgrid(*(np.arange(lo[d], hi[d]) for d in (2, 1, 0)), indexing="ij")
    idx = np.stack([i, j, k], axis=-1).reshape(-1, 3)
    points = idx @ grid.voxel_to_physical.T + np.asarray(grid.origin)
    inside = np.linalg.norm(points - centre, axis=1) <= radius_mm
    if not inside.any():  # smaller than a voxel: the nearest voxel
        inside = np.linalg.norm(points - centre, axis=1) == np.linalg.norm(points - centre, axis=1).min()
    sel = idx[inside]
    return float(volume[sel[:, 2], sel[:, 1], sel[:, 0]].mean())


def _cropped(patient: PatientPlan, lesion_centre: np.ndarray, half_size_mm: float) -> PatientPlan:
    """The patient with each series reduced to the part of its grid around a lesion (same voxel lattice)."""
    series = []
    for s in patient.series:
        offset = patient.offset_of(s.kind)
        where = lesion_centre if offset is None else offset.apply(lesion_centre)
        series.append(dataclasses.replace(s, grid=s.grid.crop_around(where, half_size_mm)))
    return dataclasses.replace(patient, series=tuple(series))


def patient_lesion_features(patient: PatientPlan, plan: CohortPlan) -> list[dict[str, object]]:
    """One row per lesion of ``patient``: labels and the sphere means of each sequence.

    Each lesion is acquired on crops of the series grids around it (same physics and voxel lattice as
    the full images, independent noise), which keeps calibrating on hundreds of patients fast.
    """
    spec, seed = plan.spec, plan.seed
    rows = []
    for lesion in patient.lesions:
        centre = np.asarray(lesion.centre)
        crop = _cropped(patient, centre, lesion.radius_mm + 10.0)
        volumes = {
            "T2W": acquisition.acquire_t2w(crop, spec, seed),
            "ADC": acquisition.acquire_diffusion(crop, spec, seed)[0],
            "KTRANS": acquisition.acquire_ktrans(crop, spec, seed),
        }
        values = {}
        for name, kind in (("t2w_mean", "T2W"), ("adc_mean", "ADC"), ("ktrans_mean", "KTRANS")):
            offset = crop.offset_of(kind)
            where = centre if offset is None else offset.apply(centre)
            values[name] = sphere_mean(volumes[kind], crop.series_of(kind).grid, where, lesion.radius_mm)
        rows.append(
            {
                "patient_id": patient.patient_id,
                "fid": lesion.fid,
                "kind": lesion.kind,
                "zone": lesion.zone,
                "ggg": lesion.ggg,
                "clin_sig": lesion.clin_sig,
                "radius_mm": lesion.radius_mm,
                **values,
            }
        )
    return rows


def lesion_features(plan: CohortPlan) -> pd.DataFrame:
    """Sphere-mean features of every lesion of the cohort (rendered in memory, nothing is written)."""
    return pd.DataFrame([row for patient in plan.patients for row in patient_lesion_features(patient, plan)])


def baseline_auc(features: pd.DataFrame, n_splits: int = 5, seed: int = 0) -> float:
    """Out-of-fold ROC AUC of a logistic regression on ``FEATURES`` for ``clin_sig``, folds grouped by patient."""
    x = features[list(FEATURES)].to_numpy(float)
    y = features["clin_sig"].to_numpy(bool)
    groups = features["patient_id"].to_numpy()
    folds = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    scores = np.zeros(len(y))
    for train, test in folds.split(x, y, groups):
        model = make_pipeline(StandardScaler(), LogisticRegression())
        model.fit(x[train], y[train])
        scores[test] = model.predict_proba(x[test])[:, 1]
    return float(roc_auc_score(y, scores))


def main(argv: list[str] | None = None) -> None:
    """``python -m medsynth_pipeline.cohort.calibration --patients 1000``: the baseline AUC of a cohort."""
    import argparse

    from medsynth_pipeline.cohort.plan import plan_cohort
    from medsynth_pipeline.cohort.spec import resolve_spec

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--preset", default="calibration")
    parser.add_argument(
        "--subsets", type=int, default=0, help="also report AUC over this many 40-patient cohorts"
    )
    args = parser.parse_args(argv)
    features = lesion_features(plan_cohort(resolve_spec(args.preset), args.patients, args.seed))
    print(f"{len(features)} lesions, {features['clin_sig'].mean():.1%} clinically significant")
    print(f"baseline ROC AUC (5-fold, patient-grouped): {baseline_auc(features):.3f}")
    for name in FEATURES:
        sign = 1 if name == "ktrans_mean" else -1
        print(f"  {name} alone: {roc_auc_score(features['clin_sig'], sign * features[name]):.3f}")
    if args.subsets:
        patients = features["patient_id"].unique()
        aucs = []
        for i in range(args.subsets):
            chosen = np.random.default_rng(i).choice(patients, size=min(40, len(patients)), replace=False)
            subset = features[features["patient_id"].isin(chosen)]
            if subset["clin_sig"].sum() >= 5 and (~subset["clin_sig"]).sum() >= 5:
                aucs.append(baseline_auc(subset))
        print(
            f"over {len(aucs)} cohorts of 40 patients: AUC {np.mean(aucs):.3f} ± {np.std(aucs):.3f} (mean ± sd)"
        )
    print(features.groupby(["kind", "ggg"])[list(FEATURES)].mean().round(3).to_string())


if __name__ == "__main__":
    main()
