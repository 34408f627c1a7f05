"""Kedro glue of the reporting stage: CSV/Markdown tables, per-model figures and REPORT.md."""

from __future__ import annotations

import math
import re
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from medsynth_pipeline.reporting.realism_table import (
    RealismTargets,
    headline_table,
    headline_view,
    ladder_flags,
    realism_notes,
)
from medsynth_pipeline.reporting.report_md import ReportSection, render_report
from medsynth_pipeline.reporting.study_figures import (
    distance_histogram_figure,
    learning_curves_figure,
    memorisation_pairs_figure,
    metric_intervals_figure,
    paired_differences_figure,
    roc_curves_figure,
    tsne_figure,
)
from medsynth_pipeline.reporting.tables import (
    comparison_table,
    markdown_table,
    markdown_with_notes,
    not_computed_notes,
)
from medsynth_pipeline.study_names import REAL_DATA

# Per-model figures: dataset name in reporting.<model> -> caption. The report links them in this order.
FIGURES = {
    "roc_augmentation": "Augmentation study: ROC curves on the real test split",
    "intervals_augmentation": "Augmentation study: metrics with 95 % bootstrap CIs",
    "learning_curves_augmentation": "Augmentation study: classifier loss curves",
    "roc_tstr": "TSTR vs TRTR: ROC curves",
    "tsne": "t-SNE of real, classically augmented and synthetic images (004 Fig. 6)",
    "memorisation_pairs": "Closest synthetic / real training pairs",
    "memorisation_distances": "Nearest-real-neighbour distances",
}
TABLES = {
    "gan_comparison": "Synthetic image quality (002 Table II protocol)",
    "gan_comparison_ttests": "Welch t-tests between models",
    "table_ii": "002 Table II: semi-supervised mp-MRI synthesis",
    "realism": "Realism of the synthetic images: FRD and C2ST",
    "augmentation_study": "Augmentation study (004 Table 1)",
    "paired_comparisons": "Does synthetic data help? Paired comparisons and verdicts",
    "tstr": "Train on synthetic, test on real (TSTR) vs train on real (TRTR)",
    "memorisation": "Memorisation check",
}


def _message_figure(text: str) -> Figure:
    """A figure that states why there is nothing to plot (never an empty or invented plot)."""
    fig, ax = plt.subplots(figsize=(6, 1.6))
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, fontsize=10)
    return fig


def _ordered_metrics(summary: pd.DataFrame, first: list[str]) -> list[str]:
    present = list(dict.fromkeys(summary["metric"]))
    return [m for m in first if m in present] + [m for m in present if m not in first]


def gan_comparison_tables(
    summary: pd.DataFrame, ttests: pd.DataFrame, realism_scores: pd.DataFrame, params: dict[str, Any]
) -> tuple[pd.DataFrame, str, pd.DataFrame, str]:
    """002 Table II layout (models and real-data rows × metrics, mean ± std over synthetic sets), in two
    Markdown tables: the paper's Inception metrics and SCA, then the offline domain metrics. A metric of the
    table that failed the realism metric ladder (FD/KID/PRDC on classifier features) is flagged in the notes."""
    data = summary.drop_duplicates("row").set_index("row")["data"]
    metrics = _ordered_metrics(summary, params["comparison_metrics_first"])
    paper = [m for m in metrics if m.split("-")[0] in ("IS", "FID", "KID") and "-real" not in m or m == "SCA"]
    tables = []
    for columns in (paper, [m for m in metrics if m not in paper]):
        table = comparison_table(summary, metric_order=columns, digits=int(params["digits"]),
                                 percent=params["percent_metrics"])
        table.insert(1, "data", table["row"].map(data))
        tables.append(table)
    notes = ["Mean ± std over the synthetic sets of each model; real-data rows: the held-out real images "
             "scored like one more set.", *not_computed_notes(summary),
             *ladder_flags(realism_scores, metrics=set(summary["metric"]),
                           consequence="on this run's data it is no measure of realism")]
    text = (markdown_with_notes(TABLES["gan_comparison"], tables[0])
            + "\n" + markdown_table(tables[1]) + "\n\n" + "".join(f"- {note}\n" for note in notes))
    tests_md = markdown_with_notes(TABLES["gan_comparison_ttests"], ttests.round(4) if len(ttests) else
                                   pd.DataFrame({"note": ["no two models were scored on the same data"]}))
    return summary, text, ttests, tests_md


def table_ii_tables(summary: pd.DataFrame, params: dict[str, Any]) -> tuple[pd.DataFrame, str]:
    """002 Table II for the run's 002 synthesizers (``table_ii.models``: model -> row label): their rows and
    the real-data row, the paper's columns first (IS-ADC, IS-T2w, FID, SCA %), then the offline fallbacks
    named after their features. Empty (and left out of the report) when none of them was in the run."""
    spec = params["table_ii"]
    labels = dict(spec["models"])
    rows = dict(labels) | {
        f"{REAL_DATA} ({m})": spec["real_label"] if len(labels) == 1 else f"{spec['real_label']} ({labels[m]})"
        for m in labels}
    mine = summary[summary["row"].isin(list(rows))].assign(row=lambda f: f["row"].map(rows))
    if mine.empty:
        return mine, markdown_with_notes(TABLES["table_ii"], pd.DataFrame(
            {"note": [f"none of {sorted(labels)} (reporting.table_ii.models) was in this run's model list"]}))
    metrics = _ordered_metrics(mine, spec["metrics_first"])
    paper = [m for m in metrics if m in spec["metrics_first"]]
    order = [r for r in dict.fromkeys(rows.values()) if r in set(mine["row"])]
    offline = [m for m in metrics if m not in paper]
    tables = [comparison_table(mine, row_order=order, metric_order=columns, digits=int(params["digits"]),
                               percent=params["percent_metrics"]) for columns in (paper, offline)]
    notes = [f"Mean ± std over the synthetic sets; {spec['real_label']}: held-out real CS pairs (IS, FID, …) and "
             "real CS topped up with classical copies (SCA). FID is per modality here (002 scores the pairs jointly).",
             *not_computed_notes(mine)]
    text = (markdown_with_notes(TABLES["table_ii"], tables[0]) + "\n" + markdown_table(tables[1]) + "\n\n"
            + "".join(f"- {note}\n" for note in notes))
    return mine, text


def _not_run_lines(runs: pd.DataFrame, study: str) -> list[str]:
    if "status" not in runs:
        return []
    missing = runs[runs["status"] == "not computed"]
    return [f"{study} {r.model}, {r.condition}: not computed ({r.reason})" for r in missing.itertuples()]


def study_tables(summary: pd.DataFrame, runs: pd.DataFrame, params: dict[str, Any], study: str) -> tuple[pd.DataFrame, str]:
    """004 Table 1 layout: one row per model and condition, metrics as mean ± std [95 % CI] in %; a note for
    every condition that could not be run, with the reason."""
    notes = _not_run_lines(runs, TABLES[study].split(" (")[0])
    if summary.empty:
        return summary, markdown_with_notes(TABLES[study], pd.DataFrame({"note": ["no condition was run"]}), notes)
    long = summary.assign(row=summary["model"] + ": " + summary["condition"], n=summary["n_seeds"])
    table = comparison_table(long, metric_order=params["study_metrics"], digits=1,
                             percent=params["percent_metrics"], with_ci=True)
    notes = ["Mean ± std over seeds, [95 % bootstrap CI] with test patients resampled; in %.", *notes]
    return summary, markdown_with_notes(TABLES[study], table, notes)


def _difference(row: pd.Series) -> str:
    return f"{row['difference']:+.3f} [{row['ci_low']:+.3f}, {row['ci_high']:+.3f}]"


def paired_comparison_tables(comparisons: pd.DataFrame, verdicts: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """One row per study, model and comparison: ΔROC AUC and Δbalanced accuracy with their paired 95 % CIs and
    p-values, and the verdict; then the verdict sentences of each study."""
    if comparisons.empty:
        return comparisons, markdown_with_notes(TABLES["paired_comparisons"], pd.DataFrame(
            {"note": ["no two conditions of a study could be compared (see the study tables)"]}))
    rows = []
    for (study, model, condition, baseline), group in comparisons.groupby(
            ["study", "model", "condition", "baseline"], sort=False):
        by = group.set_index("metric")
        auc, bacc = by.loc["roc_auc"], by.loc["balanced_accuracy"]
        rows.append({"study": study, "model": model, "comparison": f"{condition} vs {baseline}",
                     "ΔROC AUC [95 % CI]": _difference(auc), "p (AUC)": f"{auc['p_value']:.3g}",
                     "Δbalanced accuracy [95 % CI]": _difference(bacc), "p (bal. acc.)": f"{bacc['p_value']:.3g}",
                     "verdict": auc["verdict"], "test patients": int(auc["n_patients"])})
    table = pd.DataFrame(rows)
    notes = ["Paired: both conditions trained on the same folds with the same seeds and tested on the same pooled "
             "out-of-fold images; each bootstrap replicate resamples test patients and gives one difference. The "
             "verdict is read off the ROC AUC interval: helps (above 0), hurts (below 0), otherwise no detectable "
             "difference at this sample size."]
    text = markdown_with_notes(TABLES["paired_comparisons"], table, notes)
    for study, group in verdicts.groupby("study", sort=False):
        text += f"\n**Verdicts, {study}**\n\n" + "".join(f"- {sentence}\n" for sentence in group["sentence"])
    return table, text


def realism_tables(scores: pd.DataFrame, params: dict[str, Any], realism: dict[str, Any]) -> tuple[pd.DataFrame, str]:
    """The realism headline table (per model: FRD per modality and joint, its real-vs-real floor and ratio, C2ST
    AUC, each against its target); metrics that failed the ladder are named in the notes, not tabled."""
    spec = params["realism"]
    table = headline_table(scores, spec["metrics"], RealismTargets.from_dict(spec["targets"]))
    view = headline_view(table, int(spec["digits"])) if len(table) else pd.DataFrame(
        {"note": ["no realism metric passed the metric ladder (see below)"]})
    frd = realism.get("frd") or {}
    # FRDv1 extracts from the original and the wavelet images; an environment that drops some says so here.
    notes = [f"FRD features: frd-score's FRDv1 pyradiomics classes on the {' + '.join(frd.get('image_types', []))} "
             f"image(s); at most {realism.get('max_synthetic')} patches of each synthetic set and "
             f"{realism.get('max_reference')} real training patches scored.",
             *realism_notes(scores, spec["metrics"], elsewhere=TABLES["gan_comparison"])]
    return table, markdown_with_notes(TABLES["realism"], view, notes)


def plot_paired_comparisons(comparisons: pd.DataFrame) -> Figure:
    if comparisons.empty:
        return _message_figure("no two conditions of a study could be compared (see the study tables)")
    return paired_differences_figure(comparisons)


def memorisation_tables(summary: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    view = summary.copy()
    if "near_copy_fraction" in view:
        view["near-copy %"] = 100 * view["near_copy_fraction"]
        for column in ("n_synthetic", "n_near_copies"):
            view[column] = view[column].astype("Int64")
    view = view.round(4).astype(object).fillna("")  # object first: an Int64 column takes no ""
    notes = ["Near copy: RMS distance to the nearest real training image at or below the given quantile of "
             "real-vs-real distances between patients; a generator that copies nothing flags about that share."]
    return summary, markdown_with_notes(TABLES["memorisation"], view, notes)


def plot_roc(predictions: pd.DataFrame, title: str) -> Figure:
    return roc_curves_figure(predictions, title) if len(predictions) else _message_figure(f"{title}: not computed")


def plot_augmentation_roc(predictions: pd.DataFrame) -> Figure:
    return plot_roc(predictions, "Augmentation study: ROC on the real test split")


def augmentation_study_tables(
    summary: pd.DataFrame, runs: pd.DataFrame, params: dict[str, Any]
) -> tuple[pd.DataFrame, str]:
    return study_tables(summary, runs, params, "augmentation_study")


def tstr_tables(summary: pd.DataFrame, runs: pd.DataFrame, params: dict[str, Any]) -> tuple[pd.DataFrame, str]:
    return study_tables(summary, runs, params, "tstr")


def plot_tstr_roc(predictions: pd.DataFrame, runs: pd.DataFrame) -> Figure:
    if len(predictions):
        return roc_curves_figure(predictions, "TSTR vs TRTR on the real test split")
    reason = runs["reason"].iloc[0] if "reason" in runs and len(runs) else "no run"
    return _message_figure(f"TSTR not computed: {reason}")


def plot_learning_curves(histories: pd.DataFrame) -> Figure:
    return learning_curves_figure(histories) if len(histories) else _message_figure("no classifier was trained")


def plot_intervals(summary: pd.DataFrame, model: dict[str, Any], params: dict[str, Any]) -> Figure:
    mine = summary[summary["model"] == model["name"]] if len(summary) else summary
    if mine.empty:
        return _message_figure(f"augmentation study of {model['name']}: not run")
    return metric_intervals_figure(mine, params["study_metrics"], f"{model['name']}: test metrics (95 % CI)")


def plot_tsne(points: pd.DataFrame, task: dict[str, Any]) -> Figure:
    if points["panel"].isna().all():
        return _message_figure(f"t-SNE not computed: {points['reason'].iloc[0]}")
    embedding = {p: g[["x", "y"]].to_numpy() for p, g in points.groupby("panel", sort=False)}
    labels = {p: g["label"].to_numpy() for p, g in points.groupby("panel", sort=False)}
    return tsne_figure(embedding, labels, task["class_names"], ["real", "classical", "GAN"],
                       f"t-SNE ({points['model'].iloc[0]})")


def plot_memorisation_pairs(examples: dict[str, Any], pairs: pd.DataFrame) -> Figure:
    if pairs.empty:
        return _message_figure("memorisation check not computed (see the memorisation table)")
    shown = pairs.head(len(examples["synthetic"])).reset_index(drop=True)
    shown = shown.assign(synthetic_index=np.arange(len(shown)), nearest_real_index=np.arange(len(shown)))
    return memorisation_pairs_figure(examples["synthetic"].numpy(), examples["real"].numpy(), shown,
                                     float(examples["threshold"]), n_pairs=len(shown))


def plot_memorisation_distances(pairs: pd.DataFrame, reference: pd.DataFrame, examples: dict[str, Any]) -> Figure:
    if pairs.empty or reference.empty:
        return _message_figure("memorisation check not computed (see the memorisation table)")
    return distance_histogram_figure(pairs["distance"].to_numpy(), reference["distance"].to_numpy(),
                                     float(examples["threshold"]))


def _metric_key(*parts: str) -> str:
    """An MLflow metric name (letters, digits, ``_ - . :`` and spaces; ``/`` between parts):
    ``real + GAN`` -> ``real plus GAN``, ``near-copy %`` -> ``near-copy pct``, ``real data (toy)`` -> ``real data toy``."""
    def clean(part: str) -> str:
        text = str(part).replace("+", "plus").replace("%", "pct")
        return re.sub(r"\s+", " ", re.sub(r"[^A-Za-z0-9_\-.: ]+", " ", text)).strip()
    return "/".join(clean(p) for p in parts)


def mlflow_metrics(
    comparison: pd.DataFrame, augmentation: pd.DataFrame, tstr: pd.DataFrame, paired: pd.DataFrame,
    realism: pd.DataFrame,
) -> dict[str, Any]:
    """The headline numbers as MLflow metrics (``<row>/<metric>`` means; study rows per condition; paired
    differences with their CI bounds; the realism headline table), so runs can be compared in the MLflow UI.
    Metrics that were not computed are absent, never 0."""
    values: dict[str, float] = {}
    for row in realism.itertuples():
        for field in ("mean", "floor", "ratio_to_floor"):
            values[_metric_key("realism", row.model, row.metric, field)] = getattr(row, field)
    for row in paired.itertuples():
        key = ("paired", row.study, row.model, f"{row.condition} vs {row.baseline}", row.metric)
        for field in ("difference", "ci_low", "ci_high", "p_value"):
            values[_metric_key(*key, field)] = getattr(row, field)
    for row in comparison.itertuples():
        values[_metric_key("comparison", row.row, row.metric)] = row.mean
    for name, summary in (("augmentation_study", augmentation), ("tstr", tstr)):
        for row in summary.itertuples():
            values[_metric_key(name, row.model, row.condition, row.metric)] = row.mean
    return {key: {"value": float(v), "step": 0} for key, v in values.items()
            if v is not None and not (isinstance(v, float) and math.isnan(v))}


def _dataset_lines(patient_splits: pd.DataFrame, comparison: pd.DataFrame) -> dict[str, object]:
    counts = patient_splits.groupby("split")["patient_id"].nunique()
    lines: dict[str, object] = {
        "patients": f"{patient_splits['patient_id'].nunique()} ("
                    + ", ".join(f"{s}: {counts.get(s, 0)}" for s in ("train", "val", "test")) + "), patient-level splits",
    }
    if "has_clin_sig" in patient_splits:
        lines["patients with a ClinSig finding"] = int(patient_splits["has_clin_sig"].astype(bool).sum())
    sets = comparison.groupby("row")["sets"].max()
    for row in comparison.drop_duplicates("row").itertuples():
        if not str(row.row).startswith("real data"):
            lines[f"model {row.row}"] = (f"{int(sets[row.row])} synthetic sets scored against the real training "
                                         f"images it learnt from ({row.data})")
    return lines


def _settings_lines(evaluation: dict[str, Any], synthetic: dict[str, Any]) -> dict[str, object]:
    def clf(block: dict[str, Any]) -> str:
        c = block["classifier"]
        return (f"{c['architecture']}, Adam {c['learning_rate']}, batch {c['batch_size']}, ≤{c['max_epochs']} epochs, "
                f"early stopping {c['patience']}, ImageNet weights: {c.get('imagenet_weights') or 'none'}")

    study = evaluation["augmentation_study"]
    return {
        "synthetic sets (augmentation.synthetic)": f"{synthetic['sets']} per model, {synthetic['per_class']} "
                                                   "images per class each",
        "task": f"{evaluation['task']['label_column']} ({' vs '.join(evaluation['task']['class_names'])})",
        "domain-metric classifier": clf(evaluation["domain"]),
        "SCA classifier": clf(evaluation["sca"]),
        "augmentation study": f"{clf(study)}; {study['amounts_per_class']} extra images per class; seeds {study['seeds']}",
        "TSTR/TRTR": f"{clf(evaluation['tstr'])}; seeds {evaluation['tstr']['seeds']}",
        "bootstrap": f"{evaluation['bootstrap']['n_boot']} replicates, {evaluation['bootstrap']['confidence']:.0%} CI, "
                     f"patient-aware: {evaluation['bootstrap']['patient_aware']}",
        "Inception weights": evaluation["inception"].get("weights_path") or "torch hub cache (if present)",
    }


def _protocol_text(patient_splits: pd.DataFrame) -> str:
    counts = patient_splits.groupby("split")["patient_id"].nunique()
    folds = int(patient_splits.loc[patient_splits["split"] == "test", "fold"].nunique()) if "fold" in patient_splits else 0
    return (f"No generator saw a patient it is tested on. The generators are trained on a patient set kept apart "
            f"from the evaluation folds (cheaper than training every generator once per fold): "
            f"{counts.get('train', 0)} generator training patients and {counts.get('val', 0)} validation patients "
            f"(snapshot selection, classifier early stopping) are never tested. The {counts.get('test', 0)} evaluation "
            f"patients are cut into {folds} stratified folds; each fold is tested by classifiers trained on the other "
            "folds and the generator training patients, so every evaluation patient is tested exactly once and the "
            "out-of-fold predictions are pooled. A training set holding images of a generator that saw a patient "
            "of its test fold stops the study (GeneratorLeak).")


def write_report(
    comparison_summary: pd.DataFrame, comparison_md: str, realism_md: str, augmentation_md: str, paired_md: str,
    tstr_md: str, memorisation_md: str,
    augmentation_runs: pd.DataFrame, tstr_runs: pd.DataFrame, patient_splits: pd.DataFrame, evaluation: dict[str, Any], synthetic: dict[str, Any],
    params: dict[str, Any], table_ii: pd.DataFrame, table_ii_md: str, models: list[str],
) -> str:
    """REPORT.md: dataset, settings, every table (embedded and linked), per-model figures, what was not computed."""
    layout = params["layout"]

    def links(name: str) -> list[tuple[str, str]]:
        return [("CSV", layout["table_csv"].format(name=name)), ("Markdown", layout["table_markdown"].format(name=name))]

    def figures(names: list[str]) -> list[tuple[str, str]]:
        return [(f"{model}: {FIGURES[f]}", layout["figure"].format(model=model, figure=f)) for f in names for model in models]

    gan = [(f"{model}: {figure.replace('_', ' ')} (GAN stage)", layout["gan_figure"].format(model=model, figure=figure))
           for model in models for figure in params["gan_figures"]]
    gan += [(f"{model}: synthetic samples", layout["synthetic_samples"].format(model=model)) for model in models]
    sections = [
        ReportSection(TABLES["gan_comparison"], "Rows: each model (mean ± std over its synthetic sets) and the real-data "
                      "floor (held-out real images scored like a synthetic set). Metrics are named after the features "
                      "they use: FID/IS/KID only with torch-fidelity's Inception weights; FD/KID/IS-<classifier>-real "
                      "on a classifier trained on the real training split.",
                      comparison_md.split("\n", 1)[1], links("gan_comparison") + links("gan_comparison_ttests")),
        *([ReportSection(TABLES["table_ii"], params["table_ii"]["text"].strip(), table_ii_md.split("\n", 1)[1],
                         links("table_ii"))] if len(table_ii) else []),
        ReportSection(TABLES["realism"], "Headline realism metrics, each checked first on a metric ladder built from "
                      "this run's held-out real patches (held-out real, lightly blurred, strong noise, uniform noise, "
                      "a constant image): a metric that does not rank the five in that order cannot tell noise from "
                      "tissue here and is named below instead of tabled.",
                      realism_md.split("\n", 1)[1], links("realism")),
        ReportSection(TABLES["augmentation_study"], _protocol_text(patient_splits), augmentation_md.split("\n", 1)[1],
                      links("augmentation_study"),
                      figures(["roc_augmentation", "intervals_augmentation", "learning_curves_augmentation"])),
        ReportSection(TABLES["paired_comparisons"], "", paired_md.split("\n", 1)[1], links("paired_comparisons"),
                      [("ΔROC AUC with paired 95 % CIs", layout["paired_figure"])]),
        ReportSection(TABLES["tstr"], "", tstr_md.split("\n", 1)[1], links("tstr"), figures(["roc_tstr"])),
        ReportSection(TABLES["memorisation"], "", memorisation_md.split("\n", 1)[1], links("memorisation"),
                      figures(["memorisation_pairs", "memorisation_distances"])),
        ReportSection("t-SNE (004 Fig. 6)", "", figures=figures(["tsne"])),
        ReportSection("Real vs synthetic images and GAN loss curves", "", links=gan),
    ]
    missing = [*not_computed_notes(comparison_summary), *_not_run_lines(augmentation_runs, "augmentation study"),
               *_not_run_lines(tstr_runs, "TSTR")]
    return render_report(params["title"], _dataset_lines(patient_splits, comparison_summary),
                         _settings_lines(evaluation, synthetic), sections, missing)
