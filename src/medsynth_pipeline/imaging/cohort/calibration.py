"""How much a lesion's appearance tells about clinical significance: the calibration baseline.

A deliberately simple reader: the mean T2w, ADC and Ktrans inside each lesion's ground-truth sphere (each
sequence sampled where the lesion truly lies, through the known misalignment), a logistic regression,
patient-grouped cross-validation, ROC AUC. The cohort is tuned so that this lands clearly above chance but
well below 1, as simple quantitative readers do on real ProstateX.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from medsynth_pipeline.imaging.cohort import acquisition
from medsynth_pipeline.imaging.cohort.geometry import Grid
from medsynth_pipeline.imaging.cohort.plan import CohortPlan, PatientPlan

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


def patient_lesion_features(patient: PatientPlan, plan: CohortPlan) -> list[dict[str, object]]:
    """One row per lesion of ``patient``: labels and the sphere means of each sequence."""
    spec, seed = plan.spec, plan.seed
    t2w = acquisition.acquire_t2w(patient, spec, seed)
    adc, _ = acquisition.acquire_diffusion(patient, spec, seed)
    ktrans = acquisition.acquire_ktrans(patient, spec, seed)
    rows = []
    for lesion in patient.lesions:
        centre = np.asarray(lesion.centre)
        values = {}
        for name, volume, kind in (
            ("t2w_mean", t2w, "T2W"),
            ("adc_mean", adc, "ADC"),
            ("ktrans_mean", ktrans, "KTRANS"),
        ):
            offset = patient.offset_of(kind)
            where = centre if offset is None else offset.apply(centre)
            values[name] = sphere_mean(volume, patient.series_of(kind).grid, where, lesion.radius_mm)
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
    """Sphere-mean features of every lesion of the cohort (renders each patient's images in memory)."""
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
