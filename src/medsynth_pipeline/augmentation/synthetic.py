"""Class-balanced synthetic sets from a trained generator artifact (see ``models.latent``).

A conditional generator gives ``per_class`` images of every class it was trained on; an unconditional one
is a per-class generator (trained on one class's patches) and gives ``per_class`` images of that class.
Each of ``n_sets`` sets is drawn with its own seed (002 reports means ± std over 5 sets). Images are mapped
back to the patches' [0, 1] range; metadata rows carry the class attributes the generator was trained on.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pandas as pd
import torch

from medsynth_pipeline.models.latent import load_generator
from medsynth_pipeline.training.selection import ATTRIBUTE_COLUMNS, from_range

logger = logging.getLogger(__name__)


def _classes(artifact: dict[str, Any]) -> list[tuple[int | None, dict[str, Any]]]:
    """(class index for G or None, attributes of the images) for every class to generate."""
    attributes = artifact.get("class_attributes") or [{}]
    if artifact.get("num_classes", 0):
        return list(enumerate(attributes))
    return [(None, attributes[0])]


@torch.no_grad()
def generate_synthetic_sets(
    artifact: dict[str, Any],
    per_class: int,
    n_sets: int,
    seed: int,
    batch_size: int = 256,
    device: str | torch.device = "cpu",
    model_name: str = "",
) -> tuple[torch.Tensor, pd.DataFrame]:
    """``n_sets`` × classes × ``per_class`` images in [0, 1] and one metadata row per image.

    Metadata columns: ``set_index, seed, class_index, is_synthetic`` (True), ``source_model``, ``split``
    ("synthetic") and the patch-metadata label columns the generator's classes define (others <NA>).
    """
    if per_class < 1 or n_sets < 1:
        raise ValueError(f"per_class and n_sets must be >= 1 (got {per_class}, {n_sets})")
    generator = load_generator(artifact, device)
    output_range = artifact.get("output_range", generator.output_range)
    classes = _classes(artifact)
    chunks: list[torch.Tensor] = []
    rows: list[dict[str, Any]] = []
    start = time.perf_counter()
    for set_index in range(n_sets):
        set_seed = seed + set_index
        rng = torch.Generator().manual_seed(set_seed)
        for class_index, attributes in classes:
            for offset in range(0, per_class, batch_size):
                n = min(batch_size, per_class - offset)
                labels = None if class_index is None else torch.full((n,), class_index, dtype=torch.long)
                images = generator.generate(n, labels, generator=rng).float().cpu()
                chunks.append(from_range(images, output_range))
            rows.extend(
                {"set_index": set_index, "seed": set_seed, "class_index": -1 if class_index is None else class_index,
                 **{c: attributes.get(c) for c in ATTRIBUTE_COLUMNS}, **attributes}
                for _ in range(per_class)
            )
    images = torch.cat(chunks)
    seconds = time.perf_counter() - start
    logger.info("%s: %d synthetic images (%d sets × %d classes × %d) in %.1f s (%.0f img/s)", model_name or "generator",
                len(images), n_sets, len(classes), per_class, seconds, len(images) / max(seconds, 1e-9))
    metadata = pd.DataFrame(rows)
    metadata.insert(0, "source_model", model_name)
    metadata["is_synthetic"] = True
    metadata["split"] = "synthetic"
    return images, metadata
