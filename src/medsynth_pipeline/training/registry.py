"""Build a ``GANSystem`` from its configuration (``gan_training.<model>.system``).

``factory: adversarial`` builds the DCGAN family (:class:`AdversarialSystem`) with one of the
``ARCHITECTURES``; any other value is a plug-in given as ``"package.module:callable"`` (PGGAN, mpMRI) called
the same way: ``factory(spec, channels=..., image_size=..., num_classes=...)`` → ``GANSystem``. The three
keyword arguments come from the training data, so a preset never repeats what the patches already say.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from torch import nn

from medsynth_pipeline.models.dcgan import DCGANDiscriminator, DCGANGenerator
from medsynth_pipeline.models.kitchen_seah import KitchenSeahDiscriminator, KitchenSeahGenerator
from medsynth_pipeline.models.latent import LatentGenerator, import_object
from medsynth_pipeline.models.prostategan import IMAGE_SIZE as PROSTATEGAN_SIZE
from medsynth_pipeline.models.prostategan import ProstateGANDiscriminator, ProstateGANGenerator
from medsynth_pipeline.training.adversarial import AdamSettings, AdversarialSystem
from medsynth_pipeline.training.losses import build_loss
from medsynth_pipeline.training.system import GANSystem


@dataclass(frozen=True)
class Architecture:
    generator: Callable[..., LatentGenerator]
    discriminator: Callable[..., nn.Module]
    image_size: int | None  # None: takes image_size as an argument
    conditional: bool


ARCHITECTURES: dict[str, Architecture] = {
    "prostategan": Architecture(ProstateGANGenerator, ProstateGANDiscriminator, PROSTATEGAN_SIZE, True),
    "kitchen_seah": Architecture(KitchenSeahGenerator, KitchenSeahDiscriminator, 16, False),
    "dcgan": Architecture(DCGANGenerator, DCGANDiscriminator, None, False),
}


def build_adversarial(spec: dict[str, Any], *, channels: int, image_size: int, num_classes: int) -> GANSystem:
    """The DCGAN-family system described by ``spec`` (keys: architecture, generator, discriminator, loss,
    optimizer_g, optimizer_d, step_order, d_steps)."""
    name = spec["architecture"]
    if name not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {name!r}; choose one of {sorted(ARCHITECTURES)}")
    arch = ARCHITECTURES[name]
    if arch.image_size is not None and image_size != arch.image_size:
        raise ValueError(f"architecture {name!r} needs {arch.image_size}×{arch.image_size} images, got {image_size}")
    if arch.conditional and num_classes < 1:
        raise ValueError(f"architecture {name!r} is conditional: the training data need a label column")
    if not arch.conditional and num_classes:
        raise ValueError(f"architecture {name!r} is unconditional: set label_column to null (got {num_classes} classes)")
    g_kwargs: dict[str, Any] = {"channels": channels, **spec.get("generator", {})}
    d_kwargs: dict[str, Any] = {"channels": channels, **spec.get("discriminator", {})}
    if arch.image_size is None:
        g_kwargs["image_size"] = d_kwargs["image_size"] = image_size
    if arch.conditional:
        g_kwargs["num_classes"] = d_kwargs["num_classes"] = num_classes
    loss_spec = dict(spec.get("loss", {"name": "non_saturating"}))
    return AdversarialSystem(
        generator=arch.generator(**g_kwargs),
        discriminator=arch.discriminator(**d_kwargs),
        loss=build_loss(loss_spec.pop("name"), **loss_spec),
        optimizer_g=AdamSettings(**spec.get("optimizer_g", {})),
        optimizer_d=AdamSettings(**spec.get("optimizer_d", {})),
        step_order=spec.get("step_order", "d_then_g"),
        d_steps=spec.get("d_steps", 1),
    )


FACTORIES: dict[str, Callable[..., GANSystem]] = {"adversarial": build_adversarial}


def build_system(spec: dict[str, Any], *, channels: int, image_size: int, num_classes: int) -> GANSystem:
    """Dispatch on ``spec["factory"]`` (a name in ``FACTORIES`` or ``"package.module:callable"``)."""
    factory_name = spec.get("factory", "adversarial")
    factory = FACTORIES.get(factory_name) or import_object(factory_name)
    return factory(spec, channels=channels, image_size=image_size, num_classes=num_classes)
