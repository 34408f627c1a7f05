"""DiffAugment: gradients reach the images through every policy; the augmentation is real and seeded."""

from __future__ import annotations

import pytest
import torch

from medsynth_pipeline.training.diffaugment import DiffAugment


@pytest.mark.parametrize("policy", ["color", "translation", "cutout", "color,translation,cutout"])
def test_gradients_flow_through_the_augmentation(policy: str) -> None:
    torch.manual_seed(0)
    x = torch.rand(6, 3, 16, 16, requires_grad=True)
    out = DiffAugment(policy)(x)
    assert out.shape == x.shape
    (out * torch.randn_like(out)).sum().backward()
    assert x.grad is not None
    assert (x.grad != 0).any(dim=(1, 2, 3)).all(), "some image received no gradient"


def test_generator_receives_gradients_through_augmented_d_input() -> None:
    torch.manual_seed(0)
    g = torch.nn.Linear(4, 3 * 8 * 8)
    d = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 8 * 8, 1))
    fake = g(torch.randn(5, 4)).view(5, 3, 8, 8)
    d(DiffAugment("color,translation,cutout")(fake)).mean().backward()
    assert g.weight.grad is not None and g.weight.grad.abs().sum() > 0


def test_augmentation_changes_images_and_is_seeded() -> None:
    x = torch.rand(4, 1, 16, 16)
    aug = DiffAugment("translation,cutout")
    torch.manual_seed(1)
    a = aug(x)
    torch.manual_seed(1)
    b = aug(x)
    assert torch.equal(a, b)
    assert not torch.equal(a, x)
    # cutout zeroes a half-size square: about a quarter of each image (clipped at borders)
    zero_fraction = (DiffAugment("cutout")(torch.ones(64, 1, 16, 16)) == 0).float().mean().item()
    assert 0.1 < zero_fraction <= 0.25


def test_unknown_policy_is_rejected() -> None:
    with pytest.raises(ValueError, match="rotation"):
        DiffAugment("rotation")


def _official_translation(x: torch.Tensor, ratio: float = 0.125) -> torch.Tensor:
    """DiffAugment's reference implementation (Zhao et al. 2020), three index grids into the padded batch."""
    n, _, h, w = x.shape
    shift_h, shift_w = int(h * ratio + 0.5), int(w * ratio + 0.5)
    tx = torch.randint(-shift_h, shift_h + 1, size=[n, 1, 1])
    ty = torch.randint(-shift_w, shift_w + 1, size=[n, 1, 1])
    gb, gx, gy = torch.meshgrid(torch.arange(n), torch.arange(h), torch.arange(w), indexing="ij")
    gx = torch.clamp(gx + tx + 1, 0, h + 1)
    gy = torch.clamp(gy + ty + 1, 0, w + 1)
    padded = torch.nn.functional.pad(x, [1, 1, 1, 1, 0, 0, 0, 0])
    return padded.permute(0, 2, 3, 1).contiguous()[gb, gx, gy].permute(0, 3, 1, 2)


def test_translation_reads_the_pixels_of_the_reference_implementation() -> None:
    from medsynth_pipeline.training.diffaugment import rand_translation

    x = torch.rand(7, 3, 24, 16, requires_grad=True)
    weights = torch.randn(7, 3, 24, 16)
    torch.manual_seed(3)
    ours = rand_translation(x)
    (grad_ours,) = torch.autograd.grad((ours * weights).sum(), x)
    torch.manual_seed(3)
    reference = _official_translation(x)
    (grad_reference,) = torch.autograd.grad((reference * weights).sum(), x)
    assert not torch.equal(ours, x)
    assert torch.equal(ours, reference) and torch.equal(grad_ours, grad_reference)


def _official_cutout(x: torch.Tensor, ratio: float = 0.5) -> torch.Tensor:
    n, _, h, w = x.shape
    cut_h, cut_w = int(h * ratio + 0.5), int(w * ratio + 0.5)
    ox = torch.randint(0, h + (1 - cut_h % 2), size=[n, 1, 1])
    oy = torch.randint(0, w + (1 - cut_w % 2), size=[n, 1, 1])
    gb, gx, gy = torch.meshgrid(torch.arange(n), torch.arange(cut_h), torch.arange(cut_w), indexing="ij")
    gx = torch.clamp(gx + ox - cut_h // 2, min=0, max=h - 1)
    gy = torch.clamp(gy + oy - cut_w // 2, min=0, max=w - 1)
    mask = torch.ones(n, h, w, dtype=x.dtype)
    mask[gb, gx, gy] = 0
    return x * mask.unsqueeze(1)


@pytest.mark.parametrize("shape", [(16, 3, 16, 16), (16, 2, 7, 9), (16, 1, 64, 64)])
def test_cutout_zeroes_the_square_of_the_reference_implementation(shape: tuple[int, ...]) -> None:
    from medsynth_pipeline.training.diffaugment import rand_cutout

    x = torch.rand(*shape) + 0.1  # no zero pixels: every zero is cut out
    for seed in range(20):  # squares at the borders included (the clamped edges)
        torch.manual_seed(seed)
        ours = rand_cutout(x)
        torch.manual_seed(seed)
        assert torch.equal(ours, _official_cutout(x)), f"seed {seed}"
    assert (ours == 0).any()
