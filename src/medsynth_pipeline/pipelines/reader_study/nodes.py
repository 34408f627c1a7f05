"""Kedro glue of the reader study; the work is done in ``medsynth_pipeline.reader_study``."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
import torch
from matplotlib.figure import Figure

from medsynth_pipeline.reader_study.figures import confusion_figure
from medsynth_pipeline.reader_study.results import table_markdown, visual_turing_table
from medsynth_pipeline.reader_study.study import StudyInputError, select_study_items, study_fingerprint

logger = logging.getLogger(__name__)


def _lesion_labels(synthetic: dict[str, Any], label_key: str) -> np.ndarray:
    if label_key not in synthetic:
        raise StudyInputError(
            f"synthetic set has no '{label_key}' entry (keys: {sorted(synthetic)}); "
            "set reader_study.synthetic_lesion_key"
        )
    return torch.as_tensor(synthetic[label_key]).cpu().numpy().astype(bool)


def prepare_study(
    real_patches: dict[str, Any],
    real_metadata: pd.DataFrame,
    synthetic: dict[str, Any],
    params: dict[str, Any],
) -> tuple[dict[str, Any], pd.DataFrame]:
    """The blinded study (images + channel names) and its key, from real patches and one synthetic set."""
    real_images = real_patches["images"]
    if len(real_metadata) != real_images.shape[0]:
        raise StudyInputError(
            f"real patch metadata has {len(real_metadata)} rows for {real_images.shape[0]} patches"
        )
    splits = params.get("real_splits")
    keep = np.ones(len(real_metadata), dtype=bool) if not splits else real_metadata["split"].isin(splits).to_numpy()
    real_is_lesion = real_metadata["is_lesion"].to_numpy(dtype=bool)
    channels = list(real_patches.get("channels", []))
    if synthetic.get("channels") is not None and list(synthetic["channels"]) != channels:
        raise StudyInputError(f"real channels {channels} differ from synthetic channels {list(synthetic['channels'])}")
    missing = [c for c in params["display"]["channels"] if c not in channels]
    if missing:
        raise StudyInputError(f"reader_study.display.channels {missing} not among the patch channels {channels}")

    real_index = np.flatnonzero(keep)
    images, key = select_study_items(
        real_images[torch.as_tensor(real_index)], real_is_lesion[keep],
        synthetic["images"], _lesion_labels(synthetic, params["synthetic_lesion_key"]),
        n_per_group=params["n_per_group"], seed=params["seed"],
    )  # fmt: skip
    real_rows = key["origin"] == "real"
    key.loc[real_rows, "source_index"] = real_index[key.loc[real_rows, "source_index"].to_numpy()]
    logger.info("Reader study: %d images (%d per origin and class)", len(key), params["n_per_group"])
    return {"images": images, "channels": channels}, key


def score_study(
    study_images: dict[str, Any], study_key: pd.DataFrame, answers: pd.DataFrame
) -> tuple[pd.DataFrame, str, Figure]:
    """Seed 004's Table 2 (per reader and pooled) as a table, Markdown and a confusion-matrix figure."""
    expected = study_fingerprint(study_images["images"], study_key)
    if set(answers["study_fingerprint"]) != {expected}:
        raise ValueError(
            "reader_study_answers belong to another study than reader_study_key "
            "(the study was prepared again after readers answered); score the matching study"
        )
    table = visual_turing_table(study_key, answers.drop(columns="study_fingerprint"))
    return table, table_markdown(table), confusion_figure(table)
