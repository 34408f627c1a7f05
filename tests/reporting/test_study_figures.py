"""Study figures draw what they are given (curves per condition and seed, panels per source, pairs)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from medsynth_pipeline.reporting.study_figures import (
    distance_histogram_figure,
    learning_curves_figure,
    memorisation_pairs_figure,
    metric_intervals_figure,
    roc_curves_figure,
    tsne_embedding,
    tsne_figure,
)


def _predictions() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frames = []
    for condition in ("real", "real + GAN"):
        for seed in (0, 1):
            labels = np.tile([0, 1], 10)
            frames.append(pd.DataFrame({"condition": condition, "seed": seed, "label": labels,
                                        "probability": np.clip(labels * 0.6 + rng.uniform(0, 0.4, 20), 0, 1)}))
    return pd.concat(frames, ignore_index=True)


def test_roc_has_one_line_per_condition_and_seed() -> None:
    fig = roc_curves_figure(_predictions())
    ax = fig.axes[0]
    assert len(ax.lines) == 4 + 1  # 2 conditions x 2 seeds + the chance diagonal
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["real", "real + GAN"]


def test_learning_curves_and_intervals() -> None:
    history = pd.DataFrame({"condition": "real", "seed": 0, "epoch": [1, 2, 3], "train_loss": [0.7, 0.5, 0.4],
                            "val_loss": [0.7, 0.6, 0.65]})
    assert len(learning_curves_figure(history).axes[0].lines) == 2
    summary = pd.DataFrame({"condition": ["real", "real"], "metric": ["accuracy", "roc_auc"], "mean": [0.8, 0.9],
                            "ci_low": [0.7, 0.85], "ci_high": [0.9, 0.95]})
    fig = metric_intervals_figure(summary, ["accuracy", "roc_auc"])
    assert [ax.get_title() for ax in fig.axes] == ["accuracy", "roc_auc"]


def test_tsne_panels_share_one_embedding() -> None:
    rng = np.random.default_rng(1)
    groups = {"real": rng.uniform(size=(20, 1, 4, 4)), "classical": rng.uniform(size=(20, 1, 4, 4)),
              "GAN": rng.uniform(size=(0, 1, 4, 4))}
    embedding = tsne_embedding(groups, perplexity=100, max_iter=250)
    assert set(embedding) == {"real", "classical"} and embedding["real"].shape == (20, 2)
    labels = {name: np.tile([0, 1], 10) for name in embedding}
    fig = tsne_figure(embedding, labels, ["non-CS", "CS"], panels=["real", "classical", "GAN"])
    assert [ax.get_title() for ax in fig.axes] == ["real (n=20)", "classical (n=20)", "GAN: not available"]


def test_memorisation_pairs_shows_the_closest_first() -> None:
    synthetic, real = np.random.default_rng(2).uniform(size=(2, 5, 1, 4, 4))
    pairs = pd.DataFrame({"synthetic_index": [3, 1, 0], "nearest_real_index": [2, 4, 0],
                          "nearest_patient_id": ["P1", "P2", "P3"], "distance": [0.2, 0.0, 0.1],
                          "near_copy": [False, True, False]})
    fig = memorisation_pairs_figure(synthetic, real, pairs, threshold=0.05, n_pairs=2)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:2] == ["RMS 0.000", "RMS 0.100"] and titles[2:] == ["P2", "P3"]
    assert fig.axes[0].title.get_color() == "red"
    hist = distance_histogram_figure(np.array([0.1, 0.2]), np.array([0.15, 0.3]), 0.12)
    assert len(hist.axes[0].patches) == 2 * 39
