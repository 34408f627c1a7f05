"""Figures of the evaluation studies: ROC curves per condition, classifier learning curves, metrics with
confidence intervals, t-SNE of real / classically augmented / synthetic images per class (004 Fig. 6) and
the memorisation check's closest synthetic-real pairs. Each function returns a matplotlib Figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")  # figures are files; never open a window

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from sklearn.manifold import TSNE  # noqa: E402
from sklearn.metrics import roc_curve  # noqa: E402

from medsynth_pipeline.metrics.results import InsufficientData  # noqa: E402

CLASS_COLOURS = ("tab:blue", "tab:red")
MIN_TSNE_POINTS = 5  # below this t-SNE has no meaningful neighbourhood to preserve


def _colours(n: int) -> list:
    return [plt.get_cmap("tab10")(i % 10) for i in range(n)]


def roc_curves_figure(predictions: pd.DataFrame, title: str = "") -> Figure:
    """One ROC curve per condition and seed (``condition, seed, label, probability``), one colour per condition."""
    conditions = list(dict.fromkeys(predictions["condition"]))
    fig, ax = plt.subplots(figsize=(5.5, 5))
    for colour, condition in zip(_colours(len(conditions)), conditions, strict=True):
        for i, (_, run) in enumerate(predictions[predictions["condition"] == condition].groupby("seed")):
            if run["label"].nunique() < 2:
                continue
            fpr, tpr, _ = roc_curve(run["label"], run["probability"])
            ax.plot(fpr, tpr, color=colour, alpha=0.8, lw=1.2, label=condition if i == 0 else None)
    ax.plot([0, 1], [0, 1], color="grey", ls=":", lw=1)
    ax.set(xlabel="1 − specificity", ylabel="sensitivity", xlim=(0, 1), ylim=(0, 1.01),
           title=title or "ROC on the real test split (one line per seed)")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def learning_curves_figure(histories: pd.DataFrame, title: str = "") -> Figure:
    """Training and validation loss per epoch (``condition, seed, epoch, train_loss, val_loss``)."""
    conditions = list(dict.fromkeys(histories["condition"]))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for colour, condition in zip(_colours(len(conditions)), conditions, strict=True):
        for i, (_, run) in enumerate(histories[histories["condition"] == condition].groupby("seed")):
            ax.plot(run["epoch"], run["train_loss"], color=colour, lw=1, ls="--", alpha=0.7)
            ax.plot(run["epoch"], run["val_loss"], color=colour, lw=1.4, label=condition if i == 0 else None)
    ax.set(xlabel="epoch", ylabel="cross-entropy", title=title or "Classifier loss (dashed: training, solid: validation)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def metric_intervals_figure(summary: pd.DataFrame, metrics: Sequence[str], title: str = "") -> Figure:
    """Seed-mean of each metric per condition with its bootstrap CI (``condition, metric, mean, ci_low, ci_high``)."""
    conditions = list(dict.fromkeys(summary["condition"]))
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.2 * len(metrics), 0.5 * len(conditions) + 1.8), sharey=True)
    axes = np.atleast_1d(axes)
    indexed = summary.set_index(["condition", "metric"])
    for ax, metric in zip(axes, metrics, strict=True):
        for y, condition in enumerate(conditions):
            if (condition, metric) not in indexed.index:
                continue
            row = indexed.loc[(condition, metric)]
            ax.errorbar(row["mean"], y, xerr=[[row["mean"] - row["ci_low"]], [row["ci_high"] - row["mean"]]],
                        fmt="o", color="black", capsize=3)
        ax.set(title=metric, xlim=(-0.02, 1.02))
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(range(len(conditions)), conditions)
    axes[0].invert_yaxis()
    fig.suptitle(title or "Test metrics: mean over seeds, 95 % bootstrap CI")
    fig.tight_layout()
    return fig


def tsne_embedding(
    groups: Mapping[str, np.ndarray], perplexity: float = 100.0, max_iter: int = 1000, seed: int = 0
) -> dict[str, np.ndarray]:
    """One shared 2-D t-SNE of flattened images from several groups (004: perplexity 100, 1,000 iterations).

    The perplexity is capped below a third of the sample count, which t-SNE needs to be well defined.
    """
    names = [name for name, images in groups.items() if len(images)]
    if sum(len(groups[n]) for n in names) < MIN_TSNE_POINTS:
        raise InsufficientData(f"t-SNE needs at least {MIN_TSNE_POINTS} images, got {sum(len(groups[n]) for n in names)}")
    data = np.concatenate([np.asarray(groups[n], dtype=np.float32).reshape(len(groups[n]), -1) for n in names])
    perplexity = float(min(perplexity, max(2.0, (len(data) - 1) / 3.0)))
    embedded = TSNE(n_components=2, perplexity=perplexity, max_iter=max_iter, init="pca",
                    random_state=seed).fit_transform(data)
    out, start = {}, 0
    for name in names:
        out[name] = embedded[start : start + len(groups[name])]
        start += len(groups[name])
    return out


def tsne_figure(
    embedding: Mapping[str, np.ndarray], labels: Mapping[str, np.ndarray], class_names: Sequence[str],
    panels: Sequence[str], title: str = "",
) -> Figure:
    """004 Fig. 6: one panel per image source (e.g. real / classical / GAN) in the shared embedding, coloured by class.

    Every panel shows all points in light grey so the panels can be compared position by position.
    """
    everything = np.concatenate(list(embedding.values()))
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 4.4), sharex=True, sharey=True)
    axes = np.atleast_1d(axes)
    for ax, panel in zip(axes, panels, strict=True):
        ax.scatter(everything[:, 0], everything[:, 1], s=4, color="lightgrey")
        if panel in embedding:
            for label, name in enumerate(class_names):
                points = embedding[panel][np.asarray(labels[panel]) == label]
                ax.scatter(points[:, 0], points[:, 1], s=7, color=CLASS_COLOURS[label % 2], label=name)
            ax.set_title(f"{panel} (n={len(embedding[panel])})")
        else:
            ax.set_title(f"{panel}: not available")
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0].legend(fontsize=8, loc="best")
    fig.suptitle(title or "t-SNE of images")
    fig.tight_layout()
    return fig


def memorisation_pairs_figure(
    synthetic: np.ndarray, real: np.ndarray, pairs: pd.DataFrame, threshold: float, n_pairs: int = 8, channel: int = 0
) -> Figure:
    """The ``n_pairs`` closest synthetic/real pairs: synthetic on top, its nearest real training image below.

    ``pairs`` is ``MemorisationResult.pairs`` (sorted by distance); near copies are titled in red.
    """
    synthetic, real = np.asarray(synthetic), np.asarray(real)
    shown = pairs.sort_values("distance").head(n_pairs)
    fig, axes = plt.subplots(2, max(len(shown), 1), figsize=(1.6 * max(len(shown), 1), 3.8), squeeze=False)
    for column, row in enumerate(shown.itertuples(index=False)):
        top, bottom = axes[0, column], axes[1, column]
        top.imshow(synthetic[row.synthetic_index, channel], cmap="gray", vmin=0, vmax=1)
        bottom.imshow(real[row.nearest_real_index, channel], cmap="gray", vmin=0, vmax=1)
        top.set_title(f"RMS {row.distance:.3f}", fontsize=8, color="red" if row.near_copy else "black")
        bottom.set_title(str(row.nearest_patient_id), fontsize=7)
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0, 0].set_ylabel("synthetic")
    axes[1, 0].set_ylabel("nearest real")
    fig.suptitle(f"Closest synthetic–real training pairs (near copy: RMS ≤ {threshold:.3f}, in red)", fontsize=9)
    fig.tight_layout()
    return fig


def distance_histogram_figure(synthetic_distances: np.ndarray, reference_distances: np.ndarray, threshold: float) -> Figure:
    """Nearest-real-neighbour distances of synthetic images against the real-vs-real reference."""
    fig, ax = plt.subplots(figsize=(6, 3.8))
    bins = np.linspace(0, max(np.max(synthetic_distances), np.max(reference_distances)) * 1.05, 40)
    ax.hist(reference_distances, bins=bins, alpha=0.6, density=True, label="real → real (other patient)")
    ax.hist(synthetic_distances, bins=bins, alpha=0.6, density=True, label="synthetic → real training")
    ax.axvline(threshold, color="red", ls="--", label="near-copy threshold")
    ax.set(xlabel="RMS pixel distance to nearest real training image", ylabel="density")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


VERDICT_COLOURS = {"helps": "tab:green", "hurts": "tab:red"}  # anything else: undecided, grey


def paired_differences_figure(comparisons: pd.DataFrame, metric: str = "roc_auc", title: str = "") -> Figure:
    """A forest plot: one row per study, model and comparison, the paired difference of ``metric`` with its
    95 % CI, coloured by the verdict; the vertical line is "no difference"."""
    rows = comparisons[comparisons["metric"] == metric].reset_index(drop=True)
    if rows.empty:
        raise InsufficientData(f"no paired comparison of {metric}")
    labels = [f"{r.study} · {r.model}: {r.condition} vs {r.baseline}" for r in rows.itertuples()]
    fig, ax = plt.subplots(figsize=(8.5, 0.38 * len(rows) + 1.4))
    y = np.arange(len(rows))[::-1]
    for yi, r in zip(y, rows.itertuples(), strict=True):
        colour = VERDICT_COLOURS.get(r.verdict, "tab:grey")
        ax.errorbar(r.difference, yi, xerr=[[r.difference - r.ci_low], [r.ci_high - r.difference]], fmt="o",
                    color=colour, capsize=3)
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel(f"Δ {metric.replace('_', ' ')} (paired, 95 % patient-bootstrap CI)")
    ax.set_title(title or "Paired differences: green helps, red hurts, grey no detectable difference", fontsize=9)
    fig.tight_layout()
    return fig
