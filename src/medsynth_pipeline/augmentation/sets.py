"""Training sets made for the studies: class-balanced synthetic sets from a generator artifact, and classically
augmented copies of real patches, each with a metadata row per image."""

from __future__ import annotations

from typing import Any

import pandas as pd
import torch

from medsynth_pipeline.augmentation.classical import ClassicalAugmentation, augment_images
from medsynth_pipeline.augmentation.synthetic import generate_synthetic_sets
from medsynth_pipeline.training.runtime import select_device


def make_synthetic_sets(generator: dict[str, Any], params: dict[str, Any]) -> tuple[dict[str, Any], pd.DataFrame]:
    """``sets`` class-balanced synthetic sets (``per_class`` images per class each, seeds ``seed + i``).

    The payload carries the generator's ``training_patients`` (``None`` when the artifact does not say).

    Images ``{"images": [N, C, H, W] in [0, 1], "channels", "spacing_mm", "source_model", "label_column"}``
    like the patches; metadata marks every row ``is_synthetic`` with its set, seed and class attributes.
    """
    images, metadata = generate_synthetic_sets(
        generator,
        per_class=int(params["per_class"]),
        n_sets=int(params["sets"]),
        seed=int(params["seed"]),
        batch_size=int(params["batch_size"]),
        device=select_device(params.get("device", "auto")),
        model_name=generator.get("model", ""),
    )
    payload = {"images": images, "channels": generator.get("channels") or [], "spacing_mm": generator.get("spacing_mm"),
               "source_model": generator.get("model", ""), "label_column": generator.get("label_column"),
               # who the generator learnt from: the studies refuse its images for a fold testing one of them
               "training_patients": generator.get("training_patients")}
    return payload, metadata


def make_classical_set(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, params: dict[str, Any]
) -> tuple[dict[str, Any], pd.DataFrame]:
    """``copies`` classically augmented versions of every patch of ``split`` (004's classical condition).

    Metadata: the source row's columns plus ``source_index`` (row in the patches), ``copy`` and
    ``augmentation`` ("classical"); ``is_synthetic`` is False (a transformed real image).
    """
    rows = patch_metadata.reset_index(drop=True)
    keep = rows.index[rows["split"] == params["split"]] if params.get("split") else rows.index
    if len(keep) == 0:
        raise ValueError(f"classical augmentation: no patch in split {params.get('split')!r}")
    source_images = patches["images"][torch.tensor(keep.to_numpy(), dtype=torch.long)]
    images, source = augment_images(source_images, ClassicalAugmentation.from_params(params["transform"]),
                                    int(params["copies"]), int(params["seed"]))
    metadata = rows.loc[keep[source]].reset_index(drop=False).rename(columns={"index": "source_index"})
    metadata["copy"] = [i // len(keep) for i in range(len(metadata))]
    metadata["augmentation"] = "classical"
    metadata["is_synthetic"] = False
    payload = {"images": images, "channels": list(patches.get("channels") or []), "spacing_mm": patches.get("spacing_mm")}
    return payload, metadata
