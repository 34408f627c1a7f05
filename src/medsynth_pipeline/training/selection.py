"""Which patches a GAN trains on, their class labels, and the mapping between [0, 1] data and G's range.

A selection (``gan_training.<model>.select``) names the split, row filters on the patch metadata, the
channels, and the label column of a conditional model. Derived label columns:
``gleason_sum`` — the Gleason score as ProstateGAN uses it (3+4 → 7; a lesion with grade group 0 → 0).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import torch

logger = logging.getLogger(__name__)

# Columns copied onto synthetic images when all training rows of a class agree on them.
ATTRIBUTE_COLUMNS = ("is_lesion", "clin_sig", "ggg", "gleason_score", "zone")
_GLEASON = re.compile(r"^\s*(\d)\s*\+\s*(\d)\s*$")


def gleason_sum(metadata: pd.DataFrame) -> pd.Series:
    """"a+b" → a + b; grade group 0 (no cancer) → 0; anything else → <NA>."""
    def one(pattern: Any, ggg: Any) -> Any:
        if isinstance(pattern, str) and (m := _GLEASON.match(pattern)):
            return int(m.group(1)) + int(m.group(2))
        if not pd.isna(ggg) and int(ggg) == 0:
            return 0
        return pd.NA

    ggg = metadata["ggg"] if "ggg" in metadata else pd.Series(pd.NA, index=metadata.index)
    return pd.Series([one(p, g) for p, g in zip(metadata["gleason_score"], ggg, strict=True)],
                     index=metadata.index, dtype="Int64")


DERIVED_COLUMNS = {"gleason_sum": gleason_sum}


def _plain(value: Any) -> Any:
    """A value a ``weights_only`` torch load accepts (no numpy/pandas scalars, None for missing)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


@dataclass
class TrainingSet:
    """The selected real images in [0, 1], class indices, and what each class means."""

    images: torch.Tensor  # [N, C, H, W] float32 in [0, 1]
    labels: torch.Tensor | None  # [N] long, None for unconditional
    label_column: str | None
    class_values: list[Any] = field(default_factory=list)  # class index -> value of label_column
    class_attributes: list[dict[str, Any]] = field(default_factory=list)  # per class (or one if unconditional)
    channels: list[str] = field(default_factory=list)
    spacing_mm: float | None = None
    metadata: pd.DataFrame | None = None  # the selected rows, in image order

    @property
    def num_classes(self) -> int:
        return len(self.class_values) if self.label_column else 0


def _constant_attributes(rows: pd.DataFrame) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in ATTRIBUTE_COLUMNS:
        if column in rows:
            values = rows[column].dropna().unique()
            if len(values) == 1 and rows[column].notna().all():
                out[column] = _plain(values[0])
    return out


def select_training_set(
    patches: Mapping[str, Any], metadata: pd.DataFrame, select: Mapping[str, Any], source: str = "patches"
) -> TrainingSet:
    """Rows of ``split`` passing every ``rows`` equality filter, the chosen ``channels``, and labels.

    Args:
        patches: ``{"images": [N, C, H, W] in [0, 1], "channels": [...], "spacing_mm": ...}``.
        metadata: row i describes image i.
        select: ``split`` (or null: all), ``rows`` ({column: value}; a null value switches that filter
            off), ``channels`` (names or null: all),
            ``label_column`` (null: unconditional), ``min_per_class`` (classes with fewer rows are dropped).
        source: named in error messages.
    """
    images = patches["images"]
    images = images if isinstance(images, torch.Tensor) else torch.as_tensor(np.asarray(images))
    if images.dim() != 4 or len(metadata) != images.shape[0]:
        raise ValueError(f"{source}: {images.shape[0]} images but {len(metadata)} metadata rows (or images not 4-D)")
    meta = metadata.reset_index(drop=True).copy()
    for name, derive in DERIVED_COLUMNS.items():
        if name not in meta and "gleason_score" in meta:
            meta[name] = derive(meta)
    keep = pd.Series(True, index=meta.index)
    if select.get("split"):
        keep &= meta["split"] == select["split"]
    for column, value in (select.get("rows") or {}).items():
        if value is None:  # null switches off a filter inherited from conf/base
            continue
        if column not in meta:
            raise ValueError(f"{source}: filter column '{column}' is not in the metadata ({list(meta.columns)})")
        keep &= meta[column].astype(object) == value
    label_column = select.get("label_column")
    if label_column:
        if label_column not in meta:
            raise ValueError(f"{source}: label column '{label_column}' not in the metadata ({list(meta.columns)})")
        unlabelled = keep & meta[label_column].isna()
        if unlabelled.any():
            logger.info("%s: %d selected rows without '%s' left out", source, int(unlabelled.sum()), label_column)
        keep &= meta[label_column].notna()
        counts = meta.loc[keep, label_column].value_counts()
        rare = counts[counts < int(select.get("min_per_class", 1))].index
        if len(rare):
            logger.warning("%s: classes %s of '%s' have too few rows and are left out", source, list(rare), label_column)
            keep &= ~meta[label_column].isin(rare)
    rows = meta[keep.to_numpy()]
    if rows.empty:
        raise ValueError(f"{source}: no patch matches the selection {dict(select)}")

    channels = list(patches.get("channels") or [f"c{i}" for i in range(images.shape[1])])
    wanted = select.get("channels") or channels
    missing = [c for c in wanted if c not in channels]
    if missing:
        raise ValueError(f"{source}: channels {missing} not among the patch channels {channels}")
    channel_idx = [channels.index(c) for c in wanted]
    picked = images[torch.tensor(rows.index.to_numpy(), dtype=torch.long)][:, channel_idx].float().contiguous()

    labels, class_values, attributes = None, [], [_constant_attributes(rows)]
    if label_column:
        class_values = sorted(_plain(v) for v in rows[label_column].unique())
        index_of = {v: i for i, v in enumerate(class_values)}
        labels = torch.tensor([index_of[_plain(v)] for v in rows[label_column]], dtype=torch.long)
        attributes = [
            {**_constant_attributes(rows[rows[label_column] == v]), label_column: v} for v in class_values
        ]
    logger.info("%s: %d training images %s, channels %s%s", source, len(rows), tuple(picked.shape[1:]), list(wanted),
                f", classes of '{label_column}': {class_values}" if label_column else "")
    return TrainingSet(picked, labels, label_column, class_values, attributes, list(wanted),
                       _plain(patches.get("spacing_mm")), rows.reset_index(drop=True))


def to_range(images: torch.Tensor, output_range: Sequence[float]) -> torch.Tensor:
    """[0, 1] data → the generator's output range (e.g. [-1, 1] for tanh)."""
    lo, hi = float(output_range[0]), float(output_range[1])
    return images * (hi - lo) + lo


def from_range(images: torch.Tensor, output_range: Sequence[float]) -> torch.Tensor:
    """The generator's output range → [0, 1], clipped (a ReLU output can exceed 1)."""
    lo, hi = float(output_range[0]), float(output_range[1])
    return ((images - lo) / (hi - lo)).clamp(0.0, 1.0)
