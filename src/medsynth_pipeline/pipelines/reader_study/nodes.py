"""Kedro glue of the reader study; the work is done in ``medsynth_pipeline.reader_study``."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
import torch
from matplotlib.figure import Figure

from medsynth_pipeline.augmentation.synthetic import generate_synthetic_sets
from medsynth_pipeline.reader_study.figures import confusion_figure
from medsynth_pipeline.reader_study.results import table_markdown, visual_turing_table
from medsynth_pipeline.reader_study.study import StudyInputError, select_study_items, study_fingerprint

logger = logging.getLogger(__name__)


def _to_size(real: torch.Tensor, size: int) -> torch.Tensor:
    """Real images averaged down to the generator's resolution (as PGGAN trains below the slice size)."""
    if real.shape[-1] == size or real.shape[-1] % size:
        return real  # same size, or no whole factor: select_study_items names the mismatch
    return torch.nn.functional.avg_pool2d(real, real.shape[-1] // size)


def prepare_study(
    real_images: dict[str, Any],
    real_metadata: pd.DataFrame,
    generator: dict[str, Any],
    params: dict[str, Any],
) -> tuple[dict[str, Any], pd.DataFrame]:
    """The blinded study (images + channel names) and its key.

    Real images come from the given set (``is_lesion`` and ``split`` in its metadata); synthetic ones are
    drawn from the trained generator, ``n_per_group`` per lesion class (004 drew from its per-class PGGANs).
    """
    images = real_images["images"]
    if len(real_metadata) != images.shape[0]:
        raise StudyInputError(f"real image metadata has {len(real_metadata)} rows for {images.shape[0]} images")
    channels = list(real_images.get("channels", []))
    missing = [c for c in params["display"]["channels"] if c not in channels]
    if missing:
        raise StudyInputError(f"reader_study.display.channels {missing} not among the image channels {channels}")
    splits = params.get("real_splits")
    keep = np.ones(len(real_metadata), dtype=bool) if not splits else real_metadata["split"].isin(splits).to_numpy()
    real_index = np.flatnonzero(keep)

    n = int(params["n_per_group"])
    synthetic, synthetic_metadata = generate_synthetic_sets(
        generator, per_class=n, n_sets=1, seed=int(params["seed"]), model_name="reader_study")
    if "is_lesion" not in synthetic_metadata or synthetic_metadata["is_lesion"].isna().any():
        raise StudyInputError(
            "the generator's classes do not say lesion or no lesion (class_attributes without is_lesion): "
            "the study needs a per-class or conditional lesion/no-lesion generator such as pggan"
        )
    real = _to_size(images[torch.as_tensor(real_index)], synthetic.shape[-1])
    study_images, key = select_study_items(
        real, real_metadata["is_lesion"].to_numpy(dtype=bool)[keep],
        synthetic, synthetic_metadata["is_lesion"].to_numpy(dtype=bool),
        n_per_group=n, seed=int(params["seed"]),
    )  # fmt: skip
    real_rows = key["origin"] == "real"
    key.loc[real_rows, "source_index"] = real_index[key.loc[real_rows, "source_index"].to_numpy()]
    logger.info("Reader study: %d images (%d per origin and class)", len(key), n)
    return {"images": study_images, "channels": channels}, key


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
