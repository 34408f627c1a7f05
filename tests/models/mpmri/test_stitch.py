"""StitchLayer (002 Eq. 7): exact interlacing against a hand-computed case, inverse, gradients."""

from __future__ import annotations

import pytest
import torch

from medsynth_pipeline.models.mpmri import StitchLayer, stitch, unstitch


def test_stitch_matches_hand_computed_eq7_case() -> None:
    # four 2x2 sub-images x^1..x^4 (F = 2, a = 2): block B_ij = [[x1_ij, x2_ij], [x3_ij, x4_ij]]
    subs = torch.arange(1, 17, dtype=torch.float32).view(1, 4, 2, 2)
    expected = torch.tensor(
        [
            [1, 5, 2, 6],
            [9, 13, 10, 14],
            [3, 7, 4, 8],
            [11, 15, 12, 16],
        ],
        dtype=torch.float32,
    )
    assert torch.equal(stitch(subs, 2)[0, 0], expected)
    assert torch.equal(StitchLayer(2)(subs)[0, 0], expected)


@pytest.mark.parametrize("blocks", [2, 3, 4])
def test_stitch_equals_eq7_index_formula(blocks: int) -> None:
    a = 3
    subs = torch.randn(2, blocks * blocks, a, a)
    full = stitch(subs, blocks)
    assert full.shape == (2, 1, blocks * a, blocks * a)
    for i in range(a):
        for j in range(a):
            for r in range(blocks):
                for c in range(blocks):
                    assert full[:, 0, i * blocks + r, j * blocks + c].tolist() == subs[:, r * blocks + c, i, j].tolist()


@pytest.mark.parametrize("blocks", [1, 2, 4, 8, 16])
def test_unstitch_inverts_stitch_both_ways(blocks: int) -> None:
    subs = torch.randn(3, 2 * blocks * blocks, 64 // blocks, 64 // blocks)
    assert torch.equal(unstitch(stitch(subs, blocks), blocks), subs)
    images = torch.randn(3, 2, 64, 64)
    assert torch.equal(stitch(unstitch(images, blocks), blocks), images)


def test_stitch_is_a_permutation_for_gradients() -> None:
    subs = torch.randn(1, 4, 5, 5, requires_grad=True)
    weights = torch.randn(1, 1, 10, 10)
    (stitch(subs, 2) * weights).sum().backward()
    assert torch.equal(subs.grad, unstitch(weights, 2))


def test_stitch_rejects_wrong_channel_count() -> None:
    with pytest.raises(ValueError, match="F\\^2=4"):
        stitch(torch.zeros(1, 3, 4, 4), 2)
    with pytest.raises(ValueError, match="not divisible"):
        unstitch(torch.zeros(1, 1, 6, 6), 4)
