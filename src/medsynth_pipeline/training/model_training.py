"""The one way to train a model: a typed model spec and real images in, a typed generator artifact out.

Every training node of the project (``gan_training``, ``pggan``, ``mpmri_synthesis``, ``stitch_ablation``)
calls :func:`train_model`; the system comes from the one registry (:mod:`~medsynth_pipeline.training.registry`),
the loop is :class:`~medsynth_pipeline.training.trainer.Trainer`. A preset has the same shape everywhere::

    name: prostategan
    system:   {factory: adversarial | pggan | mpmri | ddpm | "package.module:callable", ...its settings}
    schedule: {batch_size: 64, epochs: 100, iterations: null, snapshot_fractions: [...]}   # or null: the
              # system's own schedule (PGGAN's growth phases)
    trainer:  {seed, device, amp, diffaugment, checkpoint_dir, checkpoint_every, ...}  # TrainerConfig

A node that trains several runs from one spec (PGGAN's per-class networks, the 002 models sharing one
``training`` block) passes a ``run_key``: the run's checkpoints go to ``checkpoint_dir/<run_key>``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from medsynth_pipeline.training.data import TrainingData, iterations_for_epochs
from medsynth_pipeline.training.model_selection import ModelSelector
from medsynth_pipeline.training.registry import build_system
from medsynth_pipeline.training.selection import TrainingSet, to_range
from medsynth_pipeline.training.system import GenerativeSystem
from medsynth_pipeline.training.trainer import Trainer, TrainerConfig, TrainingResult

logger = logging.getLogger(__name__)

# TrainerConfig fields a preset's ``trainer`` block may set; the rest come from the schedule and the data.
_DERIVED = {"iterations", "batch_size", "snapshot_iterations", "metrics_prefix", "identity"}
RUNTIME_KEYS = frozenset(TrainerConfig.__dataclass_fields__) - _DERIVED


@dataclass(frozen=True)
class Schedule:
    """How long and at which batch size (``iterations`` wins over ``epochs``), and the snapshot points."""

    batch_size: int
    iterations: int | None = None
    epochs: float | None = None
    snapshot_fractions: tuple[float, ...] = ()

    @classmethod
    def from_params(cls, params: Mapping[str, Any], where: str) -> Schedule:
        unknown = set(params) - {"batch_size", "iterations", "epochs", "snapshot_fractions"}
        if unknown or "batch_size" not in params:
            raise ValueError(f"{where}.schedule: needs batch_size and iterations or epochs (unknown keys: "
                             f"{sorted(unknown)})")
        schedule = cls(int(params["batch_size"]),
                       int(params["iterations"]) if params.get("iterations") else None,
                       float(params["epochs"]) if params.get("epochs") else None,
                       tuple(float(f) for f in params.get("snapshot_fractions") or ()))
        if schedule.iterations is None and schedule.epochs is None:
            raise ValueError(f"{where}.schedule needs 'iterations' or 'epochs'")
        return schedule

    def total_iterations(self, n_images: int) -> int:
        if self.iterations:
            return self.iterations
        return iterations_for_epochs(float(self.epochs or 0), n_images, self.batch_size)

    def snapshot_iterations(self, total: int) -> list[int]:
        return sorted({max(1, round(f * total)) for f in self.snapshot_fractions})


@dataclass(frozen=True)
class ModelSpec:
    """One preset: the system to build, how long to train it, the loop's runtime settings."""

    name: str
    system: Mapping[str, Any]
    schedule: Schedule | None  # None: the system's own (GenerativeSystem.own_schedule)
    trainer: Mapping[str, Any] = field(default_factory=dict)

    where: str = ""  # the preset's place in the configuration, for error messages

    @classmethod
    def from_params(cls, params: Mapping[str, Any], where: str | None = None) -> ModelSpec:
        """From a preset block (``name``, ``system``, ``schedule``, ``trainer``; other keys are the stage's)."""
        where = where or str(params["name"])
        trainer = dict(params.get("trainer") or {})
        unknown = set(trainer) - RUNTIME_KEYS
        if unknown:
            raise ValueError(f"{where}.trainer: unknown or misplaced keys {sorted(unknown)} "
                             "(iterations and batch_size belong under schedule)")
        schedule = params.get("schedule")
        return cls(str(params["name"]), dict(params["system"]),
                   None if schedule is None else Schedule.from_params(schedule, where), trainer, where)


@dataclass
class GeneratorArtifact:
    """A trained generator: its weights and how to rebuild them (``generator``, ``models.latent`` format) and
    what its images are. :meth:`to_dict` is the catalog format ``models.latent.load_generator`` reads."""

    generator: dict[str, Any]
    model: str
    channels: list[str]
    spacing_mm: float | None
    label_column: str | None = None
    class_values: list[Any] = field(default_factory=list)
    class_attributes: Any = field(default_factory=list)
    iterations: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # what one stage adds (selection record, mode, ...)

    def to_dict(self) -> dict[str, Any]:
        return self.generator | {
            "model": self.model, "label_column": self.label_column, "class_values": self.class_values,
            "class_attributes": self.class_attributes, "channels": self.channels, "spacing_mm": self.spacing_mm,
        } | ({} if self.iterations is None else {"iterations": self.iterations}) | self.extra


@dataclass
class TrainedModel:
    artifact: GeneratorArtifact
    result: TrainingResult
    config: TrainerConfig
    output_range: tuple[float, float]

    @property
    def others(self) -> dict[str, dict[str, torch.Tensor]]:
        """The state_dicts of every network but the generator (last iterate), on CPU."""
        return {k: {p: v.detach().cpu() for p, v in m.state_dict().items()}
                for k, m in self.result.system.networks().items() if k != "G"}


def _plan(spec: ModelSpec, probe: GenerativeSystem, n_images: int) -> tuple[int, int, list[int]]:
    if spec.schedule is not None:
        total = spec.schedule.total_iterations(n_images)
        return total, spec.schedule.batch_size, spec.schedule.snapshot_iterations(total)
    own = probe.own_schedule()
    if own is None:
        raise ValueError(f"{spec.name}: no schedule, and system {spec.system.get('factory')!r} has none of its own")
    return own


def train_model(
    spec: ModelSpec,
    training_set: TrainingSet,
    *,
    references: Mapping[str, torch.Tensor] | None = None,
    run_key: str | None = None,
    seed_offset: int = 0,
    identity: Mapping[str, Any] | None = None,
    selector: Callable[[tuple[float, float], int], ModelSelector | None] | None = None,
    callbacks: Callable[[GenerativeSystem, str | None], Sequence[Any]] | None = None,
) -> TrainedModel:
    """Train ``spec`` on ``training_set`` (images in [0, 1]; labels for a conditional system).

    ``references``: extra real pools the system draws from (in [0, 1]; every pool it names must be given).
    ``seed_offset`` keeps several runs of one spec independent. ``identity``: what else makes a checkpoint
    resumable (default: the system settings). ``selector(output_range, iterations)`` builds the model
    selection of the run; ``callbacks(probe, checkpoint_dir)`` its Trainer callbacks. With selection, the
    exported generator is the best snapshot's.
    """
    images, labels, num_classes = training_set.images, training_set.labels, training_set.num_classes
    channels, size = int(images.shape[1]), int(images.shape[-1])

    def factory() -> GenerativeSystem:
        return build_system(dict(spec.system), channels=channels, image_size=size, num_classes=num_classes,
                            dataset_size=len(images))

    # A throw-away instance tells the output range, the pools and the schedule (the Trainer builds its own
    # after seeding, so this one does not change the weights).
    probe = factory()
    pools = dict(references or {})
    missing = sorted(set(probe.reference_pools) - set(pools))
    if missing:
        raise ValueError(f"{spec.where or spec.name}: the system draws from reference pool(s) {missing}; configure "
                         f"them under {spec.where or spec.name}.references (e.g. non_cs: {{rows: {{clin_sig: false}}}})")
    output_range = tuple(probe.export_generator()["output_range"])
    iterations, batch_size, snapshots = _plan(spec, probe, len(images))
    runtime = dict(spec.trainer)
    runtime["seed"] = int(runtime.get("seed", 0)) + seed_offset
    root = runtime.pop("checkpoint_dir", None)
    checkpoint_dir = str(Path(root) / run_key) if root and run_key else root
    config = TrainerConfig(
        iterations=iterations, batch_size=batch_size, snapshot_iterations=snapshots, checkpoint_dir=checkpoint_dir,
        metrics_prefix=f"{spec.name}/{run_key}/" if run_key else f"{spec.name}/",
        identity=dict(identity) if identity is not None else {"system": dict(spec.system)}, **runtime,
    )
    logger.info("%s%s: %d iterations at batch %d on %d images %s (%.1f epochs)%s", spec.name,
                f"/{run_key}" if run_key else "", iterations, batch_size, len(images), tuple(images.shape[1:]),
                iterations * batch_size / len(images), "".join(f", pool {k}: {len(v)} images" for k, v in pools.items()))
    data = TrainingData(to_range(images, output_range), labels,
                        references={k: to_range(v, output_range) for k, v in pools.items()})
    chosen_selector = None if selector is None else selector(output_range, iterations)
    result = Trainer(factory, data, config, selector=chosen_selector,
                     callbacks=list(callbacks(probe, checkpoint_dir)) if callbacks else ()).fit()
    exported = result.system.export_generator()
    if chosen_selector is not None:
        if result.selection is None or result.selection.best_generator is None:
            raise RuntimeError(f"{spec.name}: model selection scored no snapshot (every score NaN?): "
                               f"{result.selection.curve if result.selection else []}")
        exported = result.selection.best_generator
    artifact = GeneratorArtifact(
        exported, spec.name, list(training_set.channels), training_set.spacing_mm, training_set.label_column,
        training_set.class_values, training_set.class_attributes, result.iterations)
    return TrainedModel(artifact, result, config, output_range)
