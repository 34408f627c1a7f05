"""Confusion-matrix figure of a Visual Turing Test (one row of two matrices per reader)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.metrics import ConfusionMatrixDisplay


def confusion_figure(table: pd.DataFrame) -> Figure:
    """Both 2 × 2 matrices of every row of ``visual_turing_table`` as annotated heat maps."""
    if table.empty:
        raise ValueError("no reader answers to plot")
    fig = Figure(figsize=(8, 3.6 * len(table)), layout="constrained")
    axes = np.atleast_2d(fig.subplots(len(table), 2, squeeze=False))
    for row, (ax_rs, ax_ln) in zip(table.itertuples(index=False), axes, strict=True):
        real_synthetic = np.array([[row.real_as_real, row.real_as_synthetic],
                                   [row.synthetic_as_real, row.synthetic_as_synthetic]])
        lesion = np.array([[row.lesion_as_lesion, row.lesion_as_no_lesion],
                           [row.no_lesion_as_lesion, row.no_lesion_as_no_lesion]])
        ConfusionMatrixDisplay(real_synthetic, display_labels=["real", "synthetic"]).plot(
            ax=ax_rs, colorbar=False, cmap="Blues")
        ConfusionMatrixDisplay(lesion, display_labels=["lesion", "no lesion"]).plot(
            ax=ax_ln, colorbar=False, cmap="Greens")
        ax_rs.set_title(f"{row.reader}: real/synthetic, accuracy {row.real_synthetic_accuracy:.1%}")
        ax_ln.set_title(f"{row.reader}: lesion, accuracy {row.lesion_accuracy:.1%}")
        for ax in (ax_rs, ax_ln):
            ax.set_xlabel("reader's answer")
            ax.set_ylabel("truth")
    return fig
