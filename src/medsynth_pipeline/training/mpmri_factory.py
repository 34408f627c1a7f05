"""Builds any system of the 002 study from plain configuration (what ``parameters_mpmri_synthesis.yml`` holds).

``kind`` picks the system: ``semi_supervised`` (002's method; β = 0 gives "w/o AD maximisation", and
``supervised: false, modalities: adc`` the StitchLayer ablation's unsupervised ADC model), ``supervised_pair``
(Costa et al.) or ``cogan`` (Liu & Tuzel). With β > 0 the semi-supervised system draws its real nonCS images
from the training data's reference pool ``non_cs`` (``mpmri_system.NONCS_POOL``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
from medsynth_pipeline.training.registry import register_system
from medsynth_pipeline.training.system import GenerativeSystem

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
) -> Callable[[], GenerativeSystem]:
    """A zero-argument factory for ``Trainer`` (it builds the system after seeding).

    Args:
        kind: one of :data:`SYSTEM_KINDS`.
        architecture: keyword arguments of :class:`MpmriArchitecture`.
        settings: keyword arguments of the kind's settings dataclass.
    """
    if kind not in SYSTEM_KINDS:
        raise ValueError(f"unknown mpMRI system kind {kind!r}; choose one of {SYSTEM_KINDS}")
    arch = MpmriArchitecture(**architecture)
    values = dict(settings or {})
    if kind == "semi_supervised":
        semi = _settings(SemiSupervisedSettings, values, kind)
        return lambda: SemiSupervisedMpmriSystem(arch, semi)
    if kind == "supervised_pair":
        sup = _settings(SupervisedPairSettings, values, kind)
        return lambda: SupervisedPairSystem(arch, sup)
    cogan = _settings(CoganSettings, values, kind)
    return lambda: CoganSystem(arch, cogan)


@register_system("mpmri")
def gan_training_system(
    spec: dict[str, Any], *, channels: int, image_size: int, num_classes: int, dataset_size: int | None = None
) -> GenerativeSystem:
    """The plug-in form for the ``gan_training`` stage (``system.factory`` =
    ``medsynth_pipeline.training.mpmri_factory:gan_training_system``), so a 002 synthesizer can be one of
    the run's models and go through augmentation, evaluation and the report like the others.

    ``spec``: ``kind``, ``architecture``, ``settings`` as in :func:`system_factory`. The model selects the
    real CS pairs (``select: {rows: {clin_sig: true}, channels: [ADC, T2W]}``); with β > 0 (the full Eq. 10)
    the stage must also give it the real nonCS pairs as the reference pool ``non_cs``
    (``gan_training.<model>.references.non_cs``).
    """
    if num_classes:
        raise ValueError("the mpMRI synthesizers are unconditional (a CS generator): set select.label_column to null")
    kind = spec.get("kind", "semi_supervised")
    settings = dict(spec.get("settings") or {})
    wanted = 1 if settings.get("modalities") == "adc" else 2
    if channels != wanted:
        raise ValueError(f"an mpMRI '{kind}' system needs {wanted} channel(s) (ADC{', T2W' if wanted == 2 else ''}), "
                         f"the selected patches have {channels}")
    architecture = {**dict(spec.get("architecture") or {}), "image_size": image_size}
    return system_factory(kind, architecture, settings)()
