"""One patient's register & crop: every sequence rigidly registered to T2w and resampled on one prostate crop."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import SimpleITK as sitk

from medsynth_pipeline.imaging.ingest.series_io import read_volume
from medsynth_pipeline.imaging.registration.resample import (
    choose_crop_centre,
    inside_fraction,
    resample_onto,
    working_grid,
)
from medsynth_pipeline.imaging.registration.rigid import RegistrationSettings, metric_image, register_rigid

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CropSettings:
    """The working grid every sequence of a patient is resampled onto; from ``registration.working_grid``."""

    size_px: tuple[int, int]
    spacing_xy_mm: float
    spacing_z_mm: float | None
    depth_mm: float | None
    antialias: bool
    centre_rule: str

    @classmethod
    def from_params(cls, grid: dict, centre_rule: str) -> CropSettings:
        size = tuple(int(v) for v in grid["size_px"])
        if len(size) != 2 or min(size) < 1:
            raise ValueError(f"registration.working_grid.size_px must be two positive integers, got {grid['size_px']}")
        return cls(
            size_px=size,
            spacing_xy_mm=float(grid["spacing_xy_mm"]),
            spacing_z_mm=None if grid.get("spacing_z_mm") is None else float(grid["spacing_z_mm"]),
            depth_mm=None if grid.get("depth_mm") is None else float(grid["depth_mm"]),
            antialias=bool(grid.get("antialias", True)),
            centre_rule=str(centre_rule),
        )


def register_and_crop_patient(
    patient_id: str,
    fixed_kind: str,
    volumes: dict[str, sitk.Image],
    findings_lps: np.ndarray,
    rigid: RegistrationSettings,
    crop: CropSettings,
) -> tuple[dict[str, sitk.Image], list[dict]]:
    """All of one patient's sequences registered to ``fixed_kind`` and resampled on one cropped grid.

    Returns ``{kind: image}`` on the working grid (float32, physical units; voxels outside a moving
    sequence's field of view are 0) and one report row per moving kind.
    """
    fixed = volumes[fixed_kind]
    centre, rule_used = choose_crop_centre(crop.centre_rule, fixed, findings_lps)
    grid = working_grid(fixed, centre, crop.size_px, crop.spacing_xy_mm, crop.spacing_z_mm, crop.depth_mm)
    out = {fixed_kind: resample_onto(fixed, grid, antialias=crop.antialias)}
    fixed_roi = metric_image(fixed, centre, rigid) if len(volumes) > 1 else None
    rows = []
    for kind, moving in volumes.items():
        if kind == fixed_kind:
            continue
        label = f"{patient_id} {kind}→{fixed_kind}"
        before = register_rigid(fixed, moving, centre, _disabled(rigid), label=label, fixed_roi=fixed_roi)
        result = register_rigid(fixed, moving, centre, rigid, label, fixed_roi) if rigid.enabled else before
        out[kind] = resample_onto(moving, grid, result.transform, antialias=crop.antialias)
        rows.append(
            {
                "patient_id": patient_id,
                "moving_kind": kind,
                "fixed_kind": fixed_kind,
                "registered": rigid.enabled,
                **result.parameters(),
                "metric_initial": before.metric,
                "metric_final": result.metric,
                "iterations": result.iterations,
                "stop_condition": result.stop_condition,
                "seconds": round(result.seconds, 3),
                "inside_fov_fraction": inside_fraction(moving, grid, result.transform),
                "crop_centre_rule": rule_used,
            }
        )
    return out, rows


def _disabled(settings: RegistrationSettings) -> RegistrationSettings:
    return RegistrationSettings(**{**settings.__dict__, "enabled": False})


def pick_series(rows: pd.DataFrame) -> pd.Series:
    """The one series of a kind to use when a patient has several (ProstateX has sagittal and coronal T2w).

    Most axial first (slice normal closest to the patient's z axis), then most slices, then the smallest
    series UID so the choice never depends on row order.
    """
    if rows.empty:
        raise ValueError("pick_series: no series to choose from")
    axial = rows["direction"].map(lambda d: abs(float(np.asarray(d, dtype=float).reshape(9)[8])))
    ranked = rows.assign(_axial=axial.round(3)).sort_values(
        ["_axial", "size_z", "series_uid"], ascending=[False, False, True], kind="stable"
    )
    return ranked.drop(columns="_axial").iloc[0]


@dataclass(frozen=True)
class PatientSeries:
    """One patient's work for :func:`register_patient`: the chosen series row per kind and its findings."""

    patient_id: str
    chosen: dict[str, pd.Series]
    findings_lps: np.ndarray


@dataclass(frozen=True)
class PatientRegistration:
    """What :func:`register_patient` gives back: the cropped volumes (empty if skipped) and report rows."""

    patient_id: str
    volumes: dict[str, sitk.Image]
    rows: list[dict]


def register_patient(
    fixed_kind: str, kinds: tuple[str, ...], rigid: RegistrationSettings, crop: CropSettings, task: PatientSeries
) -> PatientRegistration:
    """Read, register and crop one patient (a pool task: top-level, inputs and result pickle).

    A series that cannot be read or registered is reported (``status``) and the patient skipped, never
    raising; a missing moving sequence is reported and the patient kept with what it has.
    """
    patient_id = task.patient_id
    volumes, rows = _read_series(patient_id, task.chosen, kinds)
    if fixed_kind not in volumes:
        return PatientRegistration(patient_id, {}, rows)
    try:
        registered, report = register_and_crop_patient(
            patient_id, fixed_kind, volumes, task.findings_lps, rigid, crop
        )
    except (RuntimeError, ValueError) as exc:
        logger.warning("registration: %s skipped: %s", patient_id, exc)
        rows.append({"patient_id": patient_id, "fixed_kind": fixed_kind, "status": f"failed: {exc}"})
        return PatientRegistration(patient_id, {}, rows)
    for row in report:
        row.update(
            status="registered" if rigid.enabled else "identity (registration off)",
            fixed_series_uid=task.chosen[fixed_kind]["series_uid"],
            moving_series_uid=task.chosen[row["moving_kind"]]["series_uid"],
        )
    return PatientRegistration(patient_id, registered, rows + report)


def _read_series(
    patient_id: str, chosen: Mapping[str, pd.Series], kinds: tuple[str, ...]
) -> tuple[dict[str, sitk.Image], list[dict]]:
    volumes: dict[str, sitk.Image] = {}
    rows: list[dict] = []
    for kind in kinds:
        if kind not in chosen:
            rows.append({"patient_id": patient_id, "moving_kind": kind, "status": f"missing: no {kind} series"})
            continue
        try:
            volumes[kind] = read_volume(chosen[kind])
        except (RuntimeError, ValueError, OSError) as exc:
            logger.warning("registration: %s %s unreadable (%s): %s", patient_id, kind, chosen[kind]["path"], exc)
            rows.append({"patient_id": patient_id, "moving_kind": kind, "status": f"unreadable: {exc}"})
    return volumes, rows
