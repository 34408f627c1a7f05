"""Model selection for gan_training: the validation pool, the selector the loop scores with, the curve.

A model's ``selection`` block (defaults once in ``gan_training.selection``, conf/base) turns it on: the loop
scores the generator at ``every_fraction`` of training (and at ``iterations``, and at the end) by ``metric``
on ``n_samples`` generated images against the real patches of ``split`` (picked exactly as the training
images, only the split differs), and the best snapshot, not the last, is the exported generator.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import pandas as pd
import torch
from matplotlib.figure import Figure

from medsynth_pipeline.metrics.c2st import c2st_auc
from medsynth_pipeline.training.model_selection import ModelSelector, SelectionResult, sample_scorer
from medsynth_pipeline.training.selection import TrainingSet, select_training_set

logger = logging.getLogger(__name__)

# metric -> (factory(real patient ids, settings) -> (real, synthetic) -> float, fewest real patients it needs)
METRICS: dict[str, tuple[Callable[..., Callable[[Any, Any], float]], int]] = {
    # C2ST folds are grouped by patient: fewer than 2 patients leave no fold to test on
    "c2st_auc": (lambda groups, s: functools.partial(c2st_auc, real_groups=groups, folds=int(s["folds"]),
                                                     seed=int(s["seed"])), 2),
}
KEYS = {"enabled", "metric", "split", "direction", "every_fraction", "iterations", "n_samples", "folds", "seed"}
CURVE_COLUMNS = ["iteration", "metric", "score", "best"]


def selection_settings(params: dict[str, Any]) -> dict[str, Any] | None:
    """The model's ``selection`` block, or None when it is absent, null or ``enabled: false``."""
    spec = params.get("selection")
    if not spec or not spec.get("enabled", True):
        return None
    unknown = set(spec) - KEYS
    if unknown:
        raise ValueError(f"gan_training.{params['name']}.selection: unknown keys {sorted(unknown)} (known: {sorted(KEYS)})")
    if spec["metric"] not in METRICS:
        raise ValueError(f"gan_training.{params['name']}.selection.metric: {spec['metric']!r} is not one of {sorted(METRICS)}")
    return dict(spec)


def select_validation_pool(patches: dict[str, Any], patch_metadata: pd.DataFrame, params: dict[str, Any]) -> dict[str, Any]:
    """The real patches selection scores against: the model's ``select`` with ``selection.split`` as the
    split, in [0, 1]; ``{}`` when selection is off. Images, class values (conditional models) and patients."""
    settings = selection_settings(params)
    if settings is None:
        return {}
    name, split = params["name"], settings["split"]
    if not split or split == params["select"].get("split"):
        raise ValueError(f"gan_training.{name}.selection.split must be a held-out split other than the training "
                         f"split (got {split!r})")
    select = dict(params["select"]) | {"split": split, "min_per_class": 1}
    if not (patch_metadata["split"].astype(str) == split).any():
        raise ValueError(f"gan_training.{name}.selection: the '{split}' split has no patches; model selection "
                         "needs validation patients (or set selection.enabled: false)")
    try:
        chosen = select_training_set(patches, patch_metadata, select, source=f"gan_training.{name}/selection")
    except ValueError as exc:
        raise ValueError(f"gan_training.{name}.selection: no '{split}' patch matches the model's selection, "
                         f"nothing to score against (or set selection.enabled: false): {exc}") from exc
    return {
        "images": chosen.images,
        "label_values": None if chosen.labels is None else [chosen.class_values[int(i)] for i in chosen.labels],
        "patient_id": chosen.metadata["patient_id"].astype(str).tolist(),
    }


def build_selector(
    settings: dict[str, Any], pool: dict[str, Any], training_set: TrainingSet, output_range: Any, iterations: int,
    name: str,
) -> ModelSelector:
    """The loop's selector: ``settings``' metric on the pool vs generated images, at its scoring points."""
    if not pool:
        raise ValueError(f"gan_training.{name}.selection is on but no validation pool was given "
                         "(select_validation_pool)")
    images, patients = pool["images"], list(pool["patient_id"])
    labels = None
    if training_set.label_column:
        index_of = {v: i for i, v in enumerate(training_set.class_values)}
        known = [v in index_of for v in pool["label_values"]]
        if not all(known):  # a class the generator cannot draw: compare only the classes it learnt
            logger.warning("%s: %d validation patches of classes the model did not learn are not scored against",
                           name, known.count(False))
        keep = torch.tensor(known, dtype=torch.bool)
        images, patients = images[keep], [p for p, k in zip(patients, known, strict=True) if k]
        labels = torch.tensor([index_of[v] for v in pool["label_values"] if v in index_of], dtype=torch.long)
    factory, min_patients = METRICS[settings["metric"]]
    if len(set(patients)) < min_patients:
        raise ValueError(f"gan_training.{name}.selection: {settings['metric']} needs validation patches of at least "
                         f"{min_patients} patients, the '{settings['split']}' split has {len(set(patients))} "
                         "(set selection.enabled: false for this cohort)")
    train_patients = set() if training_set.metadata is None else set(training_set.metadata["patient_id"].astype(str))
    if train_patients & set(patients):
        raise ValueError(f"gan_training.{name}.selection: patients {sorted(train_patients & set(patients))} are in "
                         "both the training and the validation patches (splits must be patient-level)")
    fraction = float(settings.get("every_fraction") or 0)
    every = max(1, round(fraction * iterations)) if fraction else 0
    extra = sorted({int(i) for i in settings.get("iterations") or [] if 0 < int(i) <= iterations})
    scorer = sample_scorer(images.numpy(), factory(patients, settings), output_range, int(settings["n_samples"]),
                           labels=labels, seed=int(settings["seed"]))
    logger.info("%s: model selection by %s (%s) on %d %s patches of %d patients, every %s iterations%s", name,
                settings["metric"], settings["direction"], len(images), settings["split"], len(set(patients)),
                every or "-", f", at {extra}" if extra else "")
    return ModelSelector(scorer, every=every, direction=settings["direction"], metric=settings["metric"],
                         iterations=extra)


def selection_record(result: SelectionResult, settings: dict[str, Any], pool: dict[str, Any]) -> dict[str, Any]:
    """What the artifact and the summary say about the choice (plain types: a ``weights_only`` load)."""
    return {"metric": result.metric, "direction": result.direction, "split": settings["split"],
            "best_iteration": result.best_iteration, "best_score": result.best_score,
            "curve": [[int(i), float(s)] for i, s in result.curve],
            "validation_patients": sorted(set(pool["patient_id"]))}


def selection_curve(generator: dict[str, Any]) -> pd.DataFrame:
    """One row per scoring point (iteration, metric, score, best) from the generator artifact; no rows when
    the model was not selected (selection off)."""
    record = generator.get("selection")
    if not record:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(CURVE_COLUMNS, ("int64", "str", "float64", "bool"),
                                                                     strict=True)})
    return pd.DataFrame([{"iteration": i, "metric": record["metric"], "score": s, "best": i == record["best_iteration"]}
                         for i, s in record["curve"]], columns=CURVE_COLUMNS)


def plot_selection_curve(curve: pd.DataFrame, params: dict[str, Any]) -> Figure:
    """Score vs iteration, the selected snapshot marked (a note instead when selection is off)."""
    fig = Figure(figsize=(6, 3.6))
    ax = fig.subplots()
    if curve.empty:
        ax.text(0.5, 0.5, "model selection off: the last iterate is exported", ha="center", va="center")
        ax.set_axis_off()
    else:
        metric = str(curve["metric"].iloc[0])
        ax.plot(curve["iteration"], curve["score"], marker="o", label=metric)
        best = curve[curve["best"].astype(bool)]
        ax.scatter(best["iteration"], best["score"], s=120, facecolors="none", edgecolors="tab:red", zorder=3,
                   label=f"selected: iteration {int(best['iteration'].iloc[0])}" if len(best) else "selected")
        if metric == "c2st_auc":
            ax.axhline(0.5, color="grey", linestyle=":", linewidth=1, label="chance (indistinguishable)")
        ax.set_xlabel("iteration")
        ax.set_ylabel(metric)
        ax.legend()
    ax.set_title(f"{params['name']}: model selection")
    fig.tight_layout()
    return fig
