"""The evaluation protocol on fixed splits, per model and across models: the domain classifier, set scores
(IS/FID/KID/PRDC and their offline stand-ins), 002's SCA, memorisation, t-SNE points, the model comparison.

The evaluation pipeline (``evaluation.<model>``) and the mpMRI study call these functions as their nodes;
no Kedro here.

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
)
from medsynth_pipeline.classification.protocol import (
    channels_of,
    describe_data,
    embedder,
    inception_scorer,
    labelled_sets,
    no_study,
    no_tsne,
    task_splits,
    train_settings,
    with_skipped,
)
from medsynth_pipeline.classification.studies import (
    evaluate_conditions,
    sca_conditions,
    summarise_study,
)
from medsynth_pipeline.classification.training import train_classifier
from medsynth_pipeline.metrics.memorisation import memorisation_check
from medsynth_pipeline.metrics.results import InsufficientData
from medsynth_pipeline.metrics.scoring import ScoringSettings, not_computed_rows, score_image_sets
from medsynth_pipeline.metrics.statistics import compare_runs
from medsynth_pipeline.models.classifiers import display_name
from medsynth_pipeline.reporting.study_figures import tsne_embedding
from medsynth_pipeline.study_names import HELD_OUT, REAL_DATA

log = logging.getLogger(__name__)


def train_domain_classifier(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, model: dict[str, Any],
    domain: dict[str, Any], task: dict[str, Any], device: str,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """The classifier (trained on the real training split, early-stopped on validation) whose features and
    logits give the offline metrics, named ``<metric>-<Architecture>-real``.

    It sees real images only (the channels the model was trained on), so it depends on no generator."""
    channels = channels_of({}, model)
    settings = train_settings(domain, device)
    space = f"{display_name(settings.architecture)}-real"
    try:
        train, val, _ = task_splits(patches, patch_metadata, channels, task, task.get("rows") or {},
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


def score_model_sets(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, synthetic_images: dict[str, Any],
    synthetic_metadata: pd.DataFrame, domain_classifier: dict[str, Any], model: dict[str, Any],
    scoring: dict[str, Any], inception: dict[str, Any], task: dict[str, Any], device: str,
) -> pd.DataFrame:
    """Every set metric for each synthetic set and for the held-out real images (002's "real data" row).

    Reference: the real training images the model learnt from (its selection); held-out: the same rows
    of the validation and test splits.
    """
    channels = channels_of(synthetic_images, model)
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
    scorer, reason = inception_scorer(inception, device)
    scores = score_image_sets(real.images, real.patient_ids, candidates, channels, ScoringSettings.from_dict(scoring),
                              scorer, reason, embedder(domain_classifier), domain_classifier["space"],
                              domain_classifier.get("reason", ""))
    return _finish_scores(scores, model, channels, describe_data(channels, real, rows))


def _finish_scores(scores: pd.DataFrame, model: dict[str, Any], channels: list[str], data: str) -> pd.DataFrame:
    scores.insert(0, "model", model["name"])
    scores["row"] = np.where(scores["set"] == HELD_OUT, f"{REAL_DATA} ({model['name']})", model["name"])
    scores["data"] = data
    return scores


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
    """002's SCA per synthetic set on its fixed split (the mp-MRI reproduction pipelines): ANN on synthetic CS +
    real non-CS of the training split, accuracy on the class-balanced real test split; plus the "real data"
    row (real CS topped up with classical copies). The main job's SCA is cross-validated (study_nodes)."""
    channels = channels_of(synthetic_images, model)
    rows = task.get("rows") or {}
    sets, reason = labelled_sets(synthetic_images, synthetic_metadata, task, model)
    if not reason and not any((s.labels == 1).any() for s in sets.values()):
        reason = f"synthetic images of {model['name']} hold no positive ({task['label_column']}) image"
    try:
        if reason:
            raise InsufficientData(reason)
        train, val, test = task_splits(patches, patch_metadata, channels, task, rows, f"evaluation.{model['name']}/sca")
        if sca.get("balanced_test", True):  # 002's TestSet: 50 CS and 50 non-CS
            test = test.balanced(np.random.default_rng(int(sca["seed"])))
        if len(set(test.labels.tolist())) < 2:
            raise InsufficientData(f"the real test split of {model['name']} holds a single class")
    except InsufficientData as error:
        return no_study(model, "SCA", str(error), 1)[0]
    pool = classical_images(classical_images_, classical_metadata, channels, task["label_column"], rows)
    conditions = sca_conditions(train, {model["name"]: [sets[k] for k in sorted(sets)]}, pool, seed=int(sca["seed"]))
    result = evaluate_conditions(conditions, val, test, train_settings(sca, device), [int(sca["seed"])],
                                 study=f"{model['name']} SCA")
    runs = _runs_with_set(result.runs, model["name"])
    runs["sca"] = runs["accuracy"]  # accuracy on the class-balanced test split is 002's SCA
    return with_skipped(runs, result.skipped, model)


def check_memorisation(
    patches: dict[str, Any], patch_metadata: pd.DataFrame, synthetic_images: dict[str, Any],
    synthetic_metadata: pd.DataFrame, model: dict[str, Any], params: dict[str, Any], scoring: dict[str, Any],
    task: dict[str, Any],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Nearest real training image of every image of one synthetic set.

    Returns the pairs (closest first), the real-vs-real reference distances, a summary row, and the
    images of the ``n_pairs`` closest pairs (for the figure).
    """
    channels = channels_of(synthetic_images, model)
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
    channels = channels_of(synthetic_images, model)
    rows = task.get("rows") or {}
    try:
        real = real_images(patches, patch_metadata, ["train"], channels, task["label_column"], rows,
                           f"evaluation.{model['name']}/tsne")
    except InsufficientData as error:
        return no_tsne(model, str(error))
    groups = {"real": real, "classical": classical_images(classical_images_, classical_metadata, channels,
                                                           task["label_column"], rows)}
    sets, _ = labelled_sets(synthetic_images, synthetic_metadata, task, model)
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
        return no_tsne(model, str(error))
    return pd.concat([pd.DataFrame({"model": model["name"], "panel": name, "label": picked[name].labels,
                                    "x": points[:, 0], "y": points[:, 1], "reason": ""})
                      for name, points in embedding.items()], ignore_index=True)


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
    sca = sca_runs.drop(columns=["accuracy"], errors="ignore").rename(columns={"sca": "value"}).copy()
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
    summary, ttests = compare_runs(runs, reference_prefix=REAL_DATA)
    return runs, summary, ttests
