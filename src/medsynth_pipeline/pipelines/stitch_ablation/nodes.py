"""Kedro glue of 002's StitchLayer ablation: Table I (SCA per F/a variant) and Fig. 9 (same latents)."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
import torch
from matplotlib.figure import Figure

from medsynth_pipeline.metrics.statistics import summarise
from medsynth_pipeline.models.latent import load_generator
from medsynth_pipeline.models.mpmri import StitchDecoder
from medsynth_pipeline.reporting.gan_figures import synthetic_samples_figure
from medsynth_pipeline.reporting.tables import comparison_table, markdown_with_notes
from medsynth_pipeline.study_names import REAL_DATA
from medsynth_pipeline.training.selection import from_range

log = logging.getLogger(__name__)


def decoder_parameters(decoder: StitchDecoder) -> dict[str, int]:
    """Parameters of F_dec and of the part every variant shares (FC + the first up-sampling block)."""
    shared = [*decoder.trunk.fc.parameters(), *decoder.trunk.shared_block.parameters()]
    return {"parameters": sum(p.numel() for p in decoder.parameters()), "shared": sum(p.numel() for p in shared)}


def ablation_table(
    variants: dict[str, Any], table: dict[str, Any], *frames: Any
) -> tuple[pd.DataFrame, str]:
    """002 Table I: one row per StitchLayer-#F#a model, SCA mean ± std over its synthetic sets, plus the
    decoder's size and the share held by the common trunk. ``frames``: each variant's generator artifact,
    then each variant's SCA runs (evaluation format)."""
    if len(frames) != 2 * len(variants):
        raise ValueError(f"expected generators and SCA runs of {len(variants)} variants, got {len(frames)} inputs")
    generators, sca_runs = frames[: len(variants)], frames[len(variants):]
    rows, long = [], []
    real_runs = None
    for (name, spec), artifact, runs in zip(variants.items(), generators, sca_runs, strict=True):
        decoder = load_generator(artifact).decoder
        sizes = decoder_parameters(decoder)
        computed = runs[runs.get("status", "computed") == "computed"] if "status" in runs else runs
        synthetic = computed[computed["condition"] != REAL_DATA]
        real_runs = computed[computed["condition"] == REAL_DATA] if real_runs is None else real_runs
        stats = summarise(synthetic.assign(variant=spec["label"]), "variant", ["accuracy"])
        mean = float(stats["accuracy_mean"].iloc[0]) if len(stats) else float("nan")
        std = float(stats["accuracy_std"].iloc[0]) if len(stats) else float("nan")
        status = "computed" if len(synthetic) else "not computed"
        reason = "" if len(synthetic) else "; ".join(runs.get("reason", pd.Series(dtype=str)).dropna().astype(str))
        long.append({"row": spec["label"], "metric": "SCA", "mean": mean, "std": std, "n": len(synthetic),
                     "status": status, "reason": reason})
        rows.append({"variant": name, "label": spec["label"], "F": decoder.blocks, "a": decoder.sub_size,
                     "SCA_mean": mean, "SCA_std": std, "sets": len(synthetic), "decoder_parameters": sizes["parameters"],
                     "shared_fraction": round(sizes["shared"] / sizes["parameters"], 3), "status": status,
                     "reason": reason})
    if real_runs is not None and len(real_runs):
        long.append({"row": table["real_label"], "metric": "SCA", "mean": float(real_runs["accuracy"].mean()),
                     "std": float("nan"), "n": 1, "status": "computed", "reason": ""})
    wide = comparison_table(pd.DataFrame(long), metric_order=["SCA"], digits=int(table["digits"]), percent=["SCA"])
    sizes = pd.DataFrame(rows).set_index("label")
    wide["F × a"] = wide["row"].map(lambda r: f"{sizes.loc[r, 'F']} × {sizes.loc[r, 'a']}" if r in sizes.index else "–")
    wide["shared trunk"] = wide["row"].map(
        lambda r: f"{100 * sizes.loc[r, 'shared_fraction']:.0f} %" if r in sizes.index else "–")
    notes = ["SCA: two-layer ANN trained on synthetic CS + real nonCS ADC maps (training split), accuracy on the "
             "real test split; mean ± std over each model's synthetic sets.",
             "shared trunk: share of F_dec's parameters in the FC layer and up-sampling block every variant shares.",
             *[f"{r['label']}: not computed ({r['reason']})" for r in rows if r["status"] != "computed"]]
    return pd.DataFrame(rows), markdown_with_notes(table["title"], wide, notes)


def plot_variant_grid(variants: dict[str, Any], figure: dict[str, Any], *generators: dict[str, Any]) -> Figure:
    """002 Fig. 9: ADC maps of every variant from the same random latents (one row per variant)."""
    if len(generators) != len(variants):
        raise ValueError(f"expected {len(variants)} generators, got {len(generators)}")
    per_row = int(figure["per_variant"])
    z = torch.randn(per_row, int(generators[0]["latent_dim"]), generator=torch.Generator().manual_seed(int(figure["seed"])))
    images = []
    for artifact in generators:
        generator = load_generator(artifact)
        with torch.no_grad():
            images.append(from_range(generator(z.to(generator.device)).cpu(), artifact["output_range"]))
    fig = synthetic_samples_figure(torch.cat(images), [spec["label"] for spec in variants.values()], per_row=per_row)
    fig.suptitle("ADC maps from the same latents per StitchLayer model (002 Fig. 9)", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.95))  # room for the title above the first row
    return fig
