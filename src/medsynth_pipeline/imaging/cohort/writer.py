"""From a plan to files: lazily rendered DICOM slices and Ktrans volumes, tables, and ``write_cohort``."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pydicom
import SimpleITK as sitk

from medsynth_pipeline.imaging.cohort import acquisition, tables
from medsynth_pipeline.imaging.cohort.dicom import EncodedSeries, encode, slice_dataset
from medsynth_pipeline.imaging.cohort.plan import DICOM_ROOT, KTRANS_ROOT, CohortPlan, plan_cohort
from medsynth_pipeline.imaging.cohort.spec import resolve_spec, spec_as_dict

logger = logging.getLogger(__name__)

RAW_TABLES: dict[str, Callable[[CohortPlan], pd.DataFrame]] = {
    "ProstateX-TrainingLesionInformationv2/ProstateX-Findings-Train.csv": tables.findings_table,
    "ProstateX-TrainingLesionInformationv2/ProstateX-Images-Train.csv": tables.images_table,
    "ProstateX-TrainingLesionInformationv2/ProstateX-Images-KTrans-Train.csv": tables.ktrans_images_table,
    "ProstateX-2/ProstateX-2-Findings-Train.csv": tables.prostatex2_findings_table,
}
TRUTH_TABLES: dict[str, Callable[[CohortPlan], pd.DataFrame]] = {
    "cohort_truth.csv": tables.cohort_truth_table,
    "lesions_truth.csv": tables.lesions_truth_table,
}
SPEC_FILE = "cohort_spec.json"


class PatientImages:
    """Acquires a patient's series on first use and keeps only the latest patient, so memory stays one patient.

    Files are written in sorted path order, which groups them by patient: each patient is acquired once.
    """

    def __init__(self, plan: CohortPlan) -> None:
        self._plan = plan
        self._index: int | None = None
        self._series: dict[str, Any] = {}
        self._started = time.perf_counter()
        self._acquired = 0

    def _get(self, index: int, kind: str) -> Any:
        if index != self._index:
            self._index, self._series = index, {}
        if kind not in self._series:
            self._acquire(index, kind)
        return self._series[kind]

    def _acquire(self, index: int, kind: str) -> None:
        patient, spec, seed = self._plan.patients[index], self._plan.spec, self._plan.seed
        if not self._series:
            self._acquired += 1
            elapsed = time.perf_counter() - self._started
            logger.info(
                "cohort: acquiring %s (%d/%d, %.2f patients/s so far)",
                patient.patient_id,
                self._acquired,
                len(self._plan.patients),
                (self._acquired - 1) / max(elapsed, 1e-9),
            )
        if kind in ("T2W", "T2W_SAG"):
            self._series[kind] = encode(acquisition.acquire_t2w(patient, spec, seed, kind), rescale=False)
        elif kind in ("ADC", "DWI"):
            adc, calc = acquisition.acquire_diffusion(patient, spec, seed)
            # ADC is stored directly in 10⁻⁶ mm²/s as ProstateX has it; the b-image uses a RescaleSlope.
            self._series["ADC"], self._series["DWI"] = encode(adc, rescale=False), encode(calc, rescale=True)
        elif kind == "KTRANS":
            grid = patient.series_of("KTRANS").grid
            self._series[kind] = grid.to_image(acquisition.acquire_ktrans(patient, spec, seed))
        else:
            raise KeyError(f"cohort: unknown series kind {kind!r}")

    def encoded(self, index: int, kind: str) -> EncodedSeries:
        return self._get(index, kind)

    def ktrans(self, index: int) -> sitk.Image:
        return self._get(index, "KTRANS")

    def slice(self, index: int, kind: str, k: int) -> pydicom.Dataset:
        patient = self._plan.patients[index]
        return slice_dataset(
            patient, patient.series_of(kind), k, self.encoded(index, kind), self._plan.spec, self._plan.seed
        )


def dicom_partitions(plan: CohortPlan) -> dict[str, Callable[[], pydicom.Dataset]]:
    """``ProstateX-0000/<study>/<series>/1-01`` … (relative to ``<raw_dir>/PROSTATEx``, no suffix) → a callable
    making that slice."""
    images = PatientImages(plan)
    parts: dict[str, Callable[[], pydicom.Dataset]] = {}
    for patient in plan.patients:
        for series in (s for s in patient.series if s.kind != "KTRANS"):
            for k in range(series.grid.size[2]):
                parts[f"{series.path.removeprefix(DICOM_ROOT + '/')}/1-{k + 1:02d}"] = (
                    lambda i=patient.index, kind=series.kind, k=k: images.slice(i, kind, k)
                )
    return parts


def ktrans_partitions(plan: CohortPlan) -> dict[str, Callable[[], sitk.Image]]:
    """``ProstateX-0000/ProstateX-0000-Ktrans`` … (relative to ``<raw_dir>/ProstateXKtrans-train-fixed``, no
    suffix) → a callable making the volume."""
    images = PatientImages(plan)
    return {
        p.series_of("KTRANS").path.removeprefix(KTRANS_ROOT + "/"): (lambda i=p.index: images.ktrans(i))
        for p in plan.patients
    }


def write_cohort(
    out_dir: str | Path,
    truth_dir: str | Path,
    n_patients: int = 3,
    seed: int = 0,
    preset: str = "tiny",
    **overrides: Any,
) -> CohortPlan:
    """Write a complete cohort without Kedro (e.g. into ``tmp_path`` in another area's tests).

    ``out_dir`` receives the ProstateX layout, ``truth_dir`` the ground truth. ``overrides`` are nested
    mappings mirroring :class:`CohortSpec` (e.g. ``t2w={"write_sagittal": True}``). Returns the plan.
    """
    plan = plan_cohort(resolve_spec(preset, overrides), n_patients, seed)
    out, truth = Path(out_dir), Path(truth_dir)
    for rel, make in dicom_partitions(plan).items():
        path = out / DICOM_ROOT / f"{rel}.dcm"
        path.parent.mkdir(parents=True, exist_ok=True)
        make().save_as(path, enforce_file_format=True)
    for rel, make in ktrans_partitions(plan).items():
        path = out / KTRANS_ROOT / f"{rel}.mhd"
        path.parent.mkdir(parents=True, exist_ok=True)
        sitk.WriteImage(make(), str(path), useCompression=True)
    for rel, build in RAW_TABLES.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        build(plan).to_csv(out / rel, index=False)
    truth.mkdir(parents=True, exist_ok=True)
    for rel, build in TRUTH_TABLES.items():
        build(plan).to_csv(truth / rel, index=False)
    (truth / SPEC_FILE).write_text(json.dumps(spec_document(plan), indent=2))
    return plan


def spec_document(plan: CohortPlan) -> dict[str, Any]:
    """The resolved generator settings, for provenance next to the ground truth."""
    return {"n_patients": len(plan.patients), "seed": plan.seed, "spec": spec_as_dict(plan.spec)}
