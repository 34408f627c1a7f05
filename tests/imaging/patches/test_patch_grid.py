"""Patch grids and registration checks: what they draw, and refusal of inconsistent input."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from medsynth_pipeline.reporting.patch_grid import (
    checkerboard,
    patch_class_names,
    patch_grid_figure,
    registration_check_figure,
)


def test_class_names():
    assert patch_class_names([True, True, False], [True, False, False]) == ["ClinSig", "non-ClinSig", "background"]


def test_grid_has_a_row_per_class_and_channel_and_draws_real_patches():
    rng = np.random.default_rng(0)
    images = rng.uniform(size=(7, 2, 16, 16)).astype(np.float32)
    classes = ["ClinSig"] * 2 + ["background"] * 5
    fig = patch_grid_figure(images, classes, ["ADC", "T2W"], per_class=3, seed=0)
    axes = np.array(fig.axes).reshape(4, 3)  # (ClinSig, background) × (ADC, T2W) rows, 3 columns
    assert [ax.get_ylabel().split("\n")[0] for ax in axes[:, 0]] == ["ClinSig", "ClinSig", "background", "background"]
    assert len(axes[0, 2].images) == 0  # only two ClinSig patches exist
    shown = axes[1, 0].images[0].get_array()
    assert any(np.allclose(shown, images[i, 1]) for i in range(2))  # a real ClinSig T2W patch
    plt.close(fig)


def test_grid_rejects_inconsistent_input():
    with pytest.raises(ValueError, match=r"expected \[N, 2, H, W\]"):
        patch_grid_figure(np.zeros((3, 1, 8, 8)), ["background"] * 3, ["ADC", "T2W"], 2, 0)
    with pytest.raises(ValueError, match="2 class names for 3 patches"):
        patch_grid_figure(np.zeros((3, 1, 8, 8)), ["background"] * 2, ["ADC"], 2, 0)


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
