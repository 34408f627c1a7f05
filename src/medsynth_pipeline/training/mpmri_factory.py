"""Builds any system of the 002 study from plain configuration (what ``parameters_mpmri_synthesis.yml`` holds).

``kind`` picks the system: ``semi_supervised`` (002's method; β = 0 gives "w/o AD maximisation", and
``supervised: false, modalities: adc`` the StitchLayer ablation's unsupervised ADC model), ``supervised_pair``
(Costa et al.) or ``cogan`` (Liu & Tuzel).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from medsynth_pipeline.training.mpmri_baselines import (
    CoganSettings,
    CoganSystem,
    SupervisedPairSettings,
    SupervisedPairSystem,
)
from medsynth_pipeline.training.mpmri_system import (
    MpmriArchitecture,
    SemiSupervisedMpmriSystem,
    SemiSupervisedSettings,
)
from medsynth_pipeline.training.system import GANSystem

SYSTEM_KINDS = ("semi_supervised", "supervised_pair", "cogan")


def _settings(cls: type, values: dict[str, Any], kind: str) -> Any:
    try:
        return cls(**values)
    except TypeError as exc:
        raise ValueError(f"invalid settings for an mpMRI '{kind}' system: {exc}") from exc


def system_factory(
    kind: str,
    architecture: dict[str, Any],
    settings: dict[str, Any] | None = None,
    noncs_images: torch.Tensor | None = None,
) -> Callable[[], GANSystem]:
    """A zero-argument factory for ``Trainer`` (it builds the system after seeding).

    Args:
        kind: one of :data:`SYSTEM_KINDS`.
        architecture: keyword arguments of :class:`MpmriArchitecture`.
        settings: keyword arguments of the kind's settings dataclass.
        noncs_images: real nonCS ``[M, 2, S, S]`` in [-1, 1] (C_ADC / C_T2w of the semi-supervised system).
    """
    if kind not in SYSTEM_KINDS:
        raise ValueError(f"unknown mpMRI system kind {kind!r}; choose one of {SYSTEM_KINDS}")
    arch = MpmriArchitecture(**architecture)
    values = dict(settings or {})
    if kind == "semi_supervised":
        semi = _settings(SemiSupervisedSettings, values, kind)
        return lambda: SemiSupervisedMpmriSystem(arch, semi, noncs_images if semi.beta > 0 else None)
    if kind == "supervised_pair":
        sup = _settings(SupervisedPairSettings, values, kind)
        return lambda: SupervisedPairSystem(arch, sup)
    cogan = _settings(CoganSettings, values, kind)
    return lambda: CoganSystem(arch, cogan)


def gan_training_system(spec: dict[str, Any], *, channels: int, image_size: int, num_classes: int) -> GANSystem:
    """The plug-in form for the ``gan_training`` stage (``system.factory`` =
    ``medsynth_pipeline.training.mpmri_factory:gan_training_system``), so a 002 synthesizer can be one of
    the run's models and go through augmentation, evaluation and the report like the others.

    ``spec``: ``kind``, ``architecture``, ``settings`` as in :func:`system_factory`. That stage trains one
    image set per model (select ``rows: {clin_sig: true}``, ``channels: [ADC, T2W]``), so there is no real
    nonCS pool for C_ADC / C_T2w: β must be 0 there; the full Eq. 10 runs in the ``mpmri_synthesis`` pipeline.
    """
    if num_classes:
        raise ValueError("the mpMRI synthesizers are unconditional (a CS generator): set select.label_column to null")
    kind = spec.get("kind", "semi_supervised")
    settings = dict(spec.get("settings") or {})
    wanted = 1 if settings.get("modalities") == "adc" else 2
    if channels != wanted:
        raise ValueError(f"an mpMRI '{kind}' system needs {wanted} channel(s) (ADC{', T2W' if wanted == 2 else ''}), "
                         f"the selected patches have {channels}")
    if float(settings.get("beta", 0.0)) > 0:
        raise ValueError("gan_training gives a system one image set, no real nonCS pool: use beta 0 there "
                         "(the auxiliary distance, Eqs. 8-10, runs in the mpmri_synthesis pipeline)")
    settings.setdefault("beta", 0.0)
    architecture = {**dict(spec.get("architecture") or {}), "image_size": image_size}
    return system_factory(kind, architecture, settings)()
