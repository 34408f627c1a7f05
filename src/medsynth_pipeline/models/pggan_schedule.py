"""The growing schedule of a progressive GAN: which resolution, which fade-in alpha, at every iteration.

Karras et al. measure phases in images shown: each resolution above 4×4 first *fades in* (alpha rises
linearly from 0 to 1) and then *stabilises* (alpha 1); 4×4 only stabilises. Seed 004 gives the whole run
in epochs (100 epochs, batch 16), so a schedule can also be stated in epochs of the training set, either
per half-phase (``fade``/``stable``) or as a ``total`` split evenly over the half-phases.
The schedule is a pure function of the iteration, so a resumed run lands in the same phase with the same
alpha without saving anything.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

UNITS = ("images", "epochs")


@dataclass(frozen=True)
class Phase:
    """One resolution: ``fade_iterations`` of fade-in (0 for the first), then ``stable_iterations``."""

    level: int
    resolution: int
    batch_size: int
    fade_iterations: int
    stable_iterations: int
    start: int  # first iteration of this phase

    @property
    def iterations(self) -> int:
        return self.fade_iterations + self.stable_iterations

    @property
    def end(self) -> int:
        """Iterations done when this phase is over (the next phase's ``start``)."""
        return self.start + self.iterations


@dataclass(frozen=True)
class PhaseState:
    phase: Phase
    alpha: float
    fading: bool

    @property
    def stage(self) -> tuple[int, bool]:
        """Changes exactly when a fade-in or a stabilisation starts (when Karras resets Adam)."""
        return (self.phase.level, self.fading)


class GrowthSchedule:
    """The phases of a run; :meth:`at` maps an iteration to its phase and alpha."""

    def __init__(self, phases: Sequence[Phase]) -> None:
        if not phases:
            raise ValueError("a growth schedule needs at least one phase")
        self.phases = list(phases)

    @property
    def total_iterations(self) -> int:
        return self.phases[-1].end

    @property
    def max_batch_size(self) -> int:
        return max(p.batch_size for p in self.phases)

    @property
    def phase_ends(self) -> list[int]:
        return [p.end for p in self.phases]

    def at(self, iteration: int) -> PhaseState:
        if iteration < 0:
            raise ValueError(f"iteration must be >= 0, got {iteration}")
        for phase in self.phases:
            if iteration < phase.end:
                into = iteration - phase.start
                if into < phase.fade_iterations:
                    return PhaseState(phase, into / phase.fade_iterations, True)
                return PhaseState(phase, 1.0, False)
        return PhaseState(self.phases[-1], 1.0, False)  # past the end: keep the final resolution

    def describe(self) -> list[dict[str, int]]:
        return [
            {"resolution": p.resolution, "batch_size": p.batch_size, "fade_iterations": p.fade_iterations,
             "stable_iterations": p.stable_iterations, "start": p.start, "end": p.end}
            for p in self.phases
        ]


def batch_size_at(batch_size: int | Mapping[Any, int], resolution: int, default: int | None = None) -> int:
    """``batch_size`` is one number for every phase or ``{resolution: size}`` (keys may be strings from YAML)."""
    if isinstance(batch_size, Mapping):
        sizes = {int(k): int(v) for k, v in batch_size.items()}
        if resolution in sizes:
            return sizes[resolution]
        if default is None:
            raise ValueError(f"no batch size for resolution {resolution}; have {sorted(sizes)}")
        return default
    return int(batch_size)


def build_schedule(
    resolutions: Sequence[int],
    spec: Mapping[str, Any],
    dataset_size: int | None = None,
) -> GrowthSchedule:
    """A schedule from conf.

    ``spec`` keys: ``unit`` (``images`` or ``epochs``), either ``fade`` and ``stable`` (length of each
    half-phase) or ``total`` (the whole run, split evenly over the ``2·phases − 1`` half-phases), and
    ``batch_size`` (one number or ``{resolution: size}``; ``default_batch_size`` fills gaps).
    ``dataset_size`` is required for epochs.
    """
    unit = spec.get("unit", "images")
    if unit not in UNITS:
        raise ValueError(f"schedule unit must be one of {UNITS}, got {unit!r}")
    if unit == "epochs" and not dataset_size:
        raise ValueError("a schedule in epochs needs the training set size")
    per_unit = float(dataset_size) if unit == "epochs" else 1.0
    half_phases = 2 * len(resolutions) - 1
    if spec.get("total") is not None:
        fade_len = stable_len = float(spec["total"]) / half_phases
    elif "fade" in spec and "stable" in spec:
        fade_len, stable_len = float(spec["fade"]), float(spec["stable"])
    else:
        raise ValueError(f"schedule needs 'total' or both 'fade' and 'stable', got keys {sorted(spec)}")
    if fade_len < 0 or stable_len <= 0:
        raise ValueError(f"phase lengths must be positive, got fade={fade_len}, stable={stable_len}")
    default_batch = spec.get("default_batch_size")
    phases, start = [], 0
    for level, resolution in enumerate(resolutions):
        batch = batch_size_at(spec["batch_size"], resolution, default_batch)
        if batch < 1:
            raise ValueError(f"batch size at {resolution} must be >= 1, got {batch}")
        fade = 0 if level == 0 else math.ceil(fade_len * per_unit / batch)
        stable = max(1, math.ceil(stable_len * per_unit / batch))
        phases.append(Phase(level, resolution, batch, fade, stable, start))
        start += fade + stable
    return GrowthSchedule(phases)
