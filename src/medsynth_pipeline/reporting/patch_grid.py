"""Figures a researcher looks at to trust the data: sample patches per class and channel, registration checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")  # figures are written to files; never open a window (CI, servers)

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

TILE_INCHES = 0.9


def patch_class_names(is_lesion: Sequence[bool], clin_sig: Sequence[bool]) -> list[str]:
    """The classes a patch grid shows: ``ClinSig`` lesion, ``non-ClinSig`` lesion, ``background``."""
    return [
        ("ClinSig" if bool(sig) else "non-ClinSig") if bool(lesion) else "background"
        for lesion, sig in zip(is_lesion, clin_sig, strict=True)
    ]


def patch_mosaic(tiles: list[list[np.ndarray | None]], gap_px: int = 1) -> np.ndarray:
    """Rows of equally sized 2D tiles as one array; gaps and missing tiles are NaN (drawn as background)."""
    height, width = next(t.shape for row in tiles for t in row if t is not None)
    n_rows, n_cols = len(tiles), max(len(row) for row in tiles)
    mosaic = np.full((n_rows * (height + gap_px) - gap_px, n_cols * (width + gap_px) - gap_px), np.nan, np.float32)
    for r, row in enumerate(tiles):
        for c, tile in enumerate(row):
            if tile is not None:
                top, left = r * (height + gap_px), c * (width + gap_px)
                mosaic[top : top + height, left : left + width] = tile
    return mosaic


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
    comparable across tiles; the patches of one column are the same patch in every channel. The grid
    is one mosaic image (one axes), which keeps large grids quick to draw.
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[1] != len(channel_names):
        raise ValueError(f"patch grid: expected [N, {len(channel_names)}, H, W] images, got shape {images.shape}")
    if len(class_names) != len(images):
        raise ValueError(f"patch grid: {len(class_names)} class names for {len(images)} patches")
    if len(images) == 0:
        raise ValueError("patch grid: no patch to show")
    labels = np.asarray(class_names)
    classes = [c for c in class_order if c in set(labels)] + sorted(set(labels) - set(class_order))
    rng = np.random.default_rng(seed)
    tiles: list[list[np.ndarray | None]] = []
    row_labels = []
    for name in classes:
        members = np.flatnonzero(labels == name)
        picked = np.sort(rng.choice(members, size=min(int(per_class), len(members)), replace=False))
        for ch, channel in enumerate(channel_names):
            tiles.append([images[i, ch] for i in picked] + [None] * (int(per_class) - len(picked)))
            row_labels.append(f"{name} · {channel} (n={len(members)})")
    mosaic = patch_mosaic(tiles)
    height, width = images.shape[2:]
    fig, ax = plt.subplots(figsize=(2.4 + per_class * TILE_INCHES, 0.6 + len(tiles) * TILE_INCHES))
    cmap = plt.get_cmap("gray").with_extremes(bad="white")
    ax.imshow(mosaic, cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.set_yticks([r * (height + 1) + (height - 1) / 2 for r in range(len(tiles))], row_labels, fontsize=7)
    ax.set_xticks([])
    ax.tick_params(left=False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title or "Sample patches per class", fontsize=9)
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


def patch_location_figure(
    slice_image: np.ndarray, centre_px: tuple[float, float], box_px: float, patch: np.ndarray,
    channel_names: list[str], title: str,
) -> Figure:
    """001 Fig. 1 for any preset: the slice through a finding with the patch's box on it, then the patch's
    channels as the networks see them. ``slice_image`` [H, W] and ``patch`` [C, h, w] in [0, 1];
    ``centre_px`` (column, row) and ``box_px`` (side) in the slice's pixels."""
    fig = Figure(figsize=(3.2 + 1.6 * len(channel_names), 3.4))
    axes = fig.subplots(1, 1 + len(channel_names), gridspec_kw={"width_ratios": [2] + [1] * len(channel_names)})
    axes[0].imshow(slice_image, cmap="gray", vmin=0.0, vmax=1.0)
    x, y = centre_px
    axes[0].add_patch(Rectangle((x - box_px / 2, y - box_px / 2), box_px, box_px, fill=False, edgecolor="red",
                                linewidth=1.5))
    axes[0].set_title(title, fontsize=8)
    for ax, image, name in zip(axes[1:], patch, channel_names, strict=True):
        ax.imshow(image, cmap="gray", vmin=0.0, vmax=1.0)
        ax.set_title(name, fontsize=8)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig
