"""Kedro glue for the augmentation stage: synthetic sets from trained generators, classical augmentation."""

from __future__ import annotations

from typing import Any

import pandas as pd
import torch
from matplotlib.figure import Figure

from medsynth_pipeline.reporting.gan_figures import synthetic_samples_figure


def plot_synthetic_samples(
    synthetic_images: dict[str, Any], synthetic_metadata: pd.DataFrame, params: dict[str, Any]
) -> Figure:
    """The first images of every class of set 0, one row per class (named by the label, else by ClinSig)."""
    first = synthetic_metadata[synthetic_metadata["set_index"] == 0]
    label = synthetic_images.get("label_column") or "clin_sig"
    rows, chunks = [], []
    for class_index, group in first.groupby("class_index", sort=True):
        value = group[label].iloc[0] if label in group else None
        rows.append(f"{label} = {value}" if value is not None and pd.notna(value) else f"class {class_index}")
        picked = torch.tensor(group.index[: int(params["per_row"])].to_numpy(), dtype=torch.long)
        chunks.append(synthetic_images["images"][picked])
    per = min(len(c) for c in chunks)
    return synthetic_samples_figure(torch.cat([c[:per] for c in chunks]), rows, per_row=per)
