"""Classical augmentation (004's ranges) with MONAI: composable, seeded, bounded."""

from __future__ import annotations

import math

import pytest
import torch
from monai.transforms import Compose, RandAffine, RandFlip

from medsynth_pipeline.augmentation.classical import ClassicalAugmentation, augment_images


def _square() -> torch.Tensor:
    x = torch.zeros(2, 1, 32, 32)
    x[:, :, 12:20, 12:20] = 1.0
    return x


def test_transform_is_a_monai_compose_with_004_ranges() -> None:
    transform = ClassicalAugmentation().transform((32, 32))
    assert isinstance(transform, Compose)
    kinds = [type(t) for t in transform.transforms]
    assert kinds == [RandFlip, RandFlip, RandAffine]
    params = transform.transforms[-1].rand_affine_grid
    # MONAI draws each parameter from (-r, r) for a single value r
    assert params.rotate_range == pytest.approx((math.radians(10),))
    assert params.translate_range == pytest.approx((0.08 * 32, 0.08 * 32))
    assert params.scale_range == pytest.approx((0.08, 0.08)) and params.shear_range == pytest.approx((0.08, 0.08))
    assert transform.transforms[-1].padding_mode == "zeros"  # 004: constant fill outside


def test_augment_images_is_seeded_and_changes_images() -> None:
    x = _square()
    a, src = augment_images(x, ClassicalAugmentation(), copies=3, seed=7)
    b, _ = augment_images(x, ClassicalAugmentation(), copies=3, seed=7)
    c, _ = augment_images(x, ClassicalAugmentation(), copies=3, seed=8)
    assert a.shape == (6, 1, 32, 32) and src.tolist() == [0, 1, 0, 1, 0, 1]
    assert torch.equal(a, b) and not torch.equal(a, c)
    assert not torch.equal(a[:2], x)
    # ≤ 8 % zoom and shift, ≤ 10° rotation: the square's mass stays close to its original
    assert (a.sum(dim=(1, 2, 3)) / x[0].sum()).sub(1).abs().max() < 0.3


def test_flips_only_are_exact_mirror_images() -> None:
    only_flips = ClassicalAugmentation(flip_prob=1.0, rotate_deg=0, shift_fraction=0, shear_fraction=0, zoom_fraction=0)
    x = torch.rand(1, 1, 8, 8)
    out, _ = augment_images(x, only_flips, copies=1, seed=0)
    assert torch.allclose(out[0], torch.flip(x[0], dims=(1, 2)), atol=1e-5)


def test_bad_settings() -> None:
    with pytest.raises(ValueError, match="unknown keys"):
        ClassicalAugmentation.from_params({"rotation": 10})
    with pytest.raises(ValueError, match="copies"):
        augment_images(_square(), ClassicalAugmentation(), copies=-1, seed=0)


def test_prostategan_pre_augmentation_leaves_no_zero_filled_corners(project_root) -> None:
    """ADC 0 is the most cancer-like value: rotated copies must fill their corners from the image."""
    import yaml

    preset = yaml.safe_load((project_root / "conf/base/parameters_gan_training.yml").read_text())
    spec = dict(preset["gan_training"]["prostategan"]["pre_augment"])
    copies, seed = spec.pop("copies"), spec.pop("seed")
    images = torch.rand(16, 1, 32, 32) * 0.5 + 0.25  # no pixel near 0
    out, _ = augment_images(images, ClassicalAugmentation.from_params(spec), copies, seed)
    assert out.min() > 0.2
    zero_fill, _ = augment_images(images, ClassicalAugmentation.from_params({**spec, "padding_mode": "zeros"}), copies, seed)
    assert (zero_fill < 0.01).float().mean() > 0.01  # the same rotations with zero filling do leave dark corners
