"""Brain MR slices of a BraTS-style NIfTI folder or a Kaggle-style ``yes/``/``no/`` image folder, in the
patches contract (``{"images": [N, C, S, S] in [0, 1], "channels", "spacing_mm"}`` + a metadata table with
``patient_id, slice_index, is_lesion, split, source``), so the training stages' own selection code picks
the rows a model learns from. Used by the 004 (``pggan_brain``) and 003 (``dcgan_brain``) stages.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from medsynth_pipeline.imaging.image_folders import load_brats_slices, load_image_folder
from medsynth_pipeline.imaging.patches.slices import pad_to_square
from medsynth_pipeline.imaging.patches.splits import split_patients

logger = logging.getLogger(__name__)


def slices_payload(images: np.ndarray, channels: list[str], spacing_mm: float | None) -> dict[str, Any]:
    return {"images": torch.from_numpy(np.ascontiguousarray(images, dtype=np.float32)), "channels": channels,
            "spacing_mm": spacing_mm}


def _brain_metadata(patients: list[str], labels: np.ndarray, sources: list[str], slice_index: np.ndarray,
                    splits: dict[str, Any]) -> pd.DataFrame:
    table = pd.DataFrame({"patient_id": patients, "is_lesion": labels.astype(bool)})
    per_patient = table.groupby("patient_id", as_index=False)["is_lesion"].any()
    split_table = split_patients(per_patient, splits["fractions"], int(splits["seed"]), stratify_by="is_lesion")
    split_of = dict(zip(split_table["patient_id"], split_table["split"], strict=True))
    return pd.DataFrame({
        "patient_id": patients, "slice_index": slice_index, "is_lesion": labels.astype(bool),
        "split": [split_of[p] for p in patients], "source": sources,
    })


def brain_slices(data: dict[str, Any]) -> tuple[dict[str, Any], pd.DataFrame]:
    """Brain MR slices of a BraTS-style NIfTI folder (``format: brats``) or a Kaggle ``yes/``/``no/`` image
    folder (``format: image_folder``), through the ingest's loaders; splits by case (BraTS) or by image."""
    fmt, root = data["format"], data.get("root")
    if not root or not Path(root).is_dir():
        raise FileNotFoundError(f"{data.get('name', fmt)} brain data: folder '{root}' does not exist "
                                f"(set the {fmt} root in conf/local)")
    if fmt == "brats":
        loaded = load_brats_slices(Path(root), **dict(data.get("brats") or {}))
        patients, index = list(loaded.case_ids), loaded.slice_index
    elif fmt == "image_folder":
        options = dict(data.get("image_folder") or {})
        size = int(options.pop("size"))
        loaded = load_image_folder(Path(root), size=(size, size), **options)
        patients, index = [Path(s).stem for s in loaded.sources], np.zeros(len(loaded.sources), np.int64)
    else:
        raise ValueError(f"brain data: format must be 'brats' or 'image_folder', got {fmt!r}")
    for path, reason in loaded.rejected:
        logger.warning("brain data: skipped %s (%s)", path, reason)
    images = pad_to_square(loaded.images, data.get("pad_to"))
    metadata = _brain_metadata(patients, loaded.labels, list(loaded.sources), index, data["splits"])
    return slices_payload(images, ["T1C" if fmt == "brats" else "MR"], None), metadata
