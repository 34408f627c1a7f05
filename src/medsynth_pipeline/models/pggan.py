"""Progressive growing GAN (Karras et al., ICLR 2018) as used by Han et al. (seed 004) at 256×256.

Both networks hold every resolution block from 4×4 to ``final_resolution`` from the start; a forward call
names the resolution it works at and the fade-in ``alpha`` of that resolution's newest block:

* generator: ``(1 - alpha) * upscale(toRGB_{r/2}(x_{r/2})) + alpha * toRGB_r(block_r(x_{r/2}))``
* discriminator: ``(1 - alpha) * fromRGB_{r/2}(downscale(img)) + alpha * block_r(fromRGB_r(img))``

So a phase's layer shapes are fixed by construction and growing needs no re-allocation (the optimiser
state of the older blocks carries over, as in the reference implementation).

Conditional variant (``num_classes > 0``), as the reference code does it: the generator gets the one-hot
label concatenated to the latent, the discriminator outputs ``1 + num_classes`` values (the critic score and
auxiliary class logits, AC-GAN style). Seed 004 instead trains one unconditional network per class.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from medsynth_pipeline.models.latent import LatentGenerator, import_object
from medsynth_pipeline.models.pggan_layers import (
    HE_GAIN,
    EqualizedConv2d,
    EqualizedLinear,
    MinibatchStdDev,
    PixelNorm,
    downscale2d,
    fade,
    upscale2d,
)

START_RESOLUTION = 4
LEAKY_SLOPE = 0.2  # Karras et al.: leaky ReLU with leakiness 0.2 everywhere except the last layers


@dataclass(frozen=True)
class PGGANArchitecture:
    """Size of both networks. ``channels_at(r) = min(2 * fmap_base / r, fmap_max)`` as in Karras et al.

    The paper's networks are ``latent_dim=512, fmap_base=8192, fmap_max=512`` (512 feature maps up to
    32×32, then halving: 64 channels at 256×256).
    """

    latent_dim: int
    final_resolution: int
    image_channels: int
    fmap_base: int
    fmap_max: int
    num_classes: int = 0
    mbstd_group_size: int = 4

    def __post_init__(self) -> None:
        r = self.final_resolution
        if r < START_RESOLUTION or r & (r - 1):
            raise ValueError(f"final_resolution must be a power of two >= {START_RESOLUTION}, got {r}")
        for name in ("latent_dim", "image_channels", "fmap_base", "fmap_max"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.num_classes < 0:
            raise ValueError(f"num_classes must be >= 0, got {self.num_classes}")

    @property
    def resolutions(self) -> list[int]:
        """Every phase's resolution, 4, 8, …, final."""
        steps = int(math.log2(self.final_resolution // START_RESOLUTION))
        return [START_RESOLUTION * 2**i for i in range(steps + 1)]

    def channels_at(self, resolution: int) -> int:
        return max(1, min(2 * self.fmap_base // resolution, self.fmap_max))

    def level_of(self, resolution: int) -> int:
        """Index of ``resolution`` in :attr:`resolutions` (0 for 4×4)."""
        if resolution not in self.resolutions:
            raise ValueError(f"resolution {resolution} is not one of the phases {self.resolutions}")
        return self.resolutions.index(resolution)

    def to_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def coerce(cls, arch: PGGANArchitecture | Mapping[str, Any]) -> PGGANArchitecture:
        return arch if isinstance(arch, cls) else cls(**{k: int(v) for k, v in dict(arch).items()})


def _lrelu(x: torch.Tensor) -> torch.Tensor:
    return F.leaky_relu(x, LEAKY_SLOPE)


class _GeneratorBlock(nn.Module):
    """upscale → conv3×3 → lrelu → pixelnorm → conv3×3 → lrelu → pixelnorm."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.conv0 = EqualizedConv2d(in_channels, out_channels, 3)
        self.conv1 = EqualizedConv2d(out_channels, out_channels, 3)
        self.norm = PixelNorm()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.norm(_lrelu(self.conv0(upscale2d(x))))
        return self.norm(_lrelu(self.conv1(x)))


class PGGANGenerator(LatentGenerator):
    """Latent z ~ N(0, I) (+ label) → image at the requested phase resolution.

    The output layer is linear, as in Karras et al.; the data are scaled to [-1, 1] and :meth:`generate`
    clips to that range. ``arch`` may be a plain dict so the exported artifact rebuilds it.
    """

    def __init__(self, arch: PGGANArchitecture | Mapping[str, Any]) -> None:
        arch = PGGANArchitecture.coerce(arch)
        super().__init__(arch.latent_dim, "normal", arch.num_classes, (-1.0, 1.0))
        self.remember_kwargs(arch=arch.to_dict())
        self.arch = arch
        c4 = arch.channels_at(START_RESOLUTION)
        self.norm = PixelNorm()
        # The reference code's 4×4 dense layer uses gain sqrt(2)/4 to match its original Theano version.
        self.dense = EqualizedLinear(arch.latent_dim + arch.num_classes, c4 * 16, gain=HE_GAIN / 4)
        self.conv4 = EqualizedConv2d(c4, c4, 3)
        self.blocks = nn.ModuleList(
            _GeneratorBlock(arch.channels_at(r // 2), arch.channels_at(r)) for r in arch.resolutions[1:]
        )
        self.to_rgb = nn.ModuleList(
            EqualizedConv2d(arch.channels_at(r), arch.image_channels, 1, gain=1.0) for r in arch.resolutions
        )

    def features(self, z: torch.Tensor, labels: torch.Tensor | None, level: int) -> torch.Tensor:
        """Feature maps after the block of ``level`` (0 = the 4×4 block)."""
        x = self.norm(self._latent_input(z, labels))
        x = _lrelu(self.dense(x)).reshape(z.shape[0], -1, START_RESOLUTION, START_RESOLUTION)
        x = self.norm(x)
        x = self.norm(_lrelu(self.conv4(x)))
        for block in self.blocks[:level]:
            x = block(x)
        return x

    def forward(
        self,
        z: torch.Tensor,
        labels: torch.Tensor | None = None,
        resolution: int | None = None,
        alpha: float = 1.0,
    ) -> torch.Tensor:
        level = self.arch.level_of(resolution or self.arch.final_resolution)
        if level == 0:
            return self.to_rgb[0](self.features(z, labels, 0))
        previous = self.features(z, labels, level - 1)
        high = self.to_rgb[level](self.blocks[level - 1](previous))
        if alpha >= 1.0:
            return high
        low = upscale2d(self.to_rgb[level - 1](previous))
        return fade(low, high, alpha)

    @torch.no_grad()
    def generate(
        self, n: int, labels: torch.Tensor | None = None, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """``n`` images at the final resolution, clipped to the data range [-1, 1]."""
        return super().generate(n, labels, generator).clamp(*self.output_range)

    def _latent_input(self, z: torch.Tensor, labels: torch.Tensor | None) -> torch.Tensor:
        if z.ndim != 2 or z.shape[1] != self.arch.latent_dim:
            raise ValueError(f"latent must be [N, {self.arch.latent_dim}], got {list(z.shape)}")
        labels = self.check_labels(labels, z.shape[0])
        if labels is None:
            return z
        return torch.cat([z, F.one_hot(labels, self.arch.num_classes).to(z.dtype)], dim=1)


class _DiscriminatorBlock(nn.Module):
    """conv3×3 → lrelu → conv3×3 → lrelu → downscale (2×2 average)."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.conv0 = EqualizedConv2d(in_channels, in_channels, 3)
        self.conv1 = EqualizedConv2d(in_channels, out_channels, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return downscale2d(_lrelu(self.conv1(_lrelu(self.conv0(x)))))


class PGGANDiscriminator(nn.Module):
    """Image at a phase resolution → critic score ``[N]`` (and class logits ``[N, K]`` when conditional)."""

    def __init__(self, arch: PGGANArchitecture | Mapping[str, Any]) -> None:
        super().__init__()
        arch = PGGANArchitecture.coerce(arch)
        self.arch = arch
        c4 = arch.channels_at(START_RESOLUTION)
        self.from_rgb = nn.ModuleList(
            EqualizedConv2d(arch.image_channels, arch.channels_at(r), 1) for r in arch.resolutions
        )
        # blocks[i] takes resolution resolutions[i + 1] down to resolutions[i]
        self.blocks = nn.ModuleList(
            _DiscriminatorBlock(arch.channels_at(r), arch.channels_at(r // 2)) for r in arch.resolutions[1:]
        )
        self.mbstd = MinibatchStdDev(arch.mbstd_group_size)
        self.conv4 = EqualizedConv2d(c4 + 1, c4, 3)
        self.dense0 = EqualizedLinear(c4 * 16, c4)
        self.dense1 = EqualizedLinear(c4, 1 + arch.num_classes, gain=1.0)

    def forward(
        self, images: torch.Tensor, resolution: int | None = None, alpha: float = 1.0
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        level = self.arch.level_of(resolution or self.arch.final_resolution)
        expected = (self.arch.image_channels, self.arch.resolutions[level], self.arch.resolutions[level])
        if tuple(images.shape[1:]) != expected:
            raise ValueError(f"discriminator at level {level} expects [N, {expected}], got {list(images.shape)}")
        x = _lrelu(self.from_rgb[level](images))
        if level > 0:
            x = self.blocks[level - 1](x)
            if alpha < 1.0:
                x = fade(_lrelu(self.from_rgb[level - 1](downscale2d(images))), x, alpha)
            for block in reversed(self.blocks[: level - 1]):
                x = block(x)
        return self._head(x)

    def _head(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        x = _lrelu(self.conv4(self.mbstd(x)))
        x = _lrelu(self.dense0(x.flatten(1)))
        out = self.dense1(x)
        return out[:, 0], (out[:, 1:] if self.arch.num_classes else None)


@torch.no_grad()
def update_average(average: nn.Module, model: nn.Module, beta: float) -> None:
    """Exponential moving average of the weights (Karras et al. sample from such a copy, beta 0.999)."""
    for avg_p, p in zip(average.parameters(), model.parameters(), strict=True):
        avg_p.lerp_(p.detach(), 1.0 - beta)
    for avg_b, b in zip(average.buffers(), model.buffers(), strict=True):
        avg_b.copy_(b)


class PerClassGenerator(LatentGenerator):
    """Seed 004's choice: one unconditional generator per class, offered as one conditional generator.

    ``forward(z, labels)`` routes each latent to the generator of its class, so downstream stages sample
    "separate per class" and "conditional" PGGANs the same way. ``members`` are generator artifacts.
    """

    def __init__(self, members: Sequence[Mapping[str, Any]]) -> None:
        if len(members) < 2:
            raise ValueError(f"a per-class generator needs one generator per class (>= 2), got {len(members)}")
        nets = [_build_member(m) for m in members]
        dims = {(g.latent_dim, g.latent_distribution, g.num_classes) for g in nets}
        if len(dims) != 1 or nets[0].num_classes:
            raise ValueError(f"members must be unconditional generators with one latent prior, got {sorted(dims)}")
        super().__init__(nets[0].latent_dim, nets[0].latent_distribution, len(nets), nets[0].output_range)
        # only how to rebuild each member is remembered: the wrapper's own state_dict carries the weights
        self.remember_kwargs(members=[{"factory": m["factory"], "kwargs": m["kwargs"]} for m in members])
        self.members = nn.ModuleList(nets)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        labels = self.check_labels(labels, z.shape[0])
        assert labels is not None  # num_classes >= 2
        outputs: torch.Tensor | None = None
        for cls, member in enumerate(self.members):
            chosen = (labels == cls).nonzero(as_tuple=True)[0]
            if chosen.numel() == 0:
                continue
            images = member(z[chosen])
            if outputs is None:
                outputs = images.new_zeros((z.shape[0], *images.shape[1:]))
            outputs[chosen] = images
        assert outputs is not None
        return outputs

    @torch.no_grad()
    def generate(
        self, n: int, labels: torch.Tensor | None = None, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        return super().generate(n, labels, generator).clamp(*self.output_range)


def _build_member(artifact: Mapping[str, Any]) -> LatentGenerator:
    missing = {"factory", "kwargs"} - set(artifact)
    if missing:
        raise ValueError(f"not a generator artifact: missing keys {sorted(missing)}")
    module = import_object(artifact["factory"])(**artifact["kwargs"])
    if not isinstance(module, LatentGenerator):
        raise TypeError(f"{artifact['factory']} did not build a LatentGenerator")
    if artifact.get("state_dict"):
        module.load_state_dict(artifact["state_dict"])
    return module
