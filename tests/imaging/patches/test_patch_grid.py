"""Patch grids and registration checks: what they draw, and refusal of inconsistent input."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from medsynth_pipeline.reporting.patch_grid import (
    checkerboard,
    patch_class_names,
    patch_grid_figure,
    patch_mosaic,
    registration_check_figure,
)


def test_class_names():
    assert patch_class_names([True, True, False], [True, False, False]) == ["ClinSig", "non-ClinSig", "background"]


def test_grid_has_a_row_per_class_and_channel_and_draws_real_patches():
    rng = np.random.default_rng(0)
    images = rng.uniform(size=(7, 2, 16, 16)).astype(np.float32)
    classes = ["background"] * 5 + ["ClinSig"] * 2
    fig = patch_grid_figure(images, classes, ["ADC", "T2W"], per_class=3, seed=0)
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["ClinSig · ADC (n=2)", "ClinSig · T2W (n=2)", "background · ADC (n=5)", "background · T2W (n=5)"]
    mosaic = np.ma.filled(ax.images[0].get_array(), np.nan)
    assert mosaic.shape == (4 * 17 - 1, 3 * 17 - 1)
    first_clinsig_t2w = mosaic[17:33, 0:16]
    assert any(np.allclose(first_clinsig_t2w, images[i, 1]) for i in (5, 6))  # a real ClinSig T2W patch
    assert np.isnan(mosaic[0:16, 34:50]).all()  # only two ClinSig patches: the third tile is empty
    columns = [mosaic[0:16, c * 17 : c * 17 + 16] for c in range(2)]
    shown = [i for i in (5, 6) for col in columns if np.allclose(col, images[i, 0])]
    assert sorted(shown) == [5, 6]  # both ClinSig patches, each once
    plt.close(fig)


def test_mosaic_places_tiles_and_gaps():
    mosaic = patch_mosaic([[np.zeros((2, 2)), np.ones((2, 2))], [None, np.full((2, 2), 0.5)]])
    assert mosaic.shape == (5, 5)
    assert np.isnan(mosaic[2]).all() and np.isnan(mosaic[:, 2]).all()  # one-pixel gaps
    assert mosaic[0, 3] == 1.0 and np.isnan(mosaic[3, 0]) and mosaic[4, 4] == 0.5


def test_grid_rejects_inconsistent_input():
    with pytest.raises(ValueError, match=r"expected \[N, 2, H, W\]"):
        patch_grid_figure(np.zeros((3, 1, 8, 8)), ["background"] * 3, ["ADC", "T2W"], 2, 0)
    with pytest.raises(ValueError, match="2 class names for 3 patches"):
        patch_grid_figure(np.zeros((3, 1, 8, 8)), ["background"] * 2, ["ADC"], 2, 0)
    with pytest.raises(ValueError, match="no patch"):
        patch_grid_figure(np.zeros((0, 1, 8, 8)), [], ["ADC"], 2, 0)


def test_checkerboard_alternates_squares():
    board = checkerboard(np.zeros((8, 8)), np.ones((8, 8)), 4)
    assert board[0, 0] == 0 and board[0, 4] == 1 and board[4, 4] == 0
    with pytest.raises(ValueError):
        checkerboard(np.zeros((8, 8)), np.zeros((4, 4)), 2)


def test_registration_check_has_sequences_and_checkerboards():
    slices = {f"P{i}": {"T2W": np.zeros((16, 16)), "ADC": np.ones((16, 16)), "KTRANS": np.ones((16, 16))} for i in range(2)}
    fig = registration_check_figure(slices, "T2W", 4)
    axes = np.array(fig.axes).reshape(2, 5)
    assert [ax.get_title() for ax in axes[0]] == ["T2W", "ADC", "KTRANS", "T2W / ADC", "T2W / KTRANS"]
    assert axes[1, 0].get_ylabel() == "P1"
    plt.close(fig)
    with pytest.raises(ValueError, match="no patient"):
        registration_check_figure({}, "T2W", 4)
