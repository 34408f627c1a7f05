"""PGGAN networks: layer shapes per phase, fade-in endpoints, conditional variant."""

from __future__ import annotations

import pytest
import torch

from medsynth_pipeline.models.latent import load_generator
from medsynth_pipeline.models.pggan import (
    PerClassGenerator,
    PGGANArchitecture,
    PGGANDiscriminator,
    PGGANGenerator,
    update_average,
)
from medsynth_pipeline.models.pggan_layers import downscale2d, upscale2d

from ..torch_threads import one_cpu_thread  # noqa: F401


def _arch(**overrides: int) -> PGGANArchitecture:
    settings = dict(latent_dim=16, final_resolution=32, image_channels=2, fmap_base=64, fmap_max=16)
    settings.update(overrides)
    return PGGANArchitecture(**settings)


def test_paper_architecture_channels() -> None:
    arch = PGGANArchitecture(latent_dim=512, final_resolution=256, image_channels=1, fmap_base=8192, fmap_max=512)
    assert arch.resolutions == [4, 8, 16, 32, 64, 128, 256]
    assert [arch.channels_at(r) for r in arch.resolutions] == [512, 512, 512, 512, 256, 128, 64]


@pytest.mark.parametrize("bad", [3, 24, 2])
def test_architecture_rejects_non_power_of_two(bad: int) -> None:
    with pytest.raises(ValueError, match="power of two"):
        _arch(final_resolution=bad)


def test_layer_shapes_per_phase() -> None:
    arch = _arch()
    g, d = PGGANGenerator(arch), PGGANDiscriminator(arch)
    z = torch.randn(4, arch.latent_dim)
    for level, res in enumerate(arch.resolutions):
        for alpha in (0.0, 0.5, 1.0):
            img = g(z, resolution=res, alpha=alpha)
            assert img.shape == (4, 2, res, res)
            score, logits = d(img, resolution=res, alpha=alpha)
            assert score.shape == (4,) and logits is None
        # feature maps after each block carry channels_at(res)
        assert g.features(z, None, level).shape == (4, arch.channels_at(res), res, res)
    # fmap_base=64: 32 channels at 4×4 capped at 16, 8 at 16×16, 4 at 32×32
    assert [arch.channels_at(r) for r in arch.resolutions] == [16, 16, 8, 4]
    assert g.to_rgb[-1].weight.shape == (2, 4, 1, 1)
    assert d.from_rgb[-1].weight.shape == (4, 2, 1, 1)


def test_generator_fade_in_endpoints_equal_low_and_high_resolution_paths() -> None:
    torch.manual_seed(0)
    arch = _arch()
    g = PGGANGenerator(arch).eval()
    z = torch.randn(3, arch.latent_dim)
    with torch.no_grad():
        for level in range(1, len(arch.resolutions)):
            res = arch.resolutions[level]
            previous = g.features(z, None, level - 1)
            low = upscale2d(g.to_rgb[level - 1](previous))
            high = g.to_rgb[level](g.blocks[level - 1](previous))
            assert torch.equal(g(z, resolution=res, alpha=0.0), low)
            assert torch.equal(g(z, resolution=res, alpha=1.0), high)
            # alpha 0 is the previous phase's output, upscaled: growing does not change the picture
            assert torch.allclose(g(z, resolution=res, alpha=0.0), upscale2d(g(z, resolution=res // 2)))
            mid = g(z, resolution=res, alpha=0.3)
            assert torch.allclose(mid, 0.7 * low + 0.3 * high, atol=1e-6)
            assert not torch.allclose(low, high)


def test_discriminator_fade_in_endpoints_equal_low_and_high_resolution_paths() -> None:
    torch.manual_seed(1)
    arch = _arch()
    d = PGGANDiscriminator(arch).eval()
    with torch.no_grad():
        for level in range(1, len(arch.resolutions)):
            res = arch.resolutions[level]
            img = torch.randn(4, 2, res, res)
            # alpha 0: the new block is bypassed, the half-resolution image goes through the old path
            low_score, _ = d(downscale2d(img), resolution=res // 2)
            assert torch.allclose(d(img, resolution=res, alpha=0.0)[0], low_score, atol=1e-6)
            high_score, _ = d(img, resolution=res, alpha=1.0)
            assert not torch.allclose(high_score, low_score)
            assert torch.equal(d(img, resolution=res)[0], high_score)


def test_networks_reject_wrong_inputs() -> None:
    arch = _arch()
    with pytest.raises(ValueError, match="resolution 12"):
        PGGANGenerator(arch)(torch.randn(2, 16), resolution=12)
    with pytest.raises(ValueError, match="latent"):
        PGGANGenerator(arch)(torch.randn(2, 15))
    with pytest.raises(ValueError, match="expects"):
        PGGANDiscriminator(arch)(torch.randn(2, 2, 16, 16), resolution=8)


def test_conditional_networks_use_the_label() -> None:
    torch.manual_seed(2)
    arch = _arch(num_classes=2, final_resolution=8)
    g, d = PGGANGenerator(arch), PGGANDiscriminator(arch)
    z = torch.randn(4, arch.latent_dim)
    zeros, ones = torch.zeros(4, dtype=torch.long), torch.ones(4, dtype=torch.long)
    assert not torch.allclose(g(z, zeros), g(z, ones))
    score, logits = d(g(z, zeros))
    assert score.shape == (4,) and logits.shape == (4, 2)
    with pytest.raises(ValueError, match="conditional"):
        g(z)


def test_gradients_reach_only_the_active_blocks() -> None:
    arch = _arch()
    g = PGGANGenerator(arch)
    g(torch.randn(2, arch.latent_dim), resolution=8, alpha=0.5).sum().backward()
    assert g.blocks[0].conv0.weight.grad is not None
    assert g.to_rgb[0].weight.grad is not None, "the fading-out toRGB still trains during fade-in"
    assert g.blocks[1].conv0.weight.grad is None


def test_update_average_moves_towards_the_model() -> None:
    arch = _arch(final_resolution=4)
    model, average = PGGANGenerator(arch), PGGANGenerator(arch)
    before = average.dense.weight.clone()
    update_average(average, model, beta=0.75)
    assert torch.allclose(average.dense.weight, 0.75 * before + 0.25 * model.dense.weight, atol=1e-6)
    update_average(average, model, beta=0.0)
    assert torch.equal(average.dense.weight, model.dense.weight)


def test_exported_generator_rebuilds_identically_and_clips_to_the_data_range() -> None:
    torch.manual_seed(3)
    g = PGGANGenerator(_arch(final_resolution=8))
    artifact = g.export()
    rebuilt = load_generator(artifact)
    assert isinstance(rebuilt, PGGANGenerator) and rebuilt.arch == g.arch
    z = torch.randn(3, 16)
    assert torch.equal(rebuilt(z), g.eval()(z))
    images = rebuilt.generate(5, generator=torch.Generator().manual_seed(0))
    assert images.shape == (5, 2, 8, 8) and images.min() >= -1.0 and images.max() <= 1.0


def test_per_class_generator_routes_each_label_to_its_own_generator() -> None:
    torch.manual_seed(4)
    arch = _arch(final_resolution=8)
    g0, g1 = PGGANGenerator(arch).eval(), PGGANGenerator(arch).eval()
    pair = PerClassGenerator([g0.export(), g1.export()]).eval()
    assert pair.num_classes == 2 and pair.latent_dim == 16
    z = torch.randn(4, 16)
    labels = torch.tensor([1, 0, 0, 1])
    out = pair(z, labels)
    assert torch.equal(out[[1, 2]], g0(z[[1, 2]]))
    assert torch.equal(out[[0, 3]], g1(z[[0, 3]]))
    rebuilt = load_generator(pair.export())
    assert torch.equal(rebuilt(z, labels), out)
    with pytest.raises(ValueError, match="class indices"):
        pair(z, torch.tensor([0, 1, 2, 0]))
    with pytest.raises(ValueError, match=">= 2"):
        PerClassGenerator([g0.export()])
