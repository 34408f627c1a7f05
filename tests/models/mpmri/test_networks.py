"""Shapes, ranges and contracts of every network of 002's synthesizer and its baselines."""

from __future__ import annotations

import pytest
import torch

from medsynth_pipeline.models.mpmri import (
    AdcToT2wUNet,
    ConvCritic,
    CoupledDiscriminator,
    CoupledGenerator,
    Encoder,
    LatentDiscriminator,
    StitchDecoder,
)

SMALL_TRUNK = (32, 16, 8, 8, 8)


@pytest.mark.parametrize(("blocks", "sub_size"), [(1, 64), (2, 32), (4, 16), (8, 8), (16, 4)])
def test_decoder_variants_of_table_1(blocks: int, sub_size: int) -> None:
    decoder = StitchDecoder(latent_dim=16, image_size=64, blocks=blocks, channels=SMALL_TRUNK).eval()
    z = torch.randn(3, 16)
    assert decoder.sub_size == sub_size
    assert decoder.sub_images(z).shape == (3, blocks * blocks, sub_size, sub_size)
    out = decoder(z)
    assert out.shape == (3, 1, 64, 64)
    assert out.abs().max() <= 1.0


def test_ablation_variants_share_fc_and_block_sizes() -> None:
    variants = [StitchDecoder(latent_dim=16, blocks=f, channels=SMALL_TRUNK) for f in (1, 2, 4, 8, 16)]
    shared = {
        sum(p.numel() for p in [*d.trunk.fc.parameters(), *d.trunk.shared_block.parameters()]) for d in variants
    }
    assert len(shared) == 1


def test_decoder_rejects_sizes_the_stitch_cannot_make() -> None:
    with pytest.raises(ValueError, match="multiple of blocks"):
        StitchDecoder(image_size=64, blocks=3)
    with pytest.raises(ValueError, match="power of two"):
        StitchDecoder(image_size=64, blocks=32, base_size=4)


def test_encoder_gives_one_code_per_image() -> None:
    encoder = Encoder(image_size=32, latent_dim=12, channels=(8, 16, 16))
    assert encoder(torch.rand(5, 1, 32, 32)).shape == (5, 12)
    with pytest.raises(ValueError, match="Encoder expects"):
        encoder(torch.rand(5, 2, 32, 32))


def test_unet_keeps_size_and_range_and_uses_its_input() -> None:
    unet = AdcToT2wUNet(channels=(4, 8, 8), strides=(2, 2)).eval()
    x = torch.rand(2, 1, 16, 16)
    y = unet(x)
    assert y.shape == x.shape
    assert y.abs().max() <= 1.0
    assert not torch.allclose(unet(torch.rand(2, 1, 16, 16)), y)
    with pytest.raises(ValueError, match="multiples of 4"):
        unet(torch.rand(1, 1, 18, 18))


@pytest.mark.parametrize(("in_channels", "norm"), [(1, "none"), (1, "layer"), (2, "batch")])
def test_conv_critic_scores_each_sample(in_channels: int, norm: str) -> None:
    critic = ConvCritic(in_channels=in_channels, image_size=32, channels=(8, 16, 16), norm=norm)
    assert critic(torch.rand(4, in_channels, 32, 32)).shape == (4,)


def test_critic_without_batch_norm_scores_samples_independently() -> None:
    # the gradient penalty assumes per-sample critics; batch statistics would couple the samples
    critic = ConvCritic(image_size=16, channels=(4, 8), norm="layer").eval()
    x = torch.rand(3, 1, 16, 16)
    assert torch.allclose(critic(x)[:1], critic(x[:1]), atol=1e-6)


def test_latent_discriminator_shapes() -> None:
    assert LatentDiscriminator(latent_dim=10, hidden=(7,))(torch.randn(6, 10)).shape == (6,)
    with pytest.raises(ValueError, match="D_AAE expects"):
        LatentDiscriminator(latent_dim=10)(torch.randn(6, 11))


def _has_grad(module: torch.nn.Module) -> bool:
    return any(p.grad is not None and p.grad.abs().sum() > 0 for p in module.parameters())


def test_cogan_generator_shares_its_first_layers() -> None:
    gen = CoupledGenerator(latent_dim=8, image_size=32, channels=(16, 8, 8, 8), private_stages=1)
    adc, t2w = gen(torch.randn(3, 8))
    assert adc.shape == t2w.shape == (3, 1, 32, 32)
    adc.sum().backward()  # the ADC output alone trains the shared trunk and its own head, not the T2w head
    assert _has_grad(gen.shared) and _has_grad(gen.adc_head) and not _has_grad(gen.t2w_head)


def test_cogan_discriminator_shares_its_last_layers() -> None:
    disc = CoupledDiscriminator(image_size=32, channels=(8, 16, 16), private_layers=1)
    s_adc, s_t2w = disc(torch.rand(3, 1, 32, 32), torch.rand(3, 1, 32, 32))
    assert s_adc.shape == s_t2w.shape == (3,)
    s_t2w.sum().backward()
    assert _has_grad(disc.shared) and _has_grad(disc.t2w_body) and not _has_grad(disc.adc_body)
