"""What every generator the pipelines sample from shares: its latent prior, its label input, its export.

A trained generator travels as a plain dict (saved with ``TorchTensorDataset``, safe ``weights_only`` load):
``{"factory": "package.module:Class", "kwargs": {...}, "state_dict": {...}, "output_range": [lo, hi],
"class_values": [...] | None, ...}``. :func:`load_generator` rebuilds it without knowing the architecture,
so generators from other modules (PGGAN, mpMRI) load the same way.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from typing import Any

import torch
from torch import nn

LATENT_DISTRIBUTIONS = ("normal", "uniform")


@contextlib.contextmanager
def eval_mode(module: nn.Module) -> Iterator[nn.Module]:
    """``module`` in eval mode (BatchNorm running statistics, no dropout) inside the block, then back as it was.

    Sampling in the middle of training must not leave a network in eval mode for the next training step.
    """
    was_training = module.training
    module.eval()
    try:
        yield module
    finally:
        module.train(was_training)


class LatentGenerator(nn.Module):
    """Base class: ``forward(z, labels=None)`` maps latents (and class indices) to images.

    Args:
        latent_dim: length of z.
        latent_distribution: ``normal`` (N(0, 1)) or ``uniform`` (U(-1, 1), as DCGAN/ProstateGAN).
        num_classes: 0 for unconditional generators.
        output_range: the image value range the output activation produces (the data are mapped to it).
    """

    def __init__(
        self,
        latent_dim: int,
        latent_distribution: str,
        num_classes: int = 0,
        output_range: tuple[float, float] = (-1.0, 1.0),
    ) -> None:
        super().__init__()
        if latent_distribution not in LATENT_DISTRIBUTIONS:
            raise ValueError(f"latent_distribution must be one of {LATENT_DISTRIBUTIONS}, got {latent_distribution!r}")
        self.latent_dim = int(latent_dim)
        self.latent_distribution = latent_distribution
        self.num_classes = int(num_classes)
        self.output_range = (float(output_range[0]), float(output_range[1]))
        self._init_kwargs: dict[str, Any] = {}

    def remember_kwargs(self, **kwargs: Any) -> None:
        """Record the constructor arguments so :meth:`export` can rebuild this module."""
        self._init_kwargs = dict(kwargs)

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    def sample_latent(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` latents from the prior on the module's device. With ``generator`` (a CPU generator: fixed
        noise) they are drawn on the CPU first, so a fixed seed gives the same noise on every device."""
        shape = (n, self.latent_dim)
        where = "cpu" if generator is not None else self.device
        if self.latent_distribution == "normal":
            z = torch.randn(shape, generator=generator, device=where)
        else:
            z = torch.rand(shape, generator=generator, device=where) * 2.0 - 1.0
        return z.to(self.device)

    def check_labels(self, labels: torch.Tensor | None, n: int) -> torch.Tensor | None:
        if self.num_classes == 0:
            return None
        if labels is None:
            raise ValueError("this generator is conditional: pass one class index per latent")
        if labels.shape != (n,) or labels.min() < 0 or labels.max() >= self.num_classes:
            raise ValueError(f"labels must be {n} class indices in [0, {self.num_classes}), got {labels.tolist()}")
        return labels.long()

    @torch.no_grad()
    def generate(
        self, n: int, labels: torch.Tensor | None = None, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """``n`` images in eval mode (BatchNorm running statistics, no dropout)."""
        with eval_mode(self):
            z = self.sample_latent(n, generator)
            lab = None if labels is None else labels.to(self.device)
            return self(z, lab)

    def export(self) -> dict[str, Any]:
        """The generator artifact (weights on the CPU + how to rebuild)."""
        cls = type(self)
        return {
            "factory": f"{cls.__module__}:{cls.__qualname__}",
            "kwargs": dict(self._init_kwargs),
            "state_dict": {k: v.detach().cpu() for k, v in self.state_dict().items()},
            "output_range": list(self.output_range),
            "latent_dim": self.latent_dim,
            "num_classes": self.num_classes,
        }


def import_object(path: str) -> Any:
    """``"package.module:attr"`` → the object (plug-in factories named in conf)."""
    module_name, _, attr = path.partition(":")
    if not module_name or not attr:
        raise ValueError(f"expected 'package.module:attribute', got {path!r}")
    return getattr(importlib.import_module(module_name), attr)


def load_generator(artifact: dict[str, Any], device: torch.device | str = "cpu") -> LatentGenerator:
    """Rebuild a generator from its artifact (see the module docstring); eval mode, on ``device``."""
    missing = {"factory", "kwargs", "state_dict"} - set(artifact)
    if missing:
        raise ValueError(f"not a generator artifact: missing keys {sorted(missing)}")
    module = import_object(artifact["factory"])(**artifact["kwargs"])
    if not isinstance(module, LatentGenerator):
        raise TypeError(f"{artifact['factory']} did not build a LatentGenerator")
    module.load_state_dict(artifact["state_dict"])
    return module.to(device).eval()


def interpolate_latents(z0: torch.Tensor, z1: torch.Tensor, steps: int, mode: str = "linear") -> torch.Tensor:
    """``steps`` latents from ``z0`` to ``z1`` (1-D), ``linear`` or ``spherical`` (slerp, White 2016).

    Slerp keeps intermediate latents at the norm typical of a Gaussian prior, where linear paths dip toward
    the origin (Kitchen & Seah Fig. 5 shows the linear path; the project draws both).
    """
    t = torch.linspace(0.0, 1.0, steps, device=z0.device).unsqueeze(1)
    if mode == "linear":
        return (1 - t) * z0 + t * z1
    if mode != "spherical":
        raise ValueError(f"mode must be 'linear' or 'spherical', got {mode!r}")
    cos = torch.dot(z0 / z0.norm(), z1 / z1.norm()).clamp(-1.0, 1.0)
    omega = torch.arccos(cos)
    if omega.abs() < 1e-6:  # parallel latents: slerp degenerates to lerp
        return (1 - t) * z0 + t * z1
    return (torch.sin((1 - t) * omega) * z0 + torch.sin(t * omega) * z1) / torch.sin(omega)
