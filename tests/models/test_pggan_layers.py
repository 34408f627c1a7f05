"""PGGAN building blocks against hand-computed values."""

from __future__ import annotations

import math

import pytest
import torch

from medsynth_pipeline.models.pggan_layers import (
    EqualizedConv2d,
    EqualizedLinear,
    MinibatchStdDev,
    PixelNorm,
    fade,
)


def test_pixel_norm_matches_hand_computed_values() -> None:
    # one pixel with features (3, 4): mean square = 12.5 -> divide by sqrt(12.5)
    x = torch.tensor([3.0, 4.0]).reshape(1, 2, 1, 1)
    out = PixelNorm(eps=0.0)(x).flatten()
    assert torch.allclose(out, torch.tensor([3.0, 4.0]) / math.sqrt(12.5))
    # every pixel's feature vector ends with unit average square, independently of the others
    y = PixelNorm()(torch.randn(2, 5, 3, 3) * 7.0)
    assert torch.allclose(y.pow(2).mean(dim=1), torch.ones(2, 3, 3), atol=1e-5)


def test_minibatch_stddev_matches_hand_computed_values() -> None:
    # 4 samples, 1 channel, 1×2 pixels; group size 2 -> groups {0, 2} and {1, 3} (i % M, M = 2)
    x = torch.tensor([[1.0, 2.0], [10.0, 10.0], [3.0, 6.0], [10.0, 14.0]]).reshape(4, 1, 1, 2)
    out = MinibatchStdDev(group_size=2, eps=0.0)(x)
    assert out.shape == (4, 2, 1, 2)
    # group {0, 2}: population stds per pixel = |1-3|/2 = 1, |2-6|/2 = 2 -> mean 1.5
    # group {1, 3}: stds 0 and 2 -> mean 1.0
    expected = torch.tensor([1.5, 1.0, 1.5, 1.0])
    assert torch.allclose(out[:, 1].mean(dim=(1, 2)), expected)
    assert torch.equal(out[:, :1], x), "the input features pass through unchanged"
    assert torch.all(out[:, 1] == out[:, 1, :1, :1]), "the statistic is constant over the map"


def test_minibatch_stddev_group_falls_back_to_a_divisor_of_the_batch() -> None:
    layer = MinibatchStdDev(group_size=4)
    assert [layer.effective_group_size(n) for n in (1, 2, 3, 4, 6, 7, 16)] == [1, 2, 3, 4, 3, 1, 4]
    out = layer(torch.randn(6, 3, 4, 4))
    assert out.shape == (6, 4, 4, 4)


def test_equalized_layers_scale_weights_by_he_constant() -> None:
    conv = EqualizedConv2d(3, 5, 3, gain=2.0)
    assert conv.scale == pytest.approx(2.0 / math.sqrt(3 * 9))
    x = torch.randn(2, 3, 6, 6)
    reference = torch.nn.functional.conv2d(x, conv.weight * conv.scale, conv.bias, padding=1)
    assert torch.allclose(conv(x), reference)
    assert conv(x).shape == (2, 5, 6, 6)
    lin = EqualizedLinear(8, 2, gain=1.0)
    assert lin.scale == pytest.approx(1 / math.sqrt(8))
    v = torch.randn(4, 8)
    assert torch.allclose(lin(v), v @ (lin.weight * lin.scale).T + lin.bias)
    # weights are stored with unit variance: the runtime scale, not the init, sets the layer's gain
    big = EqualizedLinear(256, 256)
    assert big.weight.std().item() == pytest.approx(1.0, abs=0.05)


def test_equalized_conv_rejects_even_kernels() -> None:
    with pytest.raises(ValueError, match="odd"):
        EqualizedConv2d(1, 1, 2)


def test_fade_endpoints_are_exact() -> None:
    low, high = torch.randn(2, 1, 4, 4), torch.randn(2, 1, 4, 4)
    assert torch.equal(fade(low, high, 0.0), low)
    assert torch.equal(fade(low, high, 1.0), high)
    assert torch.allclose(fade(low, high, 0.25), 0.75 * low + 0.25 * high)
