"""The DCGAN-family architectures against the papers' tables, and the generator artifact round trip."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from medsynth_pipeline.models.dcgan import DCGANDiscriminator, DCGANGenerator
from medsynth_pipeline.models.kitchen_seah import (
    GaussianNoise,
    KitchenSeahDiscriminator,
    KitchenSeahGenerator,
)
from medsynth_pipeline.models.latent import interpolate_latents, load_generator
from medsynth_pipeline.models.prostategan import ProstateGANDiscriminator, ProstateGANGenerator

from ..torch_threads import one_cpu_thread  # noqa: F401


def _shapes(model: nn.Module, kinds: tuple[type, ...], *inputs) -> list[tuple[int, ...]]:
    shapes: list[tuple[int, ...]] = []
    hooks = [m.register_forward_hook(lambda _m, _i, out: shapes.append(tuple(out.shape[1:])))
             for m in model.modules() if isinstance(m, kinds)]
    model(*inputs)
    for h in hooks:
        h.remove()
    return shapes


def test_kitchen_seah_generator_matches_table_1() -> None:
    g = KitchenSeahGenerator()
    z = g.sample_latent(5)
    assert z.shape == (5, 25)
    # FC 256, then (reshape 4×4×16) T.conv 8×8×32, 16×16×16, 16×16×3
    assert _shapes(g, (nn.Linear, nn.ConvTranspose2d), z) == [(256,), (32, 8, 8), (16, 16, 16), (3, 16, 16)]
    assert [m.kernel_size for m in g.modules() if isinstance(m, nn.ConvTranspose2d)] == [(3, 3)] * 3
    assert sum(isinstance(m, nn.ReLU) for m in g.modules()) == 4  # FC + three T.conv, as listed
    assert g(z).min() >= 0  # ReLU output for [0, 1] data


def test_kitchen_seah_discriminator_matches_table_2() -> None:
    d = KitchenSeahDiscriminator()
    x = torch.rand(4, 3, 16, 16)
    d.eval()
    assert _shapes(d, (nn.Conv2d, nn.AdaptiveAvgPool2d, nn.Linear), x) == [
        (32, 16, 16), (64, 8, 8), (128, 4, 4), (128, 1, 1), (1,)]
    assert all(m.negative_slope == 0.1 for m in d.modules() if isinstance(m, nn.LeakyReLU))
    assert sum(isinstance(m, GaussianNoise) for m in d.modules()) == 4  # input + three hidden layers
    assert sum(isinstance(m, nn.Dropout) for m in d.modules()) == 1
    assert torch.equal(d(x), d(x))  # eval: no noise, no dropout
    d.train()
    assert not torch.equal(d(x), d(x))  # training: noise on every pass


def test_prostategan_matches_the_paper() -> None:
    g = ProstateGANGenerator(num_classes=4)
    z = g.sample_latent(6)
    assert z.shape == (6, 100) and z.min() >= -1 and z.max() <= 1  # uniform
    labels = torch.tensor([0, 1, 2, 3, 0, 1])
    tconvs = [m for m in g.modules() if isinstance(m, nn.ConvTranspose2d)]
    assert len(tconvs) == 3 and all(m.kernel_size == (4, 4) and m.stride == (2, 2) for m in tconvs)
    assert _shapes(g, (nn.ConvTranspose2d,), z, labels) == [(128, 8, 8), (64, 16, 16), (1, 32, 32)]
    out = g(z, labels)
    assert out.abs().max() <= 1 and isinstance(list(g.modules())[-1], nn.Tanh)
    # The label is an input: same z, other Gleason class → other image.
    assert not torch.allclose(g(z, labels), g(z, (labels + 1) % 4))
    weights = torch.cat([m.weight.flatten() for m in tconvs])
    assert weights.std().item() == pytest.approx(0.02, rel=0.1)  # N(0, 0.02) init
    d = ProstateGANDiscriminator(num_classes=4)
    assert d(out, labels).shape == (6,)
    assert all(m.negative_slope == 0.2 for m in d.modules() if isinstance(m, nn.LeakyReLU))
    assert sum(isinstance(m, nn.BatchNorm2d) for m in d.modules()) == 3
    with pytest.raises(ValueError, match="class indices"):
        g(z, torch.tensor([0, 1, 2, 3, 4, 5]))


def test_dcgan_64() -> None:
    g, d = DCGANGenerator(channels=1, image_size=64), DCGANDiscriminator(channels=1, image_size=64)
    z = g.sample_latent(2)
    assert _shapes(g, (nn.ConvTranspose2d,), z) == [(512, 4, 4), (256, 8, 8), (128, 16, 16), (64, 32, 32), (1, 64, 64)]
    assert _shapes(d, (nn.Conv2d,), g(z)) == [(64, 32, 32), (128, 16, 16), (256, 8, 8), (512, 4, 4), (1, 1, 1)]
    with pytest.raises(ValueError, match="power of two"):
        DCGANGenerator(image_size=48)


def test_generator_artifact_round_trip() -> None:
    g = ProstateGANGenerator(num_classes=3, width=8, embedding_dim=4)
    rebuilt = load_generator(g.export())
    gen_a, gen_b = torch.Generator().manual_seed(0), torch.Generator().manual_seed(0)
    labels = torch.tensor([0, 2])
    g.eval()
    assert torch.equal(g.generate(2, labels, generator=gen_a), rebuilt.generate(2, labels, generator=gen_b))
    with pytest.raises(ValueError, match="missing keys"):
        load_generator({"state_dict": {}})


def test_latent_interpolation() -> None:
    z0, z1 = torch.randn(25), torch.randn(25)
    for mode in ("linear", "spherical"):
        path = interpolate_latents(z0, z1, 7, mode)
        assert path.shape == (7, 25)
        assert torch.allclose(path[0], z0, atol=1e-5) and torch.allclose(path[-1], z1, atol=1e-5)
    # slerp between equal-norm latents keeps the norm; the linear midpoint is shorter
    a, b = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    assert interpolate_latents(a, b, 3, "spherical")[1].norm().item() == pytest.approx(1.0)
    assert interpolate_latents(a, b, 3, "linear")[1].norm().item() == pytest.approx(2**-0.5)
