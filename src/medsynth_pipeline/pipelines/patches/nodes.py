"""Kedro glue for patch extraction; geometry in ``imaging.patches.extract``, splits in ``imaging.patches.splits``."""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import SimpleITK as sitk
import torch
from matplotlib.figure import Figure

from medsynth_pipeline.imaging.patches.extract import BackgroundSpec, PatchSpec, normalise, patient_patches
from medsynth_pipeline.imaging.patches.splits import split_patients
from medsynth_pipeline.imaging.registration.volumes import VolumeOrLoader, load_volume, volumes_by_patient
from medsynth_pipeline.reporting.patch_grid import patch_class_names, patch_grid_figure, patch_location_figure

logger = logging.getLogger(__name__)

METADATA_COLUMNS = [
    "patient_id", "fid", "split", "is_lesion", "clin_sig", "ggg", "gleason_score", "zone",
    "center_x", "center_y", "center_z",
]  # fmt: skip
METADATA_DTYPES = {
    "patient_id": "string", "fid": "Int64", "split": "string", "is_lesion": "bool", "clin_sig": "bool",
    "ggg": "Int64", "gleason_score": "string", "zone": "string",
    "center_x": "float64", "center_y": "float64", "center_z": "float64",
}  # fmt: skip

Volumes = Mapping[str, VolumeOrLoader]


def make_patient_splits(registered_volumes: Volumes, lesions: pd.DataFrame, params: dict[str, Any]) -> pd.DataFrame:
    """``patient_splits``: every registered patient in exactly one of train/val/test, stratified by ClinSig;
    the test (evaluation) patients dealt into ``test_folds`` cross-validation folds."""
    patients = sorted(volumes_by_patient(registered_volumes))
    clin_sig = lesions.assign(clin_sig=lesions["clin_sig"].fillna(False).astype(bool))
    positive = set(clin_sig.loc[clin_sig["clin_sig"], "patient_id"])
    table = pd.DataFrame({"patient_id": patients, "has_clin_sig": [p in positive for p in patients]})
    splits = split_patients(table, params["fractions"], int(params["seed"]), test_folds=int(params.get("test_folds", 0)))
    for split, group in splits.groupby("split"):
        logger.info("patient_splits: %s %d patients (%d with a ClinSig lesion)", split, len(group), group["has_clin_sig"].sum())
    return splits


def extract_patches(
    registered_volumes: Volumes,
    lesions: pd.DataFrame,
    patient_splits: pd.DataFrame,
    preset: dict[str, Any],
    normalisation: dict[str, Any],
    background: dict[str, Any],
) -> tuple[dict[str, Any], pd.DataFrame]:
    """One preset's patches ``{"images": [N, C, H, W] in [0, 1], "channels", "spacing_mm"}`` and metadata.

    Patients missing a channel of the preset are skipped with a warning, as are findings whose patch
    would lie mostly outside the registered crop.
    """
    # a preset may override shared background settings (a larger patch needs negatives farther away)
    preset = dict(preset)
    background = {**background, **preset.pop("background", {})}
    spec = PatchSpec.from_params(preset)
    missing_windows = [c for c in spec.channels if c not in normalisation]
    if missing_windows:
        raise ValueError(f"patches.normalisation has no window for channel(s) {missing_windows}")
    back = BackgroundSpec.from_params(background)
    split_of = dict(zip(patient_splits["patient_id"], patient_splits["split"], strict=True))
    by_patient = volumes_by_patient(registered_volumes)
    images: list[np.ndarray] = []
    rows: list[dict] = []
    start = time.perf_counter()
    for patient_id, loaders in by_patient.items():
        missing = [c for c in spec.channels if c not in loaders]
        if missing:
            logger.warning("patches: %s skipped, no registered %s", patient_id, missing)
            continue
        if patient_id not in split_of:
            raise ValueError(f"patches: patient {patient_id} is registered but absent from patient_splits")
        volumes = {
            kind: normalise(load_volume(loaders[kind]), normalisation[kind], f"{patient_id}/{kind}") for kind in spec.channels
        }
        findings = lesions[lesions["patient_id"] == patient_id].to_dict("records")
        # one generator per patient, seeded from its id: a patient's negatives never depend on the others
        rng = np.random.default_rng([int(background["seed"]), zlib.crc32(patient_id.encode())])
        patches, labels, skipped = patient_patches(patient_id, volumes, findings, spec, back, rng)
        for reason in skipped:
            logger.warning("patches: %s", reason)
        images.extend(patches)
        rows.extend({**label, "split": split_of[patient_id]} for label in labels)
    if not images:
        raise ValueError(f"patches: no patch extracted for preset {preset} (no registered patient with {spec.channels}?)")
    metadata = pd.DataFrame(rows).reindex(columns=METADATA_COLUMNS).astype(METADATA_DTYPES)
    logger.info(
        "patches: %d patches (%d lesion) from %d patients in %.1f s",
        len(images), int(metadata["is_lesion"].sum()), metadata["patient_id"].nunique(), time.perf_counter() - start,
    )
    tensor = torch.from_numpy(np.stack(images).astype(np.float32))
    return {"images": tensor, "channels": list(spec.channels), "spacing_mm": spec.spacing_mm}, metadata


def summarise_patches(patch_metadata: pd.DataFrame) -> pd.DataFrame:
    """Patch counts per split and class (ClinSig / non-ClinSig / background), with patient counts."""
    table = patch_metadata.assign(
        class_name=patch_class_names(patch_metadata["is_lesion"], patch_metadata["clin_sig"])
    )
    summary = (
        table.groupby(["split", "class_name"])
        .agg(patches=("patient_id", "size"), patients=("patient_id", "nunique"))
        .reset_index()
    )
    return summary


def plot_patch_grid(patches: dict[str, Any], patch_metadata: pd.DataFrame, params: dict[str, Any]) -> Figure:
    """Randomly drawn patches per class, one row per channel (data/08_reporting, logged to MLflow)."""
    images = patches["images"].numpy() if isinstance(patches["images"], torch.Tensor) else np.asarray(patches["images"])
    classes = patch_class_names(patch_metadata["is_lesion"], patch_metadata["clin_sig"])
    title = f"{len(images)} patches, {images.shape[-1]} px at {patches['spacing_mm']:g} mm/px"
    return patch_grid_figure(images, classes, patches["channels"], int(params["per_class"]), int(params["seed"]), title)


def plot_patch_location(
    registered_volumes: Volumes, patches: dict[str, Any], patch_metadata: pd.DataFrame, preset: dict[str, Any],
    normalisation: dict[str, Any],
) -> Figure:
    """001 Fig. 1 for any preset: the registered slice through the first clinically significant training
    finding (by patient id; any finding when there is none) with the patch box, beside that patch's channels.
    The slice is the preset's first channel, windowed as the patches are."""
    meta = patch_metadata.reset_index(drop=True)  # row position = image position
    lesions = meta[meta["is_lesion"].astype(bool)]
    train = lesions[lesions["split"].astype(str) == "train"]
    pool = next((t for t in (train[train["clin_sig"].fillna(False).astype(bool)], train, lesions) if len(t)), None)
    if pool is None:
        raise ValueError(f"patches: no lesion patch to locate for preset {preset}")
    row = pool.sort_values(["patient_id", "center_z", "center_y", "center_x"], kind="stable").iloc[0]
    channel = patches["channels"][0]
    volume = normalise(load_volume(volumes_by_patient(registered_volumes)[row["patient_id"]][channel]),
                       normalisation[channel], f"{row['patient_id']}/{channel}")
    index = volume.TransformPhysicalPointToContinuousIndex((row["center_x"], row["center_y"], row["center_z"]))
    k = int(np.clip(np.round(index[2]), 0, volume.GetSize()[2] - 1))
    spacing = float(volume.GetSpacing()[0])
    title = (f"{row['patient_id']}, {channel} slice {k}: {float(preset['size_mm']):g} mm box "
             f"({'ClinSig' if bool(row['clin_sig']) else 'non-ClinSig'} finding)")
    return patch_location_figure(sitk.GetArrayViewFromImage(volume)[k], (index[0], index[1]),
                                 float(preset["size_mm"]) / spacing, np.asarray(patches["images"][int(row.name)]),
                                 list(patches["channels"]), title)
