"""Kedro glue of seed 004's tumour-detection study on whole slices (Table 1 and Fig. 6).

Real slices come from the pggan stage (patient splits: train / val / test); the classical pool are
classically augmented copies of the real training slices (``augmentation.classical``, MONAI); the PGGAN
pool are synthetic slices of each class, of which the least realistic are discarded by a stated automatic
criterion (``models.pggan_realism``). Training, early stopping, metrics and bootstrap CIs are the
evaluation stage's (``classification``, ``metrics``).
"""

from __future__ import annotations

import logging
import math
import re
from typing import Any

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from medsynth_pipeline.augmentation.classical import ClassicalAugmentation, augment_images
from medsynth_pipeline.classification.data import SYNTHETIC_PATIENT_PREFIX, LabelledImages
from medsynth_pipeline.classification.patch_sets import real_images
from medsynth_pipeline.classification.studies import (
    augmentation_conditions,
    evaluate_conditions,
    summarise_study,
)
from medsynth_pipeline.classification.training import TrainSettings
from medsynth_pipeline.models.classifiers import display_name
from medsynth_pipeline.models.latent import load_generator
from medsynth_pipeline.models.pggan_realism import (
    RealismFilter,
    critic_scores,
    knn_realism_scores,
    load_critics,
    most_realistic,
    pooled_features,
)
from medsynth_pipeline.reporting.gan_figures import synthetic_samples_figure
from medsynth_pipeline.reporting.study_figures import metric_intervals_figure, tsne_embedding, tsne_figure
from medsynth_pipeline.reporting.tables import comparison_table, markdown_with_notes
from medsynth_pipeline.training.runtime import select_device
from medsynth_pipeline.training.selection import from_range, to_range

logger = logging.getLogger(__name__)

REAL, CLASSICAL, GAN, BOTH = "real", "real + classical", "real + GAN", "real + classical + GAN"
TABLE_METRICS = ("accuracy", "sensitivity", "specificity")


def _at_size(images: torch.Tensor, size: int, what: str) -> torch.Tensor:
    """Real slices averaged down to the generator's resolution (they are compared and mixed with its images)."""
    current = int(images.shape[-1])
    if current == size:
        return images
    if size > current or current % size:
        raise ValueError(f"{what}: slices of {current}×{current} cannot be brought to the generator's {size}×{size}")
    return F.avg_pool2d(images, current // size)


def real_slice_sets(
    slices: dict[str, Any], slice_metadata: pd.DataFrame, generator: dict[str, Any], study: dict[str, Any]
) -> dict[str, LabelledImages]:
    """The real train / val / test slices (patient splits), labelled lesion (1) / no lesion (0)."""
    size = int(generator.get("trained_resolution") or slices["images"].shape[-1])
    channels = list(generator.get("channels") or slices["channels"])
    sets = {}
    for split in ("train", "val", "test"):
        chosen = real_images(slices, slice_metadata, [split], channels, study["label_column"], {},
                             f"detection_study/{split}")
        sets[split] = LabelledImages(_at_size(chosen.images, size, "detection_study"), chosen.labels,
                                     chosen.patient_ids, chosen.sources)
        logger.info("detection study %s: %d slices (%d lesion)", split, len(chosen), int(chosen.labels.sum()))
    return sets


def _pool_size(protocol: dict[str, Any]) -> int:
    """Images per class in each pool: the largest amount the study draws (004: 100,000 per class)."""
    return max(int(a) for a in protocol["amounts_per_class"])


def classical_pool(
    real: dict[str, LabelledImages], transform: dict[str, Any], protocol: dict[str, Any], study: dict[str, Any]
) -> LabelledImages:
    """Classically augmented copies of the real training slices, ``_pool_size`` per class; ``transform`` is
    the project's 004 augmentation (``augmentation.classical.transform``: flips, ≤10°, ≤8 % shift/shear/zoom)."""
    amount = _pool_size(protocol)
    settings = ClassicalAugmentation.from_params(transform)
    train, parts = real["train"], []
    for label in (0, 1):
        members = train.of_class(label)
        if len(members) == 0:
            raise ValueError(f"detection_study: no real training slice of class {label} to augment")
        copies = math.ceil(amount / len(members))
        images, source = augment_images(members.images, settings, copies, int(study["seed"]) + label)
        keep = np.arange(amount)
        parts.append(LabelledImages.build(images[torch.as_tensor(keep)], [label] * amount,
                                          members.patient_ids[source[keep]], "classical"))
    return LabelledImages.concat(parts)


def synthetic_pool(
    generator: dict[str, Any], critics: dict[str, Any], real: dict[str, LabelledImages], protocol: dict[str, Any],
    study: dict[str, Any],
) -> tuple[LabelledImages, pd.DataFrame, Figure]:
    """``_pool_size`` PGGAN slices per class, after discarding the least realistic (``realism_filter``).

    Returns the pool, one row per class on what was discarded and why, and a figure of the most and the
    least realistic images of each class (what the filter kept and what it threw away).
    """
    amount = _pool_size(protocol)
    rule = RealismFilter.from_params(study["realism_filter"])
    device = str(select_device(study.get("device", "auto")))
    net = load_generator(generator, device)
    n_generate = rule.to_generate(amount)
    rng = torch.Generator().manual_seed(int(study["seed"]))
    images, labels = [], []
    for label in (0, 1):
        for start in range(0, n_generate, rule.batch_size):
            n = min(rule.batch_size, n_generate - start)
            batch = net.generate(n, torch.full((n,), label, dtype=torch.long), generator=rng).float().cpu()
            images.append(from_range(batch, generator["output_range"]))
            labels += [label] * n
    pool, label_array = torch.cat(images), np.asarray(labels)
    scores = _realism(rule, pool, label_array, critics, real["train"], generator, device)
    keep = most_realistic(scores, label_array, amount)
    report = pd.DataFrame([{
        "class": label, "generated": int((label_array == label).sum()), "kept": int((label_array[keep] == label).sum()),
        "criterion": rule.criterion, "discard_fraction": rule.discard_fraction,
        "score_threshold": float(np.min(scores[keep][label_array[keep] == label])) if rule.criterion != "none" else np.nan,
        "outside_real_manifold": int((scores[label_array == label] < 1).sum()) if rule.criterion == "knn_realism" else np.nan,
    } for label in (0, 1)])
    logger.info("detection study: PGGAN pool %d images (%s)", len(keep), report.to_dict("records"))
    figure = _kept_and_discarded(pool, label_array, scores, study)
    kept = LabelledImages.build(pool[torch.as_tensor(keep)], label_array[keep], f"{SYNTHETIC_PATIENT_PREFIX}pggan", "gan")
    return kept, report, figure


def _realism(rule: RealismFilter, pool: torch.Tensor, labels: np.ndarray, critics: dict[str, Any],
             train: LabelledImages, generator: dict[str, Any], device: str) -> np.ndarray:
    if rule.criterion == "none":
        return np.zeros(len(pool))
    if rule.criterion == "critic":
        nets = load_critics(critics, device)
        return critic_scores(nets, to_range(pool, generator["output_range"]), torch.as_tensor(labels),
                             rule.batch_size, rule.critic_repeats)
    scores = np.empty(len(pool))
    for label in (0, 1):  # each class against the real slices of its own class
        reals = pooled_features(train.of_class(label).images, rule.feature_size)
        mine = np.flatnonzero(labels == label)
        scores[mine] = knn_realism_scores(reals, pooled_features(pool[torch.as_tensor(mine)], rule.feature_size),
                                          rule.nearest_k)
    return scores


def _kept_and_discarded(pool: torch.Tensor, labels: np.ndarray, scores: np.ndarray, study: dict[str, Any]) -> Figure:
    per_row = int(study["figure_per_row"])
    rows, images = [], []
    for label, name in enumerate(study["class_names"]):
        members = np.flatnonzero(labels == label)
        order = members[np.argsort(-scores[members], kind="stable")]
        images += [pool[torch.as_tensor(order[:per_row])], pool[torch.as_tensor(order[::-1][:per_row].copy())]]
        rows += [f"{name}: most realistic", f"{name}: least realistic"]
    return synthetic_samples_figure(torch.cat(images), rows, per_row=per_row)


def run_detection_study(
    real: dict[str, LabelledImages], classical: LabelledImages, synthetic: LabelledImages, protocol: dict[str, Any],
    study: dict[str, Any],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """004 Table 1's four conditions (per amount), each trained with every seed of ``protocol`` (the
    evaluation's ``augmentation_study``: ResNet-50, dropout 0.5, Adam 1e-3, batch 192, patience 10): runs,
    test predictions, learning curves, training-set composition."""
    conditions = augmentation_conditions(real["train"], classical, synthetic,
                                         [int(a) for a in protocol["amounts_per_class"]], seed=int(study["seed"]))
    classifier = {**protocol["classifier"], "device": str(select_device(study.get("device", "auto")))}
    result = evaluate_conditions(conditions, real["val"], real["test"], TrainSettings.from_dict(classifier),
                                 [int(s) for s in protocol["seeds"]], study="detection study")
    return result.runs, result.predictions, result.histories, result.composition


def condition_label(condition: str, architecture: str, amounts: list[int]) -> str:
    """004's row names: ``ResNet-50 (w/ 200,000 classical DA + 200,000 PGGAN-based DA)`` (totals over classes)."""
    match = re.fullmatch(r"(.*?)(?: \((\d+)/class\))?", condition)
    base, per_class = match.group(1), int(match.group(2) or max(amounts))
    total = f"{2 * per_class:,}"
    return {REAL: f"{architecture} (w/o DA)", CLASSICAL: f"{architecture} (w/ {total} classical DA)",
            GAN: f"{architecture} (w/ {total} PGGAN-based DA)",
            BOTH: f"{architecture} (w/ {total} classical DA + {total} PGGAN-based DA)"}.get(base, condition)


def table_1(
    predictions: pd.DataFrame, protocol: dict[str, Any], bootstrap: dict[str, Any], study: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, str, Figure]:
    """Accuracy, sensitivity and specificity per condition with bootstrap CIs, in 004's Table 1 layout."""
    boot = bootstrap
    summary = summarise_study(predictions, int(boot["n_boot"]), float(boot["confidence"]),
                              bool(boot["patient_aware"]), int(boot["seed"]))
    amounts = [int(a) for a in protocol["amounts_per_class"]]
    arch = display_name(protocol["classifier"]["architecture"])
    summary["row"] = [condition_label(c, arch, amounts) for c in summary["condition"]]
    long = summary.assign(n=summary["n_seeds"])
    table = comparison_table(long, list(dict.fromkeys(long["row"])), TABLE_METRICS, digits=2,
                             percent=TABLE_METRICS, with_ci=True)
    table = table.rename(columns={"row": "Experimental condition", **{m: m.capitalize() for m in TABLE_METRICS}})
    level = int(round(100 * float(boot["confidence"])))
    notes = [f"% as mean over {summary['n_seeds'].max()} seed(s) ± std, [{level} % bootstrap CI over test "
             f"{'patients' if boot['patient_aware'] else 'slices'}]; "
             f"realism filter: {study['realism_filter']['criterion']}, "
             f"{study['realism_filter']['discard_fraction']:.0%} of synthetic slices discarded per class."]
    markdown = markdown_with_notes("Tumour detection with/without data augmentation (004 Table 1)", table, notes)
    figure = metric_intervals_figure(summary, list(TABLE_METRICS), title="Detection study: test metrics, 95 % CI")
    return summary, table, markdown, figure


def tsne_real_classical_synthetic(
    real: dict[str, LabelledImages], classical: LabelledImages, synthetic: LabelledImages, params: dict[str, Any],
    study: dict[str, Any],
) -> tuple[pd.DataFrame, Figure]:
    """004 Fig. 6: one t-SNE of real / classical / PGGAN slices, ``per_category`` of each class (the
    evaluation's ``tsne`` settings: 300 per category, perplexity 100, 1,000 iterations)."""
    rng = np.random.default_rng(int(params["seed"]))
    groups = {"real": real["train"], "classical": classical, "PGGAN": synthetic}
    picked = {name: LabelledImages.concat([s.of_class(c).sample(int(params["per_category"]), rng) for c in (0, 1)
                                           if (s.labels == c).any()]) for name, s in groups.items()}
    embedding = tsne_embedding({n: s.images.numpy() for n, s in picked.items()}, float(params["perplexity"]),
                               int(params["max_iter"]), int(params["seed"]))
    points = pd.concat([pd.DataFrame({"panel": name, "label": picked[name].labels, "x": xy[:, 0], "y": xy[:, 1]})
                        for name, xy in embedding.items()], ignore_index=True)
    figure = tsne_figure(embedding, {n: s.labels for n, s in picked.items()}, list(study["class_names"]),
                         list(groups), title="t-SNE of real, classically augmented and PGGAN slices (004 Fig. 6)")
    return points, figure
