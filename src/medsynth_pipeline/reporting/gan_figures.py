"""Figures of GAN training: the papers' progress grid, loss curves, real vs synthetic, latent interpolation.

All images are given in [0, 1] as [N, C, H, W] arrays/tensors; every function returns a matplotlib Figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

# Figures are built with matplotlib.figure.Figure, not pyplot: no backend or window is involved and no
# figure stays registered in pyplot's global state (the pipelines save them through MatplotlibDataset).


def _np(images: object) -> np.ndarray:
    array = images.detach().cpu().numpy() if hasattr(images, "detach") else np.asarray(images)
    if array.ndim != 4:
        raise ValueError(f"expected [N, C, H, W] images, got shape {array.shape}")
    return array


def _show(ax: Axes, image: np.ndarray | None, title: str | None = None) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    if image is not None:
        ax.imshow(image, cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
    else:
        ax.set_facecolor("0.85")
    if title:
        ax.set_title(title, fontsize=8)


def progress_grid_figure(
    snapshots: Mapping[int, object],
    real: object | None,
    row_names: Sequence[str],
    epochs_per_iteration: float,
    channel: int = 0,
    channel_name: str = "",
) -> Figure:
    """ProstateGAN Fig. 2: one column per training milestone (same fixed noise in every column), one row
    per class (or fixed latent), real images of the row's class in the last column.

    Args:
        snapshots: iteration → [rows, C, H, W] images generated from the fixed noise.
        real: [rows, C, H, W] real images (one per row) or None; a row without a real image stays grey.
        row_names: one label per row (e.g. "Gleason 7").
        epochs_per_iteration: to label columns in epochs.
    """
    its = sorted(snapshots)
    if not its:
        raise ValueError("no snapshots to draw: set snapshot fractions/iterations in the trainer settings")
    grids = [_np(snapshots[i]) for i in its]
    rows = grids[0].shape[0]
    real_np = None if real is None else _np(real)
    cols = len(its) + (1 if real_np is not None else 0)
    fig = Figure(figsize=(1.2 * cols + 1.0, 1.2 * rows + 0.6))
    axes = fig.subplots(rows, cols, squeeze=False)
    for r in range(rows):
        for c, (it, grid) in enumerate(zip(its, grids, strict=True)):
            _show(axes[r, c], grid[r, channel], f"epoch {it * epochs_per_iteration:.3g}" if r == 0 else None)
        if real_np is not None:
            _show(axes[r, -1], real_np[r, channel] if r < len(real_np) else None, "real" if r == 0 else None)
            for spine in axes[r, -1].spines.values():
                spine.set_edgecolor("red")
                spine.set_linewidth(1.5)
        axes[r, 0].set_ylabel(row_names[r] if r < len(row_names) else "", fontsize=8)
    fig.suptitle(f"Fixed-noise samples during training{f' ({channel_name})' if channel_name else ''}", fontsize=10)
    fig.tight_layout()
    return fig


def loss_curves_figure(history: pd.DataFrame, title: str = "", smooth: int = 25) -> Figure:
    """G and D losses (raw and running mean over ``smooth`` iterations) and D(x), D(G(z)) per iteration."""
    if history.empty:
        raise ValueError("empty training history")
    window = max(1, min(smooth, len(history) // 5 or 1))
    score_cols = [c for c in ("D_x", "D_G_z") if c in history]
    fig = Figure(figsize=(11 if score_cols else 6, 3.6))
    axes = fig.subplots(1, 2 if score_cols else 1, squeeze=False)
    ax = axes[0, 0]
    for column, color in (("loss_D", "tab:blue"), ("loss_G", "tab:orange")):
        if column in history:
            ax.plot(history["iteration"], history[column], color=color, alpha=0.25, linewidth=0.7)
            ax.plot(history["iteration"], history[column].rolling(window, min_periods=1).mean(), color=color,
                    label=column.replace("loss_", "") + " loss")
    ax.set_xlabel("iteration")
    ax.set_ylabel("loss")
    ax.legend()
    ax.set_title("Generator vs discriminator loss")
    if score_cols:
        ax = axes[0, 1]
        for column in score_cols:
            ax.plot(history["iteration"], history[column].rolling(window, min_periods=1).mean(),
                    label={"D_x": "D(x)", "D_G_z": "D(G(z))"}[column])
        ax.set_xlabel("iteration")
        ax.set_title("Discriminator outputs (running mean)")
        ax.legend()
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def loss_milestones_figure(history: pd.DataFrame, milestones: Sequence[int], title: str = "",
                           smooth: int = 25) -> Figure:
    """003 Fig. 2: one panel per milestone iteration, the G and D losses from the start up to it (running
    mean over ``smooth`` iterations), titled by the epoch it reaches."""
    if history.empty or not milestones:
        raise ValueError("loss milestones need a training history and at least one milestone")
    fig = Figure(figsize=(3.4 * len(milestones), 3.2))
    axes = fig.subplots(1, len(milestones), squeeze=False)[0]
    for k, (ax, milestone) in enumerate(zip(axes, milestones, strict=True)):
        part = history[history["iteration"] <= milestone]
        window = max(1, min(smooth, len(part) // 5 or 1))
        for column, color in (("loss_D", "tab:blue"), ("loss_G", "tab:orange")):
            if column in part:
                ax.plot(part["iteration"], part[column].rolling(window, min_periods=1).mean(), color=color,
                        label=column.replace("loss_", "") + " loss")
        epoch = float(part["epoch"].iloc[-1]) if "epoch" in part and len(part) else float("nan")
        ax.set_title(f"({chr(ord('a') + k)}) to epoch {epoch:,.0f}", fontsize=9)
        ax.set_xlabel("iteration")
        if k == 0:
            ax.set_ylabel("loss")
            ax.legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def real_vs_synthetic_figure(real: object, synthetic: object, channel_names: Sequence[str], per_side: int = 16) -> Figure:
    """Kitchen & Seah Fig. 4: for each channel, a block of real patches beside a block of synthetic ones."""
    real_np, syn_np = _np(real)[:per_side], _np(synthetic)[:per_side]
    side = int(np.ceil(np.sqrt(max(len(real_np), len(syn_np)))))
    channels = real_np.shape[1]
    fig = Figure(figsize=(2 * side * 0.9 + 1, channels * side * 0.9 + 0.6))
    axes = fig.subplots(channels, 2, squeeze=False)
    for ch in range(channels):
        for col, (images, label) in enumerate(((real_np, "real"), (syn_np, "synthetic"))):
            mosaic = np.full((side * images.shape[2], side * images.shape[3]), np.nan)
            for k, image in enumerate(images):
                r, c = divmod(k, side)
                mosaic[r * image.shape[1] : (r + 1) * image.shape[1], c * image.shape[2] : (c + 1) * image.shape[2]] = image[ch]
            name = channel_names[ch] if ch < len(channel_names) else f"channel {ch}"
            _show(axes[ch, col], mosaic, f"{label} — {name}")
    fig.tight_layout()
    return fig


def interpolation_figure(paths: Mapping[str, object], channel_names: Sequence[str]) -> Figure:
    """Kitchen & Seah Fig. 5: images along latent paths (e.g. ``{"linear": [...], "spherical": [...]}``),
    one row per path and channel."""
    arrays = {name: _np(images) for name, images in paths.items()}
    steps = max(a.shape[0] for a in arrays.values())
    channels = next(iter(arrays.values())).shape[1]
    rows = len(arrays) * channels
    fig = Figure(figsize=(1.1 * steps + 1.2, 1.15 * rows + 0.5))
    axes = fig.subplots(rows, steps, squeeze=False)
    r = 0
    for name, images in arrays.items():
        for ch in range(channels):
            for s in range(steps):
                _show(axes[r, s], images[s, ch] if s < len(images) else None)
            cname = channel_names[ch] if ch < len(channel_names) else f"c{ch}"
            axes[r, 0].set_ylabel(f"{name}\n{cname}", fontsize=8)
            r += 1
    fig.suptitle("Interpolation in Z space", fontsize=10)
    fig.tight_layout()
    return fig


def synthetic_samples_figure(images: object, row_labels: Sequence[str], per_row: int = 8, channel: int = 0) -> Figure:
    """A few synthetic images per class (rows in the order of ``row_labels``, images grouped by row)."""
    array = _np(images)
    rows = len(row_labels)
    per = array.shape[0] // max(rows, 1)
    fig = Figure(figsize=(1.1 * per_row + 1.2, 1.15 * rows + 0.4))
    axes = fig.subplots(rows, per_row, squeeze=False)
    for r in range(rows):
        for c in range(per_row):
            k = r * per + c
            _show(axes[r, c], array[k, channel] if c < per and k < len(array) else None)
        axes[r, 0].set_ylabel(row_labels[r], fontsize=8)
    fig.tight_layout()
    return fig
