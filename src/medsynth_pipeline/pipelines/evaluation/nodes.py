"""Kedro glue of the evaluation stage: per model (``evaluation.<model>``) and across models.

``model`` is the model's ``gan_training.<model>`` block: its ``name`` and ``select`` (split, row filters,
channels) say which real images it learnt from; the synthetic images come from ``augmentation.<model>``.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd

from medsynth_pipeline.classification.data import LabelledImages
from medsynth_pipeline.classification.patch_sets import (
    classical_images,
    real_images,
    synthetic_set_images,
    synthetic_sets,
)
from medsynth_pipeline.classification.studies import (
    augmentation_conditions,
    evaluate_conditions,
    sca_conditions,
    summarise_study,
    tstr_conditions,
)
from medsynth_pipeline.classification.training import TrainSettings, predict, train_classifier
from medsynth_pipeline.metrics.inception import InceptionScorer, resolve_inception_weights
from medsynth_pipeline.metrics.memorisation import memorisation_check
from medsynth_pipeline.metrics.results import InsufficientData
from medsynth_pipeline.metrics.scoring import ScoringSettings, not_computed_rows, score_image_sets
from medsynth_pipeline.metrics.statistics import pairwise_t_tests, summarise
from medsynth_pipeline.models.classifiers import build_classifier, display_name
from medsynth_pipeline.reporting.study_figures import tsne_embedding
from medsynth_pipeline.training.runtime import select_device

log = logging.getLogger(__name__)
HELD_OUT = "real held-out"
REAL_DATA = "real data"


def _settings(study: dict[str, Any], device: str) -> TrainSettings:
    return TrainSettings.from_dict({**study["classifier"], "device": str(select_device(device))})


def _channels(synthetic_images: dict[str, Any], model: dict[str, Any]) -> list[str]:
    channels = list(synthetic_images.get("channels") or model["select"].get("channels") or [])
    if not channels:
        raise ValueError(f"synthetic images of {model['name']}: no channel names")
    return channels


def _task_splits(patches: dict[str, Any], metadata: pd.DataFrame, channels: list[str], task: dict[str, Any],
                 rows: dict[str, Any], what: str) -> tuple[LabelledImages, LabelledImages, LabelledImages]:
    return tuple(real_images(patches, metadata, [split], channels, task["label_column"], rows, what)
                 for split in ("train", "val", "test"))


def _sets(synthetic_images: dict[str, Any], synthetic_metadata: pd.DataFrame, task: dict[str, Any],
          model: dict[str, Any], which: Any = "all") -> tuple[dict[int, LabelledImages], str]:
    """The labelled synthetic sets, or ``({}, reason)`` when the model's images carry no class label
    (an unconditional generator trained on several classes)."""
    try:
        sets = synthetic_sets(synthetic_images, synthetic_metadata, task["label_column"], model["name"])
    except ValueError as error:
        if "label" not in str(error):
            raise
        log.warning("%s: %s; the classifier studies leave it out", model["name"], error)
        return {}, f"synthetic images of {model['name']} carry no '{task['label_column']}' label"
    return (sets if which == "all" else {k: v for k, v in sets.items() if k in set(which)}), ""


def _not_computed(model: dict[str, Any], study: str, reason: str) -> pd.DataFrame:
    return pd.DataFrame({"model": [model["name"]], "condition": [study], "status": ["not computed"],
                         "reason": [reason]})


def _with_skipped(runs: pd.DataFrame, skipped: pd.DataFrame, model: dict[str, Any]) -> pd.DataFrame:
    """Trained runs (status computed) followed by the conditions too small to train, with the reason."""
    missing = skipped.assign(model=model["name"], status="not computed")
    return pd.concat([runs.assign(model=model["name"], status="computed", reason=""), missing], ignore_index=True)


def _no_study(model: dict[str, Any], study: str, reason: str, outputs: int) -> tuple[pd.DataFrame, ...]:
    log.warning("%s of %s not computed: %s", study, model["name"], reason)
    empty = pd.DataFrame(columns=["model", "condition"])
    return (_not_computed(model, study, reason), *[empty] * (outputs - 1))


def train_domain_classifier(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, synthetic_images: dict[str, Any], model: dict[str, Any],
    domain: dict[str, Any], task: dict[str, Any], device: str,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """The classifier (trained on the real training split, early-stopped on validation) whose features and
    logits give the offline metrics, named ``<metric>-<Architecture>-real``."""
    channels = _channels(synthetic_images, model)
    settings = _settings(domain, device)
    space = f"{display_name(settings.architecture)}-real"
    try:
        train, val, _ = _task_splits(patches, patch_metadata, channels, task, task.get("rows") or {},
                                     f"evaluation.{model['name']}/domain")
        trained = train_classifier(train, val, settings, int(domain["seed"]), label=f"{model['name']} domain classifier")
    except InsufficientData as error:
        log.warning("%s: no domain classifier, its metrics are not computed: %s", model["name"], error)
        return {"state_dict": None, "space": space, "reason": str(error), "channels": channels}, pd.DataFrame(
            columns=["epoch", "train_loss", "val_loss", "val_accuracy"])
    artifact = {"state_dict": {k: v.cpu() for k, v in trained.model.state_dict().items()},
                "settings": asdict(settings), "in_shape": list(train.images.shape[1:]), "channels": channels,
                "space": space, "best_epoch": trained.best_epoch, "reason": ""}
    return artifact, trained.history


def _embedder(artifact: dict[str, Any]) -> Any:
    if artifact.get("state_dict") is None:
        return None
    settings = TrainSettings.from_dict(artifact["settings"])
    net = build_classifier(settings.architecture, artifact["in_shape"], 2, settings.hidden, settings.dropout, None,
                           settings.input_size)
    net.load_state_dict(artifact["state_dict"])
    net.to(settings.device).eval()
    return lambda images: predict(net, images, settings.batch_size, settings.device)[:2]


def _inception(params: dict[str, Any], device: str) -> tuple[InceptionScorer | None, str]:
    if not params.get("enabled", True):
        return None, "Inception metrics disabled (evaluation.inception.enabled: false)"
    path, reason = resolve_inception_weights(params.get("weights_path"), params.get("search_torch_cache", True))
    if path is None:
        log.warning("FID/IS/KID not computed: %s", reason)
        return None, reason
    return InceptionScorer(path, int(params.get("batch_size", 64)), str(select_device(device))), ""


def score_model_sets(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, synthetic_images: dict[str, Any],
    synthetic_metadata: pd.DataFrame, domain_classifier: dict[str, Any], model: dict[str, Any],
    scoring: dict[str, Any], inception: dict[str, Any], task: dict[str, Any], device: str,
) -> pd.DataFrame:
    """Every set metric for each synthetic set and for the held-out real images (002's "real data" row).

    Reference: the real training images the model learnt from (its selection); held-out: the same rows
    of the validation and test splits.
    """
    channels = _channels(synthetic_images, model)
    rows = model["select"].get("rows") or {}
    what = f"evaluation.{model['name']}/scoring"
    candidates = {f"set{k}": images for k, images in
                  synthetic_set_images(synthetic_images, synthetic_metadata, model["name"]).items()}
    try:
        real = real_images(patches, patch_metadata, ["train"], channels, task["label_column"], rows, what)
    except InsufficientData as error:
        scores = not_computed_rows([*candidates, HELD_OUT], channels, domain_classifier["space"], str(error))
        return _finish_scores(scores, model, channels, f"{'+'.join(channels)}, no real training image")
    try:
        candidates[HELD_OUT] = real_images(patches, patch_metadata, ["val", "test"], channels, task["label_column"],
                                           rows, what).images
    except InsufficientData as error:
        log.warning("%s: no real-data row: %s", model["name"], error)
    scorer, reason = _inception(inception, device)
    scores = score_image_sets(real.images, real.patient_ids, candidates, channels, ScoringSettings.from_dict(scoring),
                              scorer, reason, _embedder(domain_classifier), domain_classifier["space"],
                              domain_classifier.get("reason", ""))
    return _finish_scores(scores, model, channels, describe_data(channels, real, rows))


def _finish_scores(scores: pd.DataFrame, model: dict[str, Any], channels: list[str], data: str) -> pd.DataFrame:
    scores.insert(0, "model", model["name"])
    scores["row"] = np.where(scores["set"] == HELD_OUT, f"{REAL_DATA} ({model['name']})", model["name"])
    scores["data"] = data
    return scores


def describe_data(channels: list[str], images: LabelledImages, rows: dict[str, Any]) -> str:
    """What the scores are computed on, e.g. ``ADC 32×32, is_lesion=True``: models are only compared
    (t-tests) when this is the same."""
    height, width = images.images.shape[-2:]
    filters = ", ".join(f"{k}={v}" for k, v in rows.items() if v is not None)
    return f"{'+'.join(channels)} {height}×{width}" + (f", {filters}" if filters else "")


def _runs_with_set(result_runs: pd.DataFrame, model: str) -> pd.DataFrame:
    runs = result_runs.copy()
    runs["set"] = runs["condition"].str.extract(r"/set(\d+)$", expand=False)
    runs["row"] = np.where(runs["condition"] == REAL_DATA, f"{REAL_DATA} ({model})", model)
    runs.insert(0, "model", model)
    return runs


def slice_level_accuracy(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, synthetic_images: dict[str, Any],
    synthetic_metadata: pd.DataFrame, classical_images_: dict[str, Any], classical_metadata: pd.DataFrame,
    model: dict[str, Any], sca: dict[str, Any], task: dict[str, Any], device: str,
) -> pd.DataFrame:
    """002's SCA per synthetic set: ANN on synthetic CS + real non-CS of the training split, accuracy on the
    real test split; plus the "real data" row (real CS topped up with classical copies)."""
    channels = _channels(synthetic_images, model)
    rows = task.get("rows") or {}
    sets, reason = _sets(synthetic_images, synthetic_metadata, task, model)
    if not reason and not any((s.labels == 1).any() for s in sets.values()):
        reason = f"synthetic images of {model['name']} hold no positive ({task['label_column']}) image"
    try:
        if reason:
            raise InsufficientData(reason)
        train, val, test = _task_splits(patches, patch_metadata, channels, task, rows, f"evaluation.{model['name']}/sca")
    except InsufficientData as error:
        return _no_study(model, "SCA", str(error), 1)[0]
    pool = classical_images(classical_images_, classical_metadata, channels, task["label_column"], rows)
    conditions = sca_conditions(train, {model["name"]: [sets[k] for k in sorted(sets)]}, pool, seed=int(sca["seed"]))
    result = evaluate_conditions(conditions, val, test, _settings(sca, device), [int(sca["seed"])],
                                 study=f"{model['name']} SCA")
    return _with_skipped(_runs_with_set(result.runs, model["name"]), result.skipped, model)


def augmentation_study(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, synthetic_images: dict[str, Any],
    synthetic_metadata: pd.DataFrame, classical_images_: dict[str, Any], classical_metadata: pd.DataFrame,
    model: dict[str, Any], study: dict[str, Any], task: dict[str, Any], device: str,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """004 Table 1 for this model's patches: real / + classical / + GAN / + both, several seeds.

    Returns runs, test predictions, learning curves and the training-set composition of each condition.
    """
    channels = _channels(synthetic_images, model)
    rows = task.get("rows") or {}
    try:
        train, val, test = _task_splits(patches, patch_metadata, channels, task, rows, f"evaluation.{model['name']}/004")
    except InsufficientData as error:
        return _no_study(model, "augmentation study", str(error), 4)
    pool = classical_images(classical_images_, classical_metadata, channels, task["label_column"], rows)
    sets, reason = _sets(synthetic_images, synthetic_metadata, task, model, study.get("synthetic_sets", "all"))
    gan = LabelledImages.concat(list(sets.values())) if sets else None
    conditions = augmentation_conditions(train, pool, gan, [int(a) for a in study["amounts_per_class"]],
                                         seed=int(study["seeds"][0]))
    result = evaluate_conditions(conditions, val, test, _settings(study, device), [int(s) for s in study["seeds"]],
                                 study=f"{model['name']} augmentation study")
    runs = _with_skipped(result.runs, result.skipped, model)
    if reason:
        runs = pd.concat([runs, _not_computed(model, "real + GAN", reason)], ignore_index=True)
    frames = (runs, result.predictions, result.histories, result.composition)
    return tuple(f.assign(model=model["name"]) for f in frames)


def tstr_study(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, synthetic_images: dict[str, Any],
    synthetic_metadata: pd.DataFrame, model: dict[str, Any], study: dict[str, Any], task: dict[str, Any], device: str,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """TSTR (synthetic set 0 only) vs TRTR on the kind of images the model generates (its row filters
    without the label column). A model whose synthetic images hold one class gets an empty, explained result."""
    channels = _channels(synthetic_images, model)
    rows = {k: v for k, v in (model["select"].get("rows") or {}).items() if k != task["label_column"]}
    sets, reason = _sets(synthetic_images, synthetic_metadata, task, model)
    if not reason and len(set(sets[min(sets)].labels.tolist())) < 2:
        reason = f"synthetic images of {model['name']} hold a single class of {task['label_column']}"
    try:
        if reason:
            raise InsufficientData(reason)
        train, val, test = _task_splits(patches, patch_metadata, channels, task, rows, f"evaluation.{model['name']}/tstr")
    except InsufficientData as error:
        return _no_study(model, "TSTR", str(error), 3)
    result = evaluate_conditions(tstr_conditions(train, {model["name"]: sets[min(sets)]}), val, test,
                                 _settings(study, device), [int(s) for s in study["seeds"]], study=f"{model['name']} TSTR")
    runs = _with_skipped(result.runs, result.skipped, model)
    return runs, result.predictions.assign(model=model["name"]), result.histories.assign(model=model["name"])


def check_memorisation(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, synthetic_images: dict[str, Any],
    synthetic_metadata: pd.DataFrame, model: dict[str, Any], params: dict[str, Any], scoring: dict[str, Any],
    task: dict[str, Any],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Nearest real training image of every image of one synthetic set.

    Returns the pairs (closest first), the real-vs-real reference distances, a summary row, and the
    images of the ``n_pairs`` closest pairs (for the figure).
    """
    channels = _channels(synthetic_images, model)
    sets = synthetic_set_images(synthetic_images, synthetic_metadata, model["name"])
    set_index = int(params["set_index"]) if int(params["set_index"]) in sets else min(sets)
    try:
        real = real_images(patches, patch_metadata, ["train"], channels, task["label_column"],
                           model["select"].get("rows") or {}, f"evaluation.{model['name']}/memorisation")
        check = memorisation_check(sets[set_index], real.images, real.patient_ids,
                                   float(scoring["memorisation_quantile"]))
    except InsufficientData as error:
        log.warning("memorisation check of %s not computed: %s", model["name"], error)
        summary = pd.DataFrame([{"model": model["name"], "set": set_index, "status": "not computed",
                                 "reason": str(error)}])
        empty = sets[set_index][:0]
        return (pd.DataFrame(columns=["synthetic_index", "nearest_real_index", "nearest_patient_id", "distance",
                                      "near_copy", "model", "set"]),
                pd.DataFrame(columns=["model", "distance"]), summary,
                {"synthetic": empty, "real": empty, "threshold": float("nan"), "channels": channels})
    summary = pd.DataFrame([{"model": model["name"], "set": set_index, **check.summary(), "status": "computed",
                             "reason": ""}])
    reference = pd.DataFrame({"model": model["name"], "distance": check.reference_distances})
    closest = check.pairs.head(int(params["n_pairs"]))
    examples = {
        "synthetic": sets[set_index][closest["synthetic_index"].to_numpy()].clone(),
        "real": real.images[closest["nearest_real_index"].to_numpy()].clone(),
        "threshold": check.threshold, "channels": channels,
    }
    return check.pairs.assign(model=model["name"], set=set_index), reference, summary, examples


def tsne_points(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, synthetic_images: dict[str, Any],
    synthetic_metadata: pd.DataFrame, classical_images_: dict[str, Any], classical_metadata: pd.DataFrame,
    model: dict[str, Any], params: dict[str, Any], task: dict[str, Any],
) -> pd.DataFrame:
    """004 Fig. 6 data: one t-SNE of up to ``per_category`` real / classical / GAN images per class."""
    channels = _channels(synthetic_images, model)
    rows = task.get("rows") or {}
    try:
        real = real_images(patches, patch_metadata, ["train"], channels, task["label_column"], rows,
                           f"evaluation.{model['name']}/tsne")
    except InsufficientData as error:
        return _no_tsne(model, str(error))
    groups = {"real": real, "classical": classical_images(classical_images_, classical_metadata, channels,
                                                           task["label_column"], rows)}
    sets, _ = _sets(synthetic_images, synthetic_metadata, task, model)
    if sets:  # unlabelled synthetic images cannot be placed per class; the figure says so
        groups["GAN"] = LabelledImages.concat(list(sets.values()))
    rng = np.random.default_rng(int(params["seed"]))
    picked = {name: LabelledImages.concat([s.of_class(c).sample(int(params["per_category"]), rng)
                                           for c in (0, 1) if (s.labels == c).any()])
              for name, s in groups.items() if len(s)}
    try:
        embedding = tsne_embedding({n: s.images.numpy() for n, s in picked.items()}, float(params["perplexity"]),
                                   int(params["max_iter"]), int(params["seed"]))
    except InsufficientData as error:
        return _no_tsne(model, str(error))
    return pd.concat([pd.DataFrame({"model": model["name"], "panel": name, "label": picked[name].labels,
                                    "x": points[:, 0], "y": points[:, 1], "reason": ""})
                      for name, points in embedding.items()], ignore_index=True)


def _no_tsne(model: dict[str, Any], reason: str) -> pd.DataFrame:
    log.warning("t-SNE of %s not computed: %s", model["name"], reason)
    return pd.DataFrame({"model": [model["name"]], "panel": pd.array([pd.NA], dtype="string"),
                         "label": pd.array([pd.NA], dtype="Int64"), "x": [np.nan], "y": [np.nan], "reason": [reason]})


def combine(*frames: pd.DataFrame) -> pd.DataFrame:
    """Concatenate the per-model tables of one kind."""
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def summarise_predictions(predictions: pd.DataFrame, bootstrap: dict[str, Any]) -> pd.DataFrame:
    """Per model and condition: mean ± std over seeds and the (patient-aware) bootstrap CI of each metric."""
    if predictions.empty:
        return pd.DataFrame(columns=["model", "condition", "metric", "mean", "std", "ci_low", "ci_high"])
    parts = [summarise_study(group, int(bootstrap["n_boot"]), float(bootstrap["confidence"]),
                             bool(bootstrap["patient_aware"]), int(bootstrap["seed"])).assign(model=model)
             for model, group in predictions.groupby("model", sort=False)]
    summary = pd.concat(parts, ignore_index=True)
    return summary[["model", *[c for c in summary.columns if c != "model"]]]



def compare_models(scores: pd.DataFrame, sca_runs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """002 Table II across models: every metric per synthetic set, mean ± std over the sets, Welch t-tests.

    Returns the long per-set table (``row, model, set, metric, value, status, reason, data``), the
    summary (``row, metric, mean, std, n, status, reason, data``) and the t-tests between models that
    were scored on the same data.
    """
    sca = sca_runs.rename(columns={"accuracy": "value"}).copy()
    if not sca.empty:
        if "status" not in sca:
            sca["status"], sca["reason"] = "computed", ""
        sca["status"] = sca["status"].fillna("computed")
        sca["reason"] = sca["reason"].fillna("")
        missing = sca["status"] == "not computed"
        sca.loc[missing, "row"] = np.where(sca.loc[missing, "condition"] == REAL_DATA,
                                           REAL_DATA + " (" + sca.loc[missing, "model"] + ")", sca.loc[missing, "model"])
        sca = sca.assign(metric="SCA", features="ANN (002)", data=sca["model"].map(
            scores.drop_duplicates("model").set_index("model")["data"]))
        held_out = sca["row"].str.startswith(REAL_DATA)
        sca["set"] = np.where(held_out, HELD_OUT, np.where(missing, "all", "set" + sca["set"].astype(str)))
    columns = ["row", "model", "set", "metric", "value", "status", "reason", "features", "data"]
    runs = pd.concat([scores[columns], sca[columns]] if not sca.empty else [scores[columns]], ignore_index=True)
    summary = summarise(runs, ["row", "data", "metric"], ["value"]).rename(
        columns={"value_mean": "mean", "value_std": "std", "value_n": "n"})
    status = runs.groupby(["row", "metric"], sort=False).agg(
        status=("status", lambda s: "computed" if (s == "computed").any() else "not computed"),
        reason=("reason", lambda r: next((x for x in r if x), "")))
    summary = summary.merge(status.reset_index(), on=["row", "metric"], how="left")
    summary["sets"] = summary["row"].map(runs.groupby("row")["set"].nunique())
    models = runs[~runs["row"].str.startswith(REAL_DATA) & (runs["status"] == "computed")]
    tests = [pairwise_t_tests(group.pivot_table(index=["row", "set"], columns="metric", values="value").reset_index(),
                              "row", sorted(group["metric"].unique())).assign(data=data)
             for data, group in models.groupby("data", sort=False) if group["row"].nunique() > 1]
    ttests = pd.concat(tests, ignore_index=True) if tests else pd.DataFrame(
        columns=["metric", "a", "b", "t", "p_value", "n_a", "n_b", "data"])
    return runs, summary, ttests
