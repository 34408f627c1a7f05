"""Kedro glue for register & crop; the work is done by ``imaging.registration.rigid`` and ``imaging.registration.resample``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial
from typing import Any

import pandas as pd
import SimpleITK as sitk
from matplotlib.figure import Figure

from medsynth_pipeline.imaging.parallel import RateLog, ordered_map, resolve_workers
from medsynth_pipeline.imaging.patches.extract import normalise
from medsynth_pipeline.imaging.registration.patient import (
    CropSettings,
    PatientSeries,
    pick_series,
    register_patient,
)
from medsynth_pipeline.imaging.registration.resample import findings_of
from medsynth_pipeline.imaging.registration.rigid import RegistrationSettings
from medsynth_pipeline.imaging.registration.volumes import VolumeOrLoader, load_volume
from medsynth_pipeline.reporting.patch_grid import registration_check_figure

logger = logging.getLogger(__name__)
REPORT_DECIMALS = 4  # 0.1 µm and 0.0001°: far below what registration resolves, and a readable table
PROGRESS_EVERY_S = 10.0  # a progress line at most this often (a patient takes seconds; 204 lines is noise)

REPORT_COLUMNS = [
    "patient_id", "moving_kind", "fixed_kind", "status", "registered",
    "rx_deg", "ry_deg", "rz_deg", "tx_mm", "ty_mm", "tz_mm", "center_x", "center_y", "center_z",
    "metric_initial", "metric_final", "iterations", "stop_condition", "seconds", "inside_fov_fraction",
    "crop_centre_rule", "fixed_series_uid", "moving_series_uid",
]  # fmt: skip


def register_and_crop(
    series_index: pd.DataFrame, lesions: pd.DataFrame, params: dict[str, Any]
) -> tuple[dict[str, sitk.Image], pd.DataFrame]:
    """Every patient with a ``fixed_kind`` series: its sequences registered, resampled and cropped.

    Returns the ``registered_volumes`` partitions (``<patient_id>/<KIND>``) and the ``registration_report``.
    A patient whose series cannot be read or registered is reported (``status``) and skipped, never
    aborting the run; a missing moving sequence is reported and the patient kept with what it has.
    ``registration.workers`` processes register patients (null = every core); the outputs are the same.
    """
    fixed_kind, moving_kinds = params["fixed_kind"], list(params["moving_kinds"])
    rigid = RegistrationSettings.from_params(params["rigid"])
    crop = CropSettings.from_params(params["working_grid"], params["crop_centre"])
    workers = resolve_workers(params.get("workers"), "registration.workers")
    kinds = (fixed_kind, *moving_kinds)
    usable = series_index[series_index["kind"].isin(kinds)]
    patients = sorted(usable.loc[usable["kind"] == fixed_kind, "patient_id"].unique())
    tasks = [
        PatientSeries(
            patient_id,
            {kind: pick_series(group) for kind, group in usable[usable["patient_id"] == patient_id].groupby("kind")},
            findings_of(lesions, patient_id),
        )
        for patient_id in patients
    ]
    partitions: dict[str, sitk.Image] = {}
    rows: list[dict] = []
    rate = RateLog("registration: registered", len(tasks), "patients", workers, every_s=PROGRESS_EVERY_S)
    # results come back in patient order whatever the number of workers, so the outputs do not depend on it
    for result in ordered_map(partial(register_patient, fixed_kind, kinds, rigid, crop), tasks, workers):
        rows.extend(result.rows)
        partitions.update({f"{result.patient_id}/{kind}": image for kind, image in result.volumes.items()})
        rate.step()
    if not partitions:
        raise ValueError(f"registration: no patient has a readable {fixed_kind} series in series_index")
    return partitions, pd.DataFrame(rows).reindex(columns=REPORT_COLUMNS).round(REPORT_DECIMALS)


def plot_registration_check(
    registered_volumes: Mapping[str, VolumeOrLoader], params: dict[str, Any]
) -> Figure:
    """Central slices of the first patients and T2w/moving checkerboards (data/08_reporting).

    Partitions may be loaders (``PartitionedDataset``) or images (in memory).
    """
    fixed_kind = params["fixed_kind"]
    figure = params["check_figure"]
    by_patient: dict[str, dict[str, Any]] = {}
    for partition, load in sorted(registered_volumes.items()):
        patient_id, kind = partition.rsplit("/", 1)
        by_patient.setdefault(patient_id, {})[kind] = load
    # only patients with every sequence: the figure compares them side by side
    wanted = {fixed_kind, *params["moving_kinds"]}
    complete = [p for p, kinds in by_patient.items() if wanted <= set(kinds)][: int(figure["max_patients"])]
    if not complete:
        complete = list(by_patient)[: int(figure["max_patients"])]
    slices = {}
    for patient_id in complete:
        slices[patient_id] = {}
        for kind, load in by_patient[patient_id].items():
            image = load_volume(load)
            middle = image.GetSize()[2] // 2
            # a display window per image: 1st-99th percentile shows anatomy whatever the units
            shown = normalise(image[:, :, middle], {"method": "percentile", "low": 1, "high": 99}, f"{patient_id}/{kind}")
            slices[patient_id][kind] = sitk.GetArrayFromImage(shown)
    return registration_check_figure(slices, fixed_kind, int(figure["checker_size_px"]))
