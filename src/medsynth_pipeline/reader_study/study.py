"""Selecting the blinded image set of a Visual Turing Test (seed 004, Sect. 3.4).

004 showed one physician, in random order, 50 real tumour, 50 real non-tumour, 50 synthetic tumour and
50 synthetic non-tumour images. Here a study is a tensor of the chosen images plus a key table that says,
for each position, where the image came from; the key never leaves the server.
"""

from __future__ import annotations

import hashlib
import io

import numpy as np
import pandas as pd
import torch

ORIGINS = ("real", "synthetic")
KEY_COLUMNS = ["item_id", "origin", "is_lesion", "source_index"]


class StudyInputError(ValueError):
    """The images given to a study do not follow the patch contract."""


def _check_images(name: str, images: torch.Tensor, labels: np.ndarray) -> None:
    if not isinstance(images, torch.Tensor) or images.ndim != 4:
        shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
        raise StudyInputError(f"{name}: expected a float tensor [N, C, H, W], got {shape}")
    if len(labels) != images.shape[0]:
        raise StudyInputError(f"{name}: {images.shape[0]} images but {len(labels)} lesion labels")
    if images.numel() and (float(images.min()) < 0.0 or float(images.max()) > 1.0):
        raise StudyInputError(
            f"{name}: intensities must lie in [0, 1] (patch contract), got "
            f"[{float(images.min()):.3g}, {float(images.max()):.3g}]"
        )


def select_study_items(
    real_images: torch.Tensor,
    real_is_lesion: np.ndarray,
    synthetic_images: torch.Tensor,
    synthetic_is_lesion: np.ndarray,
    n_per_group: int,
    seed: int,
) -> tuple[torch.Tensor, pd.DataFrame]:
    """Draws ``n_per_group`` images of each (origin, lesion) group and shuffles them into one study.

    Returns the study images ``[4 * n_per_group, C, H, W]`` (float32, [0, 1]) and the key: one row per
    image with ``item_id`` (its position), ``origin`` (``real``/``synthetic``), ``is_lesion`` and
    ``source_index`` (row in the source tensor). Real and synthetic sets must have the same channels and
    size, so that nothing but content tells them apart.
    """
    sources = {
        "real": (real_images, np.asarray(real_is_lesion, dtype=bool)),
        "synthetic": (synthetic_images, np.asarray(synthetic_is_lesion, dtype=bool)),
    }
    for origin, (images, labels) in sources.items():
        _check_images(f"{origin} images", images, labels)
    if tuple(real_images.shape[1:]) != tuple(synthetic_images.shape[1:]):
        raise StudyInputError(
            f"real images are {tuple(real_images.shape[1:])} but synthetic images are "
            f"{tuple(synthetic_images.shape[1:])}: a reader could tell them apart by size"
        )
    if n_per_group < 1:
        raise StudyInputError(f"n_per_group must be at least 1, got {n_per_group}")

    rng = np.random.default_rng(seed)
    rows, picked = [], []
    for origin, (images, labels) in sources.items():
        for is_lesion in (True, False):
            candidates = np.flatnonzero(labels == is_lesion)
            if len(candidates) < n_per_group:
                kind = "lesion" if is_lesion else "no-lesion"
                raise StudyInputError(
                    f"{origin} {kind} images: {len(candidates)} available, {n_per_group} needed "
                    f"(lower reader_study.n_per_group or provide more images)"
                )
            chosen = np.sort(rng.choice(candidates, size=n_per_group, replace=False))
            picked.append(images[torch.as_tensor(chosen)].to(torch.float32))
            rows += [{"origin": origin, "is_lesion": is_lesion, "source_index": int(i)} for i in chosen]

    order = rng.permutation(len(rows))
    study_images = torch.cat(picked)[torch.as_tensor(order)].contiguous()
    key = pd.DataFrame([rows[i] for i in order])
    key.insert(0, "item_id", np.arange(len(key), dtype=np.int64))
    return study_images, key[KEY_COLUMNS]


def study_fingerprint(images: torch.Tensor, key: pd.DataFrame) -> str:
    """SHA-256 over the images and the key: ties a database of answers to the study it was made for."""
    digest = hashlib.sha256()
    digest.update(images.detach().cpu().to(torch.float32).contiguous().numpy().tobytes())
    digest.update(str(tuple(images.shape)).encode())
    buffer = io.StringIO()
    key[KEY_COLUMNS].to_csv(buffer, index=False)
    digest.update(buffer.getvalue().encode())
    return digest.hexdigest()


def validate_key(key: pd.DataFrame, n_images: int, source: str = "study key") -> None:
    """Raises ``StudyInputError`` unless ``key`` describes exactly ``n_images`` items."""
    missing = [c for c in KEY_COLUMNS if c not in key.columns]
    if missing:
        raise StudyInputError(f"{source}: missing columns {missing}")
    if sorted(key["item_id"].tolist()) != list(range(n_images)):
        raise StudyInputError(f"{source}: item_id must be 0..{n_images - 1}, one row per study image")
    bad = set(key["origin"]) - set(ORIGINS)
    if bad:
        raise StudyInputError(f"{source}: unknown origin values {sorted(bad)}")
