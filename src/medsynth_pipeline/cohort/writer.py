"""From a plan to files: lazily rendered DICOM slices and Ktrans volumes, tables, and ``write_cohort``."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pydicom
import SimpleITK as sitk

from medsynth_pipeline.cohort import acquisition, tables
from medsynth_pipeline.cohort.dicom import EncodedSeries, encode, slice_dataset
from medsynth_pipeline.cohort.plan import DICOM_ROOT, KTRANS_ROOT, CohortPlan, plan_cohort
from medsynth_pipeline.cohort.spec import resolve_spec, spec_as_dict
from medsynth_pipeline.imaging.parallel import RateLog, ordered_map

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


#: What a rendered patient is: ``(kind, slice)`` → DICOM slice, or ``("KTRANS", 0)`` → the Ktrans map.
Rendered = dict[tuple[str, int], Any]
DICOM_KINDS = ("T2W", "T2W_SAG", "ADC", "DWI")
_WORKER_PLAN: CohortPlan | None = None  # set once per pool worker: every task of the pool renders this plan


def render_patient(plan: CohortPlan, index: int, kinds: tuple[str, ...]) -> Rendered:
    """Every file of ``kinds`` (DICOM series kinds, or ``KTRANS``) of patient ``index``, ready to save."""
    patient, spec, seed = plan.patients[index], plan.spec, plan.seed
    out: Rendered = {}
    encoded: dict[str, EncodedSeries] = {}
    for series in patient.series:
        if series.kind not in kinds:
            continue
        if series.kind == "KTRANS":
            out[("KTRANS", 0)] = series.grid.to_image(acquisition.acquire_ktrans(patient, spec, seed))
            continue
        if series.kind not in encoded:
            encoded.update(_encode_series(patient, spec, seed, series.kind))
        for k in range(series.grid.size[2]):
            out[(series.kind, k)] = slice_dataset(patient, series, k, encoded[series.kind], spec, seed)
    return out


def _encode_series(patient: Any, spec: Any, seed: int, kind: str) -> dict[str, EncodedSeries]:
    if kind in ("T2W", "T2W_SAG"):
        return {kind: encode(acquisition.acquire_t2w(patient, spec, seed, kind), rescale=False)}
    if kind in ("ADC", "DWI"):
        adc, calc = acquisition.acquire_diffusion(patient, spec, seed)
        # ADC is stored directly in 10⁻⁶ mm²/s as ProstateX has it; the b-image uses a RescaleSlope.
        return {"ADC": encode(adc, rescale=False), "DWI": encode(calc, rescale=True)}
    raise KeyError(f"cohort: unknown series kind {kind!r}")


def _set_worker_plan(plan: CohortPlan) -> None:
    global _WORKER_PLAN
    _WORKER_PLAN = plan


def _render_in_worker(task: tuple[int, tuple[str, ...]]) -> Rendered:
    assert _WORKER_PLAN is not None, "cohort: pool worker started without its plan"
    index, kinds = task
    return render_patient(_WORKER_PLAN, index, kinds)


class PatientImages:
    """Renders patients on first use and keeps only the latest one, so memory stays a few patients.

    Kedro's ``PartitionedDataset`` saves in sorted path order, which is patient order: with ``workers > 1``
    the next patients are rendered by a process pool while this process saves the current one. A patient
    asked for out of order is rendered here; the files are the same either way.
    """

    def __init__(self, plan: CohortPlan, kinds: tuple[str, ...], workers: int = 1) -> None:
        self._plan, self._kinds, self._workers = plan, kinds, workers
        self._index: int | None = None
        self._files: Rendered = {}
        self._stream: Iterator[Rendered] | None = None
        self._next = 0  # index of the patient the stream yields next
        self._rate = RateLog("cohort: rendered", len(plan.patients), "patients", workers, every_s=0.0)

    def get(self, index: int, key: tuple[str, int]) -> Any:
        if index != self._index:
            self._files, self._index = self._render(index), index
            self._rate.step()
        return self._files[key]

    def _render(self, index: int) -> Rendered:
        if self._workers <= 1:
            return render_patient(self._plan, index, self._kinds)
        if self._stream is None:
            tasks = ((i, self._kinds) for i in range(len(self._plan.patients)))
            self._stream = ordered_map(
                _render_in_worker, tasks, self._workers, initializer=_set_worker_plan, initargs=(self._plan,)
            )
        if index != self._next:
            return render_patient(self._plan, index, self._kinds)
        self._next += 1
        rendered = next(self._stream)
        if self._next == len(self._plan.patients):
            self._stream.close()  # the last patient: the pool's processes end now, not at exit
        return rendered


def dicom_partitions(plan: CohortPlan, workers: int = 1) -> dict[str, Callable[[], pydicom.Dataset]]:
    """``ProstateX-0000/<study>/<series>/1-01`` … (relative to ``<raw_dir>/PROSTATEx``, no suffix) → a callable
    making that slice. ``workers`` processes render patients ahead (1: one at a time, in this process)."""
    images = PatientImages(plan, DICOM_KINDS, workers)
    parts: dict[str, Callable[[], pydicom.Dataset]] = {}
    for patient in plan.patients:
        for series in (s for s in patient.series if s.kind != "KTRANS"):
            for k in range(series.grid.size[2]):
                parts[f"{series.path.removeprefix(DICOM_ROOT + '/')}/1-{k + 1:02d}"] = (
                    lambda i=patient.index, kind=series.kind, k=k: images.get(i, (kind, k))
                )
    return parts


def ktrans_partitions(plan: CohortPlan, workers: int = 1) -> dict[str, Callable[[], sitk.Image]]:
    """``ProstateX-0000/ProstateX-0000-Ktrans`` … (relative to ``<raw_dir>/ProstateXKtrans-train-fixed``, no
    suffix) → a callable making the volume."""
    images = PatientImages(plan, ("KTRANS",), workers)
    return {
        p.series_of("KTRANS").path.removeprefix(KTRANS_ROOT + "/"): (lambda i=p.index: images.get(i, ("KTRANS", 0)))
        for p in plan.patients
    }


def write_cohort(
    out_dir: str | Path,
    truth_dir: str | Path,
    n_patients: int = 3,
    seed: int = 0,
    preset: str = "tiny",
    workers: int = 1,
    **overrides: Any,
) -> CohortPlan:
    """Write a complete cohort without Kedro (e.g. into ``tmp_path`` in another area's tests).

    ``out_dir`` receives the ProstateX layout, ``truth_dir`` the ground truth. ``overrides`` are nested
    mappings mirroring :class:`CohortSpec` (e.g. ``t2w={"write_sagittal": True}``); ``workers``
    processes render patients (1: in this process; the files are identical). Returns the plan.
    """
    plan = plan_cohort(resolve_spec(preset, overrides), n_patients, seed)
    out, truth = Path(out_dir), Path(truth_dir)
    for rel, make in dicom_partitions(plan, workers).items():
        path = out / DICOM_ROOT / f"{rel}.dcm"
        path.parent.mkdir(parents=True, exist_ok=True)
        make().save_as(path, enforce_file_format=True)
    for rel, make in ktrans_partitions(plan, workers).items():
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
