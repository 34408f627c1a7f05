"""Per-phase training throughput of the PGGAN on the shared training loop (images/s at every resolution).

Runs the real code path (``Trainer`` + ``PGGenerativeSystem`` + ``PhaseTimer``) on random images, with the paper's
networks by default (004: 256×256, batch 16, 512-d latent, fmap_base 8192), a fixed number of images per
fade-in and per stabilisation so every phase is timed the same way, and writes one row per phase::

    .venv/bin/python benchmarks/pggan_throughput.py                       # CUDA when present, 004 settings
    .venv/bin/python benchmarks/pggan_throughput.py --device cpu --final-resolution 16 \\
        --fmap-base 64 --fmap-max 16 --latent-dim 16 --images-per-half-phase 64   # a CPU smoke run

Results go to ``benchmarks/results/pggan_throughput_<device>_<R>.csv`` (and the same table on stdout).
The first iteration of the run (CUDA context, cuDNN autotuning) is not timed (``PhaseTimer``).
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import time
from pathlib import Path

import pandas as pd
import torch

from medsynth_pipeline.training import Trainer, TrainerConfig, TrainingData
from medsynth_pipeline.training.pggan_system import PhaseTimer, build_pggan
from medsynth_pipeline.training.runtime import select_device

RESULTS = Path(__file__).resolve().parent / "results"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda | cuda:N")
    parser.add_argument("--amp", default="auto", help="auto | off | bf16 | fp16 (CUDA only)")
    parser.add_argument("--final-resolution", type=int, default=256)
    parser.add_argument("--channels", type=int, default=1)
    parser.add_argument("--latent-dim", type=int, default=512)
    parser.add_argument("--fmap-base", type=int, default=8192)
    parser.add_argument("--fmap-max", type=int, default=512)
    parser.add_argument("--batch-size", type=int, default=16, help="one batch size for every phase (004: 16)")
    parser.add_argument("--images-per-half-phase", type=int, default=1600,
                        help="images shown in each fade-in and each stabilisation (100 iterations at batch 16)")
    parser.add_argument("--dataset-size", type=int, default=512, help="random training images held in memory")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="CSV path (default: benchmarks/results/...)")
    return parser.parse_args()


def main() -> pd.DataFrame:
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    device = select_device(args.device)
    spec = {
        "architecture": {"latent_dim": args.latent_dim, "fmap_base": args.fmap_base, "fmap_max": args.fmap_max,
                         "mbstd_group_size": 4},
        "schedule": {"unit": "images", "fade": args.images_per_half_phase, "stable": args.images_per_half_phase,
                     "batch_size": args.batch_size},
        "optimizer": {"lr": 1e-3, "beta1": 0.0, "beta2": 0.99, "eps": 1e-8},
        "loss": {"gp_weight": 10.0, "drift_weight": 0.001},
        "ema_half_life_images": 10000,
    }

    def factory():
        return build_pggan(spec, channels=args.channels, image_size=args.final_resolution, num_classes=0)

    schedule = factory().schedule
    gen = torch.Generator().manual_seed(args.seed)
    images = torch.rand(args.dataset_size, args.channels, args.final_resolution, args.final_resolution,
                        generator=gen) * 2 - 1
    timer = PhaseTimer(schedule)
    config = TrainerConfig(iterations=schedule.total_iterations, batch_size=schedule.max_batch_size, seed=args.seed,
                           device=str(device), amp=args.amp, log_every=max(1, schedule.total_iterations),
                           progress_every_s=30.0)
    started = time.perf_counter()
    result = Trainer(factory, TrainingData(images), config, callbacks=[timer]).fit()
    table = pd.DataFrame(timer.records)
    table.insert(0, "device", str(device))
    table["gpu"] = torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or "cpu"
    table["amp"] = args.amp if device.type == "cuda" else "off"
    table["peak_gpu_memory_gib"] = (round(torch.cuda.max_memory_allocated(device) / 2**30, 2)
                                    if device.type == "cuda" else float("nan"))
    out = args.out or RESULTS / f"pggan_throughput_{device.type}_{args.final_resolution}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False)
    meta = {"settings": vars(args) | {"out": str(out)}, "torch": torch.__version__, "iterations": result.iterations,
            "wall_seconds": round(time.perf_counter() - started, 1), "phases": schedule.describe()}
    out.with_suffix(".json").write_text(json.dumps(meta, indent=2, default=str))
    print(table.to_string(index=False))
    return table


if __name__ == "__main__":
    main()
