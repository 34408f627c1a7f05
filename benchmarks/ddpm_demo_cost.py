"""What the DDPM (``gan_training.ddpm``) costs in an environment: training wall time on the real patches, and
the time the augmentation stage needs to sample its synthetic sets (``augmentation.synthetic``).

Runs the pipelines' own node functions (selection, pre-augmentation, ``train_gan``, ``generate_synthetic_sets``)
on the preset's patches in ``data/05_model_input`` with the environment's parameters (Kedro's config loader:
the ``${...}`` lines resolve as in ``kedro run``), checkpoints in a temporary folder, so nothing of the
pipeline's outputs is touched::

    .venv/bin/python benchmarks/ddpm_demo_cost.py --env demo --threads 2

It decides whether the model may join ``MODELS`` (the demo's budget: training + sampling <= 90 s on 2 cores).
One row goes to ``benchmarks/results/ddpm_cost_<env>.csv`` and stdout; it also prints each class's mean
intensity, real vs synthetic (a sanity check that the classes are followed, not a quality metric).
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import pandas as pd
import torch

ROOT = Path(__file__).resolve().parents[1]
MODEL, PRESET = "ddpm", "prostategan_32"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="demo")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads (the demo machine has 2 cores)")
    parser.add_argument("--budget-s", type=float, default=90.0)
    args = parser.parse_args()
    os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "true")
    torch.set_num_threads(args.threads)

    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    from medsynth_pipeline.augmentation.synthetic import generate_synthetic_sets
    from medsynth_pipeline.pipelines.gan_training.model_selection import select_validation_pool
    from medsynth_pipeline.pipelines.gan_training.nodes import pre_augment, select_training_images, train_gan

    bootstrap_project(ROOT)
    with KedroSession.create(project_path=ROOT, env=args.env) as session:
        context = session.load_context()
        params = context.params
        patches = context.catalog.load(f"patches.{PRESET}.patches")
        metadata = context.catalog.load(f"patches.{PRESET}.patch_metadata")
    model = dict(params["gan_training"][MODEL])
    synthetic = params["augmentation"]["synthetic"]
    with tempfile.TemporaryDirectory() as folder:
        model["trainer"] = {**model["trainer"], "checkpoint_dir": folder, "device": "cpu", "cpu_threads": args.threads}
        selected = select_training_images(patches, metadata, model)
        training = pre_augment(selected, model)
        start = time.perf_counter()
        # the demo's model selection scores on the val split: part of the cost a user pays
        artifact, *_ = train_gan(training, model, None, select_validation_pool(patches, metadata, model))
        train_s = time.perf_counter() - start
    start = time.perf_counter()
    images, rows = generate_synthetic_sets(artifact, int(synthetic["per_class"]), int(synthetic["sets"]),
                                           int(synthetic["seed"]), int(synthetic["batch_size"]), "cpu", MODEL)
    sample_s = time.perf_counter() - start
    for index, value in enumerate(artifact["class_values"]):
        real = selected.images[selected.labels == index].mean().item()
        fake = images[torch.tensor((rows["class_index"] == index).tolist())].mean().item()
        print(f"class {artifact['label_column']}={value}: mean intensity real {real:.3f}, synthetic {fake:.3f}")
    row = {"env": args.env, "threads": args.threads, "cpu": platform.processor() or platform.machine(),
           "training_images": len(training.images), "iterations": artifact["iterations"],
           "batch_size": model["schedule"]["batch_size"], "sampling_steps": model["system"].get("sampling_steps"),
           "synthetic_images": len(images), "train_s": round(train_s, 1), "sample_s": round(sample_s, 1),
           "total_s": round(train_s + sample_s, 1), "within_budget": train_s + sample_s <= args.budget_s}
    table = pd.DataFrame([row])
    out = ROOT / "benchmarks" / "results" / f"ddpm_cost_{args.env}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False)
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
