"""Model selection inside the training loop: score the generator at chosen iterations, keep the best one.

A GAN's last iterate is often not its best (mode collapse, oscillation), and a CPU budget makes that worse.
The :class:`~medsynth_pipeline.training.trainer.Trainer` hands the system to a :class:`ModelSelector` after
the iterations it is :meth:`~ModelSelector.due` at; the selector calls an injected scorer
(``system -> float``, any realism metric; the library stays metric-agnostic), keeps the curve
(iteration, score) and a CPU copy of the best generator's ``export_generator()`` payload. Its state goes
into the loop's checkpoints, so a resumed run selects the same generator an uninterrupted run does. Scoring
never moves the training's random streams (they are saved before and restored after the scorer), so a run
with selection trains the same weights as one without.

:func:`sample_scorer` builds the usual scorer: draw ``n`` samples from the system with a fixed seed (the
validation set's class mix for a conditional model), map them to [0, 1], compare with real validation
patches by a metric ``(real, synthetic) -> float`` such as :func:`medsynth_pipeline.metrics.c2st.c2st_auc`.
"""

from __future__ import annotations

import copy
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from medsynth_pipeline.training.runtime import capture_rng_state, restore_rng_state
from medsynth_pipeline.training.system import GenerativeSystem

logger = logging.getLogger(__name__)

Scorer = Callable[[GenerativeSystem], float]
DIRECTIONS = ("min", "max")


@dataclass
class SelectionResult:
    """What the selector chose: the curve, the best iteration and score, and that generator's payload."""

    metric: str
    direction: str
    curve: list[tuple[int, float]]  # (iteration, score), in the order scored
    best_iteration: int | None
    best_score: float | None
    best_generator: dict[str, Any] | None  # export_generator() of the best iteration, tensors on the CPU


def _cpu_copy(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu", copy=True)
    if isinstance(value, dict):
        return {k: _cpu_copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_cpu_copy(v) for v in value)
    return copy.deepcopy(value)


@dataclass
class ModelSelector:
    """Scores the generator every ``every`` iterations (and at the last) and keeps the best payload.

    Args:
        scorer: ``system -> float``; must not train the system (it is called in the middle of training).
        every: iterations between scores; 0 scores only at ``iterations`` listed and at the end.
        direction: ``min`` (lower is better, e.g. C2ST AUC, FID) or ``max``.
        metric: the score's name (MLflow key ``<prefix>selection_<metric>``, the curve's column).
        iterations: extra iterations to score at (e.g. the snapshot iterations).
    """

    scorer: Scorer
    every: int = 0
    direction: str = "min"
    metric: str = "score"
    iterations: Sequence[int] = ()
    curve: list[tuple[int, float]] = field(default_factory=list, init=False)
    best_iteration: int | None = field(default=None, init=False)
    best_score: float | None = field(default=None, init=False)
    best_generator: dict[str, Any] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(f"model selection: direction must be one of {DIRECTIONS}, got {self.direction!r}")
        if self.every < 0:
            raise ValueError(f"model selection: every must be >= 0, got {self.every}")

    @property
    def key(self) -> str:
        return f"selection_{self.metric}"

    def due(self, done: int, total: int) -> bool:
        """Whether to score after ``done`` of ``total`` iterations."""
        if done == total or done in set(int(i) for i in self.iterations):
            return True
        return bool(self.every) and done % self.every == 0

    def _better(self, score: float) -> bool:
        if math.isnan(score):
            return False
        if self.best_score is None:
            return True
        return score < self.best_score if self.direction == "min" else score > self.best_score

    def observe(self, done: int, system: GenerativeSystem) -> float:
        """Score ``system`` after ``done`` iterations; keep its generator if it is the best so far."""
        rng = capture_rng_state()
        try:
            score = float(self.scorer(system))
            best = self._better(score)
            payload = _cpu_copy(system.export_generator()) if best else None
        finally:
            restore_rng_state(rng)  # the training continues exactly as without selection
        self.curve.append((int(done), score))
        if best:
            self.best_iteration, self.best_score, self.best_generator = int(done), score, payload
        logger.info("model selection: %s = %.4f at iteration %d (best %.4f at %s)", self.metric, score, done,
                    self.best_score if self.best_score is not None else float("nan"), self.best_iteration)
        return score

    def state_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "direction": self.direction, "curve": [list(p) for p in self.curve],
                "best_iteration": self.best_iteration, "best_score": self.best_score,
                "best_generator": self.best_generator}

    def restore(self, state: dict[str, Any] | None) -> None:
        """Start afresh (``None``) or continue a checkpoint's selection (of the same metric and direction)."""
        self.curve, self.best_iteration, self.best_score, self.best_generator = [], None, None, None
        if not state:
            return
        if (state.get("metric"), state.get("direction")) != (self.metric, self.direction):
            logger.warning("checkpoint's model selection used %s/%s, this run %s/%s: selecting afresh from here",
                           state.get("metric"), state.get("direction"), self.metric, self.direction)
            return
        self.curve = [(int(i), float(s)) for i, s in state["curve"]]
        self.best_iteration, self.best_score = state["best_iteration"], state["best_score"]
        self.best_generator = state["best_generator"]

    def result(self) -> SelectionResult:
        return SelectionResult(self.metric, self.direction, list(self.curve), self.best_iteration,
                               self.best_score, self.best_generator)


def sample_scorer(
    real: np.ndarray,
    metric: Callable[[np.ndarray, np.ndarray], float],
    output_range: Sequence[float],
    n_samples: int,
    *,
    labels: torch.Tensor | None = None,
    seed: int = 0,
) -> Scorer:
    """A scorer comparing ``n_samples`` generated images with ``real`` (N×C×H×W in [0, 1]) by ``metric``.

    ``labels`` (class indices of the real images) make a conditional model generate the same class mix:
    the labels are repeated/trimmed to ``n_samples`` in a seeded order. The latents come from a generator
    seeded with ``seed``, so every iteration is scored on the same noise. Output channels beyond the real
    ones' count are an error (a model scored on the wrong data).
    """
    if n_samples < 2:
        raise ValueError(f"model selection: n_samples must be >= 2, got {n_samples}")
    real = np.asarray(real)
    lo, hi = float(output_range[0]), float(output_range[1])
    class_mix = None
    if labels is not None:
        order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(seed))
        class_mix = labels.long()[order].repeat(math.ceil(n_samples / len(labels)))[:n_samples]

    def score(system: GenerativeSystem) -> float:
        gen = torch.Generator().manual_seed(seed)
        z = system.sample_latent(n_samples, gen)
        with torch.no_grad():
            fake = system.sample(z, None if class_mix is None else class_mix.to(z.device))
        fake = ((fake.detach().float().cpu() - lo) / (hi - lo)).clamp(0.0, 1.0).numpy()
        if fake.shape[1:] != real.shape[1:]:
            raise ValueError(f"model selection: generated images {fake.shape[1:]} do not match the real "
                             f"validation images {real.shape[1:]}")
        return float(metric(real, fake))

    return score
