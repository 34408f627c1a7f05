"""Figures a researcher looks at to trust the data: sample patches per class and channel, registration checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")  # figures are written to files; never open a window (CI, servers)

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

TILE_INCHES = 0.9


def patch_class_names(is_lesion: Sequence[bool], clin_sig: Sequence[bool]) -> list[str]:
    """The classes a patch grid shows: ``ClinSig`` lesion, ``non-ClinSig`` lesion, ``background``."""
    return [
        ("ClinSig" if bool(sig) else "non-ClinSig") if bool(lesion) else "background"
        for lesion, sig in zip(is_lesion, clin_sig, strict=True)
    ]


def patch_grid_figure(
    images: np.ndarray,
    class_names: Sequence[str],
    channel_names: Sequence[str],
    per_class: int,
    seed: int,
    title: str = "",
    class_order: Sequence[str] = ("ClinSig", "non-ClinSig", "background"),
) -> Figure:
    """A grid with one row per (class, channel) and ``per_class`` randomly drawn patches as columns.

    ``images`` is ``[N, C, H, W]`` in [0, 1], shown on a fixed [0, 1] grey scale so brightness is
    comparable across tiles. A class without patches gets a row that says so.
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[1] != len(channel_names):
        raise ValueError(f"patch grid: expected [N, {len(channel_names)}, H, W] images, got shape {images.shape}")
    if len(class_names) != len(images):
        raise ValueError(f"patch grid: {len(class_names)} class names for {len(images)} patches")
    labels = np.asarray(class_names)
    classes = [c for c in class_order if c in set(labels)] + sorted(set(labels) - set(class_order))
    classes = classes or ["(no patches)"]
    rng = np.random.default_rng(seed)
    n_rows, n_cols = len(classes) * len(channel_names), max(int(per_class), 1)
    fig, axes = plt.subplots(
        n_rows, n_cols, figsize=(1.6 + n_cols * TILE_INCHES, 0.5 + n_rows * TILE_INCHES), squeeze=False
    )
    for ci, name in enumerate(classes):
        members = np.flatnonzero(labels == name)
        picked = np.sort(rng.choice(members, size=min(n_cols, len(members)), replace=False)) if len(members) else []
        for ch, channel in enumerate(channel_names):
            row = ci * len(channel_names) + ch
            for col in range(n_cols):
                ax = axes[row, col]
                ax.set_xticks([])
                ax.set_yticks([])
                if col < len(picked):
                    ax.imshow(images[picked[col], ch], cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
                else:
                    ax.set_frame_on(False)
            axes[row, 0].set_ylabel(f"{name}\n{channel} (n={len(members)})", fontsize=7, rotation=0, ha="right", va="center")
    fig.suptitle(title or "Sample patches per class", fontsize=9)
    fig.tight_layout()
    return fig


def checkerboard(a: np.ndarray, b: np.ndarray, square_px: int) -> np.ndarray:
    """Alternate squares of two same-shaped images: misalignment shows as broken edges at square borders."""
    if a.shape != b.shape:
        raise ValueError(f"checkerboard: shapes differ {a.shape} vs {b.shape}")
    yy, xx = np.indices(a.shape)
    mask = ((yy // square_px) + (xx // square_px)) % 2 == 0
    return np.where(mask, a, b)


def registration_check_figure(
    slices: Mapping[str, Mapping[str, np.ndarray]],
    fixed_kind: str,
    square_px: int,
    title: str = "",
) -> Figure:
    """Per patient (row): each sequence's central slice, then a checkerboard of the fixed with every moving one.

    ``slices[patient][kind]`` are 2D arrays already scaled to [0, 1].
    """
    if not slices:
        raise ValueError("registration check: no patient to show")
    patients = list(slices)
    kinds = [fixed_kind] + sorted(k for k in next(iter(slices.values())) if k != fixed_kind)
    columns = kinds + [f"{fixed_kind}|{k}" for k in kinds[1:]]
    fig, axes = plt.subplots(
        len(patients), len(columns), figsize=(1.2 + 1.6 * len(columns), 0.6 + 1.6 * len(patients)), squeeze=False
    )
    for r, patient in enumerate(patients):
        for c, column in enumerate(columns):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            if "|" in column:
                fixed, moving = column.split("|")
                image = checkerboard(slices[patient][fixed], slices[patient][moving], square_px)
            else:
                image = slices[patient][column]
            ax.imshow(image, cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
            if r == 0:
                ax.set_title(column.replace("|", " / "), fontsize=8)
        axes[r, 0].set_ylabel(patient, fontsize=8)
    fig.suptitle(title or "Registration check (central slice)", fontsize=9)
    fig.tight_layout()
    return fig
