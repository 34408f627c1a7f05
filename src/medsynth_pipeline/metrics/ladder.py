"""A metric ladder: degraded copies of real patches that any realism metric must rank in order.

Rungs, best to worst: (1) held-out real, (2) lightly blurred held-out real, (3) held-out real plus strong
Gaussian noise, (4) uniform noise, (5) a constant image. A metric whose value (distance, AUC; larger =
worse) does not increase along the ladder cannot tell noise from tissue on this run's data, so it is
flagged and left out of the headline table. Bounded metrics (an AUC at 1.0) may tie only at their ceiling.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter

from medsynth_pipeline.metrics.c2st import validate_patches

RUNGS = ("held-out real", "blurred real", "real + strong noise", "uniform noise", "constant")
LIGHT_BLUR_SIGMA = 0.7  # pixels: softens edges without erasing a lesion of a few pixels
STRONG_NOISE_STD = 0.25  # on the [0, 1] scale: the size of the tissue contrast itself
CONSTANT_VALUE = 0.5
CEILING_TOLERANCE = 1e-9


@dataclass(frozen=True)
class LadderVerdict:
    """Whether ``values`` (one per rung, in ``RUNGS`` order) increase along the ladder, and why not."""

    metric: str
    values: tuple[float, ...]
    passed: bool
    reason: str

    def as_row(self) -> dict[str, object]:
        row: dict[str, object] = {"metric": self.metric, "ladder_passed": self.passed, "ladder_reason": self.reason}
        row.update({f"ladder: {rung}": value for rung, value in zip(RUNGS, self.values, strict=True)})
        return row


def ladder_sets(held_out: np.ndarray, seed: int = 0) -> dict[str, np.ndarray]:
    """The five rungs made from held-out real patches (N×C×H×W in [0, 1]), keyed by ``RUNGS``."""
    x = validate_patches(held_out, "held-out real patches")
    rng = np.random.default_rng(seed)
    blurred = gaussian_filter(x, sigma=(0, 0, LIGHT_BLUR_SIGMA, LIGHT_BLUR_SIGMA), mode="reflect")
    noisy = np.clip(x + rng.normal(0.0, STRONG_NOISE_STD, x.shape), 0.0, 1.0)
    return dict(zip(RUNGS, (x, blurred, noisy, rng.uniform(0.0, 1.0, x.shape), np.full_like(x, CONSTANT_VALUE)), strict=True))


def check_ladder(metric: str, values: list[float] | tuple[float, ...], ceiling: float | None = None) -> LadderVerdict:
    """Pass when every rung scores strictly worse (larger) than the one before; two rungs may tie only
    when both sit at the metric's ``ceiling`` (e.g. a C2ST AUC of 1.0, where no larger value exists)."""
    vals = tuple(float(v) for v in values)
    if len(vals) != len(RUNGS):
        raise ValueError(f"ladder of {metric}: expected {len(RUNGS)} values, got {len(vals)}")
    if not all(np.isfinite(vals)):
        return LadderVerdict(metric, vals, False, "a rung was not computed (non-finite value)")
    for i in range(1, len(vals)):
        before, after = vals[i - 1], vals[i]
        at_ceiling = ceiling is not None and min(before, after) >= ceiling - CEILING_TOLERANCE
        if after > before or (after == before and at_ceiling) or (at_ceiling and abs(after - before) <= CEILING_TOLERANCE):
            continue
        return LadderVerdict(metric, vals, False,
                             f"'{RUNGS[i]}' ({after:.4g}) does not score worse than '{RUNGS[i - 1]}' ({before:.4g})")
    return LadderVerdict(metric, vals, True, "")


def run_ladder(metrics: Callable[[np.ndarray], dict[str, float]], held_out: np.ndarray, seed: int = 0,
               ceilings: dict[str, float] | None = None) -> list[LadderVerdict]:
    """Score every rung with ``metrics`` (synthetic patches → {metric name: value}) and check each metric."""
    per_rung = [metrics(images) for images in ladder_sets(held_out, seed).values()]
    names = list(per_rung[0])
    ceilings = ceilings or {}
    return [check_ladder(name, [scores.get(name, np.nan) for scores in per_rung], ceilings.get(name)) for name in names]
