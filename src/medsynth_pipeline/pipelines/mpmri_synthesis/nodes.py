"""Kedro glue of the 002 study: select the pairs, train each system on the shared loop, draw synthetic sets,
score them with the evaluation stage's protocol (its functions, not a copy), tabulate, draw Figs. 6–7.

The same nodes serve the StitchLayer ablation (``stitch_ablation``), whose variants are ADC-only models.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import torch
from matplotlib.figure import Figure

from medsynth_pipeline.augmentation.sets import make_classical_set, make_synthetic_sets
from medsynth_pipeline.classification import set_evaluation as evaluation
from medsynth_pipeline.models.latent import interpolate_latents, load_generator
from medsynth_pipeline.reporting.gan_figures import interpolation_figure, loss_curves_figure
from medsynth_pipeline.reporting.tables import comparison_table, markdown_with_notes, not_computed_notes
from medsynth_pipeline.study_names import REAL_DATA
from medsynth_pipeline.training.model_training import ModelSpec, train_model
from medsynth_pipeline.training.mpmri_system import NONCS_POOL
from medsynth_pipeline.training.selection import TrainingSet, from_range, select_training_set, to_range

log = logging.getLogger(__name__)


def merged(base: Mapping[str, Any], override: Mapping[str, Any] | None) -> dict[str, Any]:
    """``base`` with ``override`` merged in recursively (a variant changes only the keys it names)."""
    out = copy.deepcopy(dict(base))
    for key, value in (override or {}).items():
        out[key] = merged(out[key], value) if isinstance(value, Mapping) and isinstance(out.get(key), Mapping) else value
    return out


def select_pairs(patches: dict[str, Any], patch_metadata: pd.DataFrame, data: dict[str, Any]) -> dict[str, Any]:
    """The real images of 002 Sec. III-B: CS pairs (supervised targets and critics' reals), nonCS pairs
    (C_ADC / C_T2w), both from the training split, and the CS maps of ``figure_split`` that Fig. 6 encodes."""
    def pick(rows: dict[str, Any], split: str, what: str) -> Any:
        select = {"split": split, "rows": rows, "channels": list(data["channels"])}
        return select_training_set(patches, patch_metadata, select, source=f"mpmri_synthesis/{what}")

    cs = pick(data["cs_rows"], data["split"], "CS")
    noncs = pick(data["noncs_rows"], data["split"], "nonCS")
    try:
        figure_maps = pick(data["cs_rows"], data["figure_split"], "figure maps").images
    except ValueError as error:  # a tiny cohort may have no CS finding in that split: Fig. 6 says so
        log.warning("Fig. 6 maps: %s", error)
        figure_maps = torch.empty(0, *cs.images.shape[1:])
    log.info("mpMRI pairs: %d CS, %d nonCS (%s), %d figure maps", len(cs.images), len(noncs.images), data["split"],
             len(figure_maps))
    return {"channels": cs.channels, "spacing_mm": cs.spacing_mm, "cs": cs.images, "noncs": noncs.images,
            "class_attributes": cs.class_attributes, "figure_maps": figure_maps}


def model_spec(model: dict[str, Any], architecture: dict[str, Any], training: dict[str, Any]) -> ModelSpec:
    """A 002 row as a ``training.model_training`` preset: the ``mpmri`` system of ``model.kind`` with the
    shared architecture (and the row's overrides) and the shared ``training`` block, checkpoints in
    ``<checkpoint_dir>/<model>``."""
    name = model["name"]
    trainer = dict(training["trainer"])
    if trainer.get("checkpoint_dir"):
        trainer["checkpoint_dir"] = str(Path(trainer["checkpoint_dir"]) / name)
    system = {"factory": "mpmri", "kind": model["kind"], "settings": dict(model.get("settings") or {}),
              "architecture": merged(architecture, model.get("architecture"))}
    return ModelSpec.from_params({"name": name, "system": system, "schedule": training["schedule"],
                                  "trainer": trainer}, where=f"mpmri_synthesis.models.{name}")


def train_synthesizer(
    pairs: dict[str, Any], model: dict[str, Any], architecture: dict[str, Any], training: dict[str, Any]
) -> tuple[dict[str, Any], pd.DataFrame, pd.DataFrame]:
    """Train ``model`` (kind, settings, optional architecture overrides) with the one training entry point.

    Returns the generator artifact (``models.latent`` format, CS class attributes for the augmentation
    and evaluation functions), the per-iteration history and a one-row summary.
    """
    spec = model_spec(model, architecture, training)
    cs = pairs["cs"][:, :1] if spec.system["settings"].get("modalities") == "adc" else pairs["cs"]
    cs_set = TrainingSet(images=cs, labels=None, label_column=None, class_attributes=pairs["class_attributes"],
                         channels=list(pairs["channels"])[: cs.shape[1]], spacing_mm=pairs["spacing_mm"])
    log.info("%s (%s): %d CS pairs", spec.name, model["kind"], len(cs))
    # the nonCS pairs are the reference pool C_ADC / C_T2w draw from (used by systems with β > 0)
    trained = train_model(spec, cs_set, references={NONCS_POOL: pairs["noncs"]})
    trained.artifact.extra = {"label": model.get("label", spec.name)}
    result = trained.result
    summary = pd.DataFrame([{
        "model": spec.name, "label": model.get("label", spec.name), "kind": model["kind"], "device": result.device,
        "iterations": result.iterations, "batch_size": trained.config.batch_size, "cs_pairs": len(cs),
        "noncs_pairs": len(pairs["noncs"]), "resumed_from": result.resumed_from,
        "wall_seconds_this_process": round(result.wall_seconds, 2),
        "parameters": sum(p.numel() for m in result.system.networks().values() for p in m.parameters()),
    }])
    return trained.artifact.to_dict(), pd.DataFrame(result.history), summary


def synthesise(generator: dict[str, Any], synthetic: dict[str, Any]) -> tuple[dict[str, Any], pd.DataFrame]:
    """002's ``sets`` synthetic sets of ``per_class`` CS pairs each (the augmentation stage's function)."""
    return make_synthetic_sets(generator, synthetic)


def classical_copies(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, classical: dict[str, Any]
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Classical copies of the real training patches: they top the real CS up for the "Real Data" SCA row."""
    return make_classical_set(patches, patch_metadata, classical)


def evaluation_model(name: str, data: dict[str, Any]) -> dict[str, Any]:
    """The model description the evaluation functions expect: name and the real rows it learnt from."""
    return {"name": name, "select": {"split": data["split"], "rows": dict(data["cs_rows"]),
                                     "channels": list(data["channels"])}}


def train_domain_classifier(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, data: dict[str, Any], evaluation_params: dict[str, Any]
) -> dict[str, Any]:
    """One domain classifier for all models (same real data): its features name the offline metrics."""
    artifact, _ = evaluation.train_domain_classifier(
        patches, patch_metadata, evaluation_model("mpmri", data),
        evaluation_params["domain"], evaluation_params["task"], evaluation_params["device"])
    return artifact


def score_sets(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, synthetic_images: dict[str, Any],
    synthetic_metadata: pd.DataFrame, domain_classifier: dict[str, Any], model: dict[str, Any], data: dict[str, Any],
    evaluation_params: dict[str, Any],
) -> pd.DataFrame:
    """IS per modality, FID (or the named offline fallbacks), KID, … per synthetic set and for held-out real."""
    e = evaluation_params
    return evaluation.score_model_sets(patches, patch_metadata, synthetic_images, synthetic_metadata,
                                       domain_classifier, evaluation_model(model["name"], data), e["scoring"],
                                       e["inception"], e["task"], e["device"])


def slice_level_accuracy(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, synthetic_images: dict[str, Any],
    synthetic_metadata: pd.DataFrame, classical_images: dict[str, Any], classical_metadata: pd.DataFrame,
    model: dict[str, Any], data: dict[str, Any], evaluation_params: dict[str, Any],
) -> pd.DataFrame:
    """002's SCA per synthetic set: ANN on synthetic CS + real nonCS, accuracy on the real test split."""
    e = evaluation_params
    return evaluation.slice_level_accuracy(patches, patch_metadata, synthetic_images, synthetic_metadata,
                                           classical_images, classical_metadata, evaluation_model(model["name"], data),
                                           e["sca"], e["task"], e["device"])


def _labelled_rows(frame: pd.DataFrame, labels: Mapping[str, str], real_label: str) -> pd.DataFrame:
    """Display labels for model rows; the identical real-data rows of every model collapse into one."""
    out = frame.copy()
    is_real = out["row"].astype(str).str.startswith(REAL_DATA)
    first_model = out.loc[is_real, "model"].iloc[0] if is_real.any() else None
    out = out[~is_real | (out["model"] == first_model)].copy()
    out["row"] = [real_label if str(r).startswith(REAL_DATA) else labels.get(m, m)
                  for r, m in zip(out["row"], out["model"], strict=True)]
    return out


def _model_of(row: str) -> str:
    """``real data (<model>)`` → ``<model>``; a model row is its own model."""
    match = re.match(rf"^{re.escape(REAL_DATA)} \((.*)\)$", str(row))
    return match.group(1) if match else str(row)


def comparison_tables(
    models: dict[str, Any], table: dict[str, Any], *frames: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, str, pd.DataFrame, str]:
    """002 Table II: rows = models (paper order) + Real Data, metrics mean ± std over the synthetic sets,
    Welch t-tests between models. ``frames``: the set scores of every model, then their SCA runs.

    Returns (per-set values, summary, Markdown, t-tests, t-tests Markdown), formatted like the
    evaluation stage's tables.
    """
    if len(frames) != 2 * len(models):
        raise ValueError(f"expected set scores and SCA runs of {len(models)} models, got {len(frames)} tables")
    scores, sca_runs = frames[: len(models)], frames[len(models):]
    labels = {name: spec.get("label", name) for name, spec in models.items()}
    runs, summary, ttests = evaluation.compare_models(evaluation.combine(*scores), evaluation.combine(*sca_runs))
    runs = _labelled_rows(runs, labels, table["real_label"])
    summary = _labelled_rows(summary.assign(model=summary["row"].map(_model_of)), labels, table["real_label"])
    for column in ("a", "b"):
        ttests[column] = ttests[column].map(lambda r: labels.get(r, r))
    present = list(dict.fromkeys(summary["metric"]))
    first = [m for m in table["metrics_first"] if m in present]
    order = [labels[m] for m in models if labels[m] in set(summary["row"])] + [table["real_label"]]
    wide = comparison_table(summary, row_order=[r for r in order if r in set(summary["row"])],
                            metric_order=first + [m for m in present if m not in first],
                            digits=int(table["digits"]), percent=table["percent_metrics"])
    notes = [f"Mean ± std over the {table['sets_note']} synthetic sets of each model; {table['real_label']}: held-out "
             "real CS images (IS, FID, …) and real CS topped up with classical copies (SCA).", *not_computed_notes(summary)]
    tests = ttests.round(4) if len(ttests) else pd.DataFrame({"note": ["fewer than two models were scored"]})
    return (runs, summary.drop(columns=["model"]), markdown_with_notes(table["title"], wide, notes), ttests,
            markdown_with_notes(f"{table['title']}: Welch t-tests between models", tests))


def plot_loss_curves(history: pd.DataFrame, model: dict[str, Any]) -> Figure:
    """Per-iteration losses of one system (the project's loss-curve figure)."""
    return loss_curves_figure(history, title=model.get("label", model["name"]))


def _generate(artifact: dict[str, Any], z: torch.Tensor) -> torch.Tensor:
    generator = load_generator(artifact)
    with torch.no_grad():
        return from_range(generator(z.to(generator.device)).cpu(), artifact["output_range"])


def plot_interpolation(
    pairs: dict[str, Any], semi_supervised: dict[str, Any], supervised: dict[str, Any], figures: dict[str, Any]
) -> Figure:
    """002 Fig. 6: ADC maps decoded along the spherical path between the encodings of two real CS maps,
    (a) semi-supervised, (b) supervised only; the real maps are the first and last columns."""
    maps = pairs["figure_maps"]
    first, last = (int(i) for i in figures["interpolation_maps"])
    if len(maps) <= max(first, last):
        raise ValueError(f"Fig. 6 needs CS maps {first} and {last} of split '{figures['split_note']}', "
                         f"found {len(maps)}: use a cohort with more CS findings or other indices")
    ends = maps[[first, last], :1]
    paths = {}
    for title, artifact in (("(a) semi-supervised", semi_supervised), ("(b) supervised", supervised)):
        generator = load_generator(artifact)
        with torch.no_grad():
            codes = generator.encode(to_range(ends, artifact["output_range"]).to(generator.device)).cpu()
        z = interpolate_latents(codes[0], codes[1], int(figures["interpolation_steps"]), mode="spherical")
        decoded = _generate(artifact, z)[:, :1]
        paths[title] = torch.cat([ends[:1], decoded, ends[1:]])
    fig = interpolation_figure(paths, ["ADC"])
    fig.suptitle("Spherical interpolation between the encodings of two real CS ADC maps (002 Fig. 6)", fontsize=10)
    return fig


def plot_random_pairs(semi_supervised: dict[str, Any], supervised: dict[str, Any], figures: dict[str, Any]) -> Figure:
    """002 Fig. 7: ADC–T2w pairs from the same random latents z ~ N(0, I), (a) semi-supervised, (b) supervised."""
    z = torch.randn(int(figures["random_pairs"]), int(semi_supervised["latent_dim"]),
                    generator=torch.Generator().manual_seed(int(figures["seed"])))
    paths = {"(a) semi-supervised": _generate(semi_supervised, z), "(b) supervised": _generate(supervised, z)}
    fig = interpolation_figure(paths, list(semi_supervised["channels"]))
    fig.suptitle("ADC–T2w pairs from the same random latents (002 Fig. 7)", fontsize=10)
    return fig
