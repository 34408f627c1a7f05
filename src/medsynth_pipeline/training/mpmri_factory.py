"""Builds any system of the 002 study from plain configuration (what ``parameters_mpmri_synthesis.yml`` holds).

``kind`` picks the system: ``semi_supervised`` (002's method; β = 0 gives "w/o AD maximisation", and
``supervised: false, modalities: adc`` the StitchLayer ablation's unsupervised ADC model), ``supervised_pair``
(Costa et al.) or ``cogan`` (Liu & Tuzel).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from medsynth_pipeline.training.mpmri_baselines import CoganSettings, CoganSystem, SupervisedPairSettings, SupervisedPairSystem
from medsynth_pipeline.training.mpmri_system import MpmriArchitecture, SemiSupervisedMpmriSystem, SemiSupervisedSettings
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
