"""From the stage contracts (patches, synthetic sets, classical copies) to labelled image sets.

Real rows are chosen with the same selection logic the GAN stage uses (``training.selection``), so "the
real images a model learnt from" means exactly the same rows here. The class label is a boolean column of
the patch metadata (``clin_sig`` by default); rows where it is missing are left out.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import torch

from medsynth_pipeline.classification.data import SYNTHETIC_PATIENT_PREFIX, LabelledImages
from medsynth_pipeline.metrics.results import InsufficientData
from medsynth_pipeline.training.selection import select_training_set

log = logging.getLogger(__name__)


def _labels(metadata: pd.DataFrame, label_column: str, what: str) -> tuple[np.ndarray, np.ndarray]:
    """(0/1 labels, mask of rows that have one)."""
    if label_column not in metadata.columns:
        raise ValueError(f"{what}: label column '{label_column}' not in the metadata ({list(metadata.columns)})")
    values = metadata[label_column]
    known = values.notna().to_numpy()
    if (~known).any():
        log.info("%s: %d rows without '%s' left out", what, int((~known).sum()), label_column)
    labels = np.zeros(len(values), dtype=np.int64)
    labels[known] = values[known].astype(bool).to_numpy().astype(np.int64)
    return labels, known


def channel_index(available: Sequence[str], wanted: Sequence[str], what: str) -> list[int]:
    missing = [c for c in wanted if c not in available]
    if missing:
        raise ValueError(f"{what}: channels {missing} not among {list(available)}")
    return [list(available).index(c) for c in wanted]


def real_images(
    patches: Mapping[str, Any],
    metadata: pd.DataFrame,
    splits: Sequence[str],
    channels: Sequence[str],
    label_column: str,
    rows: Mapping[str, Any] | None = None,
    what: str = "patches",
) -> LabelledImages:
    """Real patches of ``splits`` passing the ``rows`` equality filters, ``channels`` in that order, labelled."""
    parts = []
    for split in splits:
        try:
            selected = select_training_set(patches, metadata, {"split": split, "rows": dict(rows or {}),
                                                               "channels": list(channels)}, source=f"{what}/{split}")
        except ValueError as error:
            if "no patch matches" in str(error):
                continue  # an empty split contributes nothing; an empty result is refused below
            raise
        labels, known = _labels(selected.metadata, label_column, f"{what}/{split}")
        index = np.flatnonzero(known)
        parts.append(LabelledImages.build(selected.images[torch.as_tensor(index)], labels[index],
                                          selected.metadata["patient_id"].astype(str).to_numpy()[index], "real"))
    if not parts:
        raise InsufficientData(f"{what}: no patch of splits {list(splits)} matches rows {dict(rows or {})}")
    return LabelledImages.concat(parts)


def synthetic_set_images(payload: Mapping[str, Any], metadata: pd.DataFrame, model: str) -> dict[int, torch.Tensor]:
    """Every synthetic image by ``set_index``, labelled or not (the set metrics need no class)."""
    images = torch.as_tensor(payload["images"]).float()
    if images.shape[0] != len(metadata):
        raise ValueError(f"synthetic images of {model}: {images.shape[0]} images but {len(metadata)} metadata rows")
    meta = metadata.reset_index(drop=True)
    return {int(k): images[torch.as_tensor(g.index.to_numpy())] for k, g in meta.groupby("set_index", sort=True)}


def synthetic_sets(
    payload: Mapping[str, Any], metadata: pd.DataFrame, label_column: str, model: str
) -> dict[int, LabelledImages]:
    """The synthetic sets of a model by ``set_index``; patient id ``synthetic:<model>``, source ``gan``."""
    images = torch.as_tensor(payload["images"]).float()
    if images.shape[0] != len(metadata):
        raise ValueError(f"synthetic images of {model}: {images.shape[0]} images but {len(metadata)} metadata rows")
    meta = metadata.reset_index(drop=True)
    labels, known = _labels(meta, label_column, f"synthetic images of {model}")
    out = {}
    for set_index, group in meta[known].groupby("set_index", sort=True):
        index = group.index.to_numpy()
        out[int(set_index)] = LabelledImages.build(images[torch.as_tensor(index)], labels[index],
                                                   f"{SYNTHETIC_PATIENT_PREFIX}{model}", "gan")
    if not out:
        raise InsufficientData(f"synthetic images of {model}: no image has a '{label_column}' label")
    return out


def classical_images(
    payload: Mapping[str, Any], metadata: pd.DataFrame, channels: Sequence[str], label_column: str,
    rows: Mapping[str, Any] | None = None, what: str = "classical copies",
) -> LabelledImages:
    """Classically augmented copies of real training patches; each keeps its source patient id."""
    images = torch.as_tensor(payload["images"]).float()
    meta = metadata.reset_index(drop=True)
    if images.shape[0] != len(meta):
        raise ValueError(f"{what}: {images.shape[0]} images but {len(meta)} metadata rows")
    keep = pd.Series(True, index=meta.index)
    for column, value in (rows or {}).items():
        if value is not None:  # null switches a filter off, as in training.selection
            keep &= meta[column].astype(object) == value
    labels, known = _labels(meta, label_column, what)
    index = np.flatnonzero(keep.to_numpy() & known)
    picked = images[torch.as_tensor(index)][:, channel_index(payload.get("channels") or [], channels, what)]
    return LabelledImages.build(picked, labels[index], meta["patient_id"].astype(str).to_numpy()[index], "classical")
