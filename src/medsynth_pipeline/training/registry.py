"""The one registry of trainable systems: ``system.factory`` in a model spec names a builder here.

``factory: adversarial`` builds the DCGAN family (:class:`AdversarialSystem`) with one of the
``ARCHITECTURES``; ``pggan``, ``mpmri`` and ``ddpm`` register themselves from their own modules with
:func:`register_system`; any other value is a plug-in given as ``"package.module:callable"``. Every builder is
called the same way: ``builder(spec, channels=..., image_size=..., num_classes=..., dataset_size=...)`` →
``GenerativeSystem``. The keyword arguments come from the training data, so a preset never repeats what the patches
already say.
"""

from __future__ import annotations

import importlib
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
from medsynth_pipeline.training.system import GenerativeSystem


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


SystemBuilder = Callable[..., GenerativeSystem]
SYSTEMS: dict[str, SystemBuilder] = {}
# Modules whose builders register themselves; imported on first use, so this module imports none of them.
PLUGIN_MODULES = (
    "medsynth_pipeline.training.pggan_system",
    "medsynth_pipeline.training.mpmri_factory",
    "medsynth_pipeline.training.diffusion_system",
)


def register_system(name: str) -> Callable[[SystemBuilder], SystemBuilder]:
    """Decorator: make ``builder`` the ``system.factory: <name>`` of every model spec."""
    def register(builder: SystemBuilder) -> SystemBuilder:
        if SYSTEMS.get(name, builder) is not builder:
            raise ValueError(f"system factory {name!r} is registered twice ({SYSTEMS[name].__module__}, "
                             f"{builder.__module__})")
        SYSTEMS[name] = builder
        return builder
    return register


def system_builder(name: str) -> SystemBuilder:
    """The builder registered as ``name``, or the ``"package.module:callable"`` it spells."""
    if name not in SYSTEMS:
        for module in PLUGIN_MODULES:
            importlib.import_module(module)
    if name in SYSTEMS:
        return SYSTEMS[name]
    if ":" not in name:
        raise ValueError(f"unknown system factory {name!r}; registered: {sorted(SYSTEMS)} "
                         "(or give a plug-in as 'package.module:callable')")
    return import_object(name)


@register_system("adversarial")
def build_adversarial(
    spec: dict[str, Any], *, channels: int, image_size: int, num_classes: int, dataset_size: int | None = None
) -> GenerativeSystem:
    """The DCGAN-family system described by ``spec`` (keys: architecture, generator, discriminator, loss
    (``name``, its arguments, and ``reported_factor`` for the logged values), optimizer_g, optimizer_d,
    step_order, d_steps)."""
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
    reported = float(loss_spec.pop("reported_factor", 1.0))
    return AdversarialSystem(
        generator=arch.generator(**g_kwargs),
        discriminator=arch.discriminator(**d_kwargs),
        loss=build_loss(loss_spec.pop("name"), **loss_spec),
        optimizer_g=AdamSettings(**spec.get("optimizer_g", {})),
        optimizer_d=AdamSettings(**spec.get("optimizer_d", {})),
        step_order=spec.get("step_order", "d_then_g"),
        d_steps=spec.get("d_steps", 1),
        reported_loss_factor=reported,
    )


def build_system(
    spec: dict[str, Any], *, channels: int, image_size: int, num_classes: int, dataset_size: int | None = None
) -> GenerativeSystem:
    """The system ``spec["factory"]`` names (default ``adversarial``), sized for the training data."""
    builder = system_builder(spec.get("factory", "adversarial"))
    return builder(spec, channels=channels, image_size=image_size, num_classes=num_classes, dataset_size=dataset_size)
