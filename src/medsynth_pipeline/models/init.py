"""Weight initialisation named in the presets (``dcgan``: N(0, 0.02) as Radford et al., ProstateGAN, 003)."""

from __future__ import annotations

from torch import nn

INITS = ("dcgan", "default")


def dcgan_init_(module: nn.Module, std: float = 0.02) -> None:
    """Conv/transposed-conv/linear/embedding weights ~ N(0, std), biases 0; BatchNorm scale ~ N(1, std)."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, 0.0, std)
            if getattr(m, "bias", None) is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            nn.init.normal_(m.weight, 1.0, std)
            nn.init.zeros_(m.bias)


def apply_init(module: nn.Module, name: str) -> None:
    """``dcgan`` → :func:`dcgan_init_`; ``default`` keeps PyTorch's initialisation (papers that name none)."""
    if name not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {name!r}")
    if name == "dcgan":
        dcgan_init_(module)
