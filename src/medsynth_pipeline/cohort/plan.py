"""The cohort plan: every patient's anatomy, findings, misalignment, series geometry and identifiers.

Planning is cheap and fully determined by ``(spec, n_patients, seed)``; rendering images from a plan is
the expensive part and happens patient by patient when files are written.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
from pydicom.uid import generate_uid

from medsynth_pipeline.cohort.anatomy import Anatomy, sample_anatomy
from medsynth_pipeline.cohort.geometry import ORIENTATIONS, Grid, RigidOffset
from medsynth_pipeline.cohort.lesions import Lesion, sample_lesions
from medsynth_pipeline.cohort.spec import CohortSpec, SeriesSpec

STUDY_DESCRIPTION = "MR prostaat kanker detectie WDSmc MCAPRODETW"  # as ProstateX studies are described
DICOM_ROOT = "PROSTATEx"
KTRANS_ROOT = "ProstateXKtrans-train-fixed"
MOVING_KINDS = ("ADC", "KTRANS")
# Independent random streams per patient: switching a series off never changes another one.
STREAMS = {
    "anatomy": 1,
    "lesions": 2,
    "motion": 3,
    "planning": 4,
    "T2W": 10,
    "T2W_SAG": 11,
    "DWI": 12,
    "KTRANS": 13,
}


@dataclass(frozen=True)
class SeriesPlan:
    """One series (or the Ktrans volume): what it is, where it is written and its nominal geometry."""

    kind: str  # T2W | T2W_SAG | ADC | DWI | KTRANS
    description: str
    number: int
    uid: str
    grid: Grid
    path: str  # series folder (DICOM) or volume file without suffix (Ktrans), relative to raw_dir


@dataclass(frozen=True)
class PatientPlan:
    patient_id: str
    index: int
    study_date: dt.date
    study_uid: str
    frame_uid: str
    anatomy: Anatomy
    lesions: tuple[Lesion, ...]
    offsets: dict[str, RigidOffset]  # per moving kind; DWI shares the ADC's (same acquisition)
    series: tuple[SeriesPlan, ...]

    def series_of(self, kind: str) -> SeriesPlan:
        return next(s for s in self.series if s.kind == kind)

    def offset_of(self, kind: str) -> RigidOffset | None:
        return self.offsets.get("ADC" if kind == "DWI" else kind)


@dataclass(frozen=True)
class CohortPlan:
    spec: CohortSpec
    seed: int
    patients: tuple[PatientPlan, ...]


def patient_rng(seed: int, index: int, stream: str) -> np.random.Generator:
    return np.random.default_rng([seed, index, STREAMS[stream]])


def make_uid(seed: int, *parts: object) -> str:
    """A valid, unique and reproducible UID: pydicom's root + a hash of the cohort seed and the object's name."""
    return str(generate_uid(entropy_srcs=["medsynth_pipeline cohort", str(seed), *map(str, parts)]))


def folder_token(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text)


def _grid(series: SeriesSpec, orientation: str, centre: np.ndarray, rng: np.random.Generator) -> Grid:
    jitter = rng.uniform(-series.fov_jitter_mm, series.fov_jitter_mm, size=3)
    fov_centre = np.round(centre + np.asarray(series.fov_shift_mm) + jitter, 1)
    spacing = (series.pixel_spacing_mm[0], series.pixel_spacing_mm[1], series.slice_spacing_mm)
    return Grid.centred(fov_centre, (*series.matrix, series.n_slices), spacing, ORIENTATIONS[orientation])


def _offset(spec: CohortSpec, centre: tuple[float, float, float], rng: np.random.Generator) -> RigidOffset:
    m = spec.misalignment
    t = rng.uniform(-1, 1, size=3) * np.asarray(m.max_translation_mm)
    r = rng.uniform(-1, 1, size=3) * np.asarray(m.max_rotation_deg)
    return RigidOffset(
        tuple(round(float(v), 2) for v in t),
        tuple(round(float(v), 2) for v in r),
        tuple(round(float(v), 2) for v in centre),
    )


def plan_patient(spec: CohortSpec, seed: int, index: int) -> PatientPlan:
    pid = f"ProstateX-{index:04d}"
    anatomy = sample_anatomy(spec.anatomy, patient_rng(seed, index, "anatomy"))
    lesions = tuple(sample_lesions(spec.lesions, anatomy, patient_rng(seed, index, "lesions")))
    motion = patient_rng(seed, index, "motion")
    offsets = {kind: _offset(spec, anatomy.prostate_centre, motion) for kind in MOVING_KINDS}
    planning = patient_rng(seed, index, "planning")
    study_date = dt.date(spec.first_study_year, 1, 1) + dt.timedelta(days=int(planning.integers(0, 730)))
    study_uid = make_uid(seed, pid, "study")
    study_folder = f"{study_date:%m-%d-%Y}-NA-{STUDY_DESCRIPTION}-{study_uid[-5:]}"
    centre = np.asarray(anatomy.prostate_centre)
    grids = {
        # Drawn even when the sagittal is not written, so the other series do not move when it is switched off.
        "T2W_SAG": _grid(spec.t2w.sagittal, "sagittal", centre, planning),
        "T2W": _grid(spec.t2w.axial, "axial", centre, planning),
        "ADC": _grid(spec.dwi.series, "axial", centre, planning),
    }
    grids["DWI"] = grids["ADC"]  # the computed b-value image comes from the same acquisition
    wanted = [
        ("T2W_SAG", "t2_tse_sag", 3),
        ("T2W", "t2_tse_tra", 4),
        ("ADC", "ep2d_diff_tra_DYNDIST_ADC", 7),
        ("DWI", "ep2d_diff_tra_DYNDISTCALC_BVAL", 8),
    ]
    series: list[SeriesPlan] = []
    for kind, description, number in wanted:
        if kind == "T2W_SAG" and not spec.t2w.write_sagittal:
            continue
        uid = make_uid(seed, pid, "series", number)
        path = f"{DICOM_ROOT}/{pid}/{study_folder}/{number}-{folder_token(description)}-{uid[-5:]}"
        series.append(SeriesPlan(kind, description, number, uid, grids[kind], path))
    ktrans_grid = _grid(spec.ktrans.grid, "axial", centre, planning)
    series.append(SeriesPlan("KTRANS", "Ktrans", 0, "", ktrans_grid, f"{KTRANS_ROOT}/{pid}/{pid}-Ktrans"))
    return PatientPlan(
        pid,
        index,
        study_date,
        study_uid,
        make_uid(seed, pid, "frame"),
        anatomy,
        lesions,
        offsets,
        tuple(series),
    )


def plan_cohort(spec: CohortSpec, n_patients: int, seed: int) -> CohortPlan:
    """Plan ``n_patients`` patients (``ProstateX-0000`` …) reproducibly from ``seed``."""
    if n_patients < 1:
        raise ValueError(f"cohort: n_patients must be at least 1, got {n_patients}")
    return CohortPlan(spec, int(seed), tuple(plan_patient(spec, int(seed), i) for i in range(n_patients)))
