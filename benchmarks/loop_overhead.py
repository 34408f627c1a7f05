"""What the one training loop costs over a bare loop: ``Trainer`` vs a pytorch/examples-style DCGAN loop.

For each DCGAN-family preset (ProstateGAN, Kitchen & Seah, DCGAN 64 in ``conf/<env>``), both arms train the
same networks (built by the project's registry from the preset, seeded alike), with the same batch size,
Adam settings, loss and random images of the preset's patch shape:

(a) bare: ``zero_grad``, D on real, D on ``fake.detach()``, D step, G loss on D(fake) with the same fake,
    G step — the pytorch/examples DCGAN loop (with the preset's DiffAugment on D's inputs when it has one,
    so the arms differ by the loop alone);
(b) the project's ``Trainer`` with the preset's system and trainer settings (no checkpoint directory).

Repetitions are interleaved (AB, BA, AB, ...) so machine load hits both arms alike; ``--warmup`` iterations
of every run are untimed. Per preset the totals give bare it/s, Trainer it/s and their ratio (also the
lowest and highest per-repetition ratio)::

    .venv/bin/python benchmarks/loop_overhead.py --env demo                 # 2 torch threads (default)
    .venv/bin/python benchmarks/loop_overhead.py --env base --iterations 30 --reps 4

One row per preset goes to ``benchmarks/results/loop_overhead_<env>_<device>.csv``.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path
from typing import Any

import pandas as pd
import torch
from gan_throughput import ROOT, WindowTimer, gan_models, load_parameters, preset_shape, random_data

from medsynth_pipeline.training import Trainer, TrainerConfig, TrainingData
from medsynth_pipeline.training.diffaugment import DiffAugment
from medsynth_pipeline.training.registry import build_system
from medsynth_pipeline.training.runtime import seed_everything, select_device

DCGAN_PRESETS = ("prostategan", "kitchen_seah", "dcgan64")


class Preset:
    """One model block of the conf, ready to train on random images."""

    def __init__(self, model: str, params: dict[str, Any], device: torch.device, n_images: int) -> None:
        self.model = model
        self.block = params["gan_training"][model]
        self.channels, self.size, self.classes = preset_shape(self.block, params["patches"][gan_models()[model]])
        self.batch = int(self.block["schedule"]["batch_size"])
        self.seed = int(self.block["trainer"].get("seed", 0))
        self.device = device
        self.data = random_data(max(n_images, self.batch), self.channels, self.size, self.classes)

    def build(self) -> Any:
        return build_system(self.block["system"], channels=self.channels, image_size=self.size,
                            num_classes=self.classes)


def bare_loop(preset: Preset, warmup: int, iterations: int) -> float:
    """Seconds of ``iterations`` steps of the pytorch/examples DCGAN loop after ``warmup`` untimed ones."""
    seed_everything(preset.seed)
    system = preset.build()  # for its networks, Adam settings and loss formulas only: the loop is below
    G, D, loss = system.G.to(preset.device), system.D.to(preset.device), system.loss
    opt_g, opt_d = system.opt_g, system.opt_d
    policy = preset.block["trainer"].get("diffaugment")
    augment = DiffAugment(policy) if policy else (lambda x: x)
    data = preset.data.to(preset.device)
    n, b = len(data), preset.batch
    G.train()
    D.train()
    order = torch.randperm(n)
    start = 0.0
    for it in range(warmup + iterations):
        if it == warmup:
            start = _now(preset.device)
        lo = (it * b) % n
        if lo + b > n:  # next epoch: a fresh shuffle, as a DataLoader's
            order, lo = torch.randperm(n), 0
        idx = order[lo:lo + b].to(preset.device)
        real = data.images[idx]
        labels = None if data.labels is None else data.labels[idx]
        D.zero_grad(set_to_none=True)
        fake = G(G.sample_latent(b), labels)
        loss_d = loss.discriminator(D(augment(real), labels), D(augment(fake.detach()), labels))
        loss_d.backward()
        opt_d.step()
        G.zero_grad(set_to_none=True)
        loss_g = loss.generator(D(augment(fake), labels))
        loss_g.backward()
        opt_g.step()
    return _now(preset.device) - start


def trainer_loop(preset: Preset, warmup: int, iterations: int, threads: int) -> float:
    """Seconds of ``iterations`` Trainer steps (the same window: after ``warmup`` untimed ones)."""
    settings = {k: v for k, v in preset.block["trainer"].items() if k not in ("checkpoint_dir", "progress_every_s")}
    settings.update(device=str(preset.device), cpu_threads=threads)
    config = TrainerConfig(iterations=warmup + iterations, batch_size=preset.batch, progress_every_s=1e9,
                           **settings)
    timer = WindowTimer(warmup, config.iterations, preset.device)
    Trainer(preset.build, TrainingData(preset.data.images, preset.data.labels), config, callbacks=[timer]).fit()
    return timer.end - timer.start


def _now(device: torch.device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return time.perf_counter()


def compare(preset: Preset, args: argparse.Namespace) -> dict[str, Any]:
    bare, loop = [], []
    for rep in range(args.reps):
        arms = [("bare", bare), ("trainer", loop)]
        for name, times in arms if rep % 2 == 0 else arms[::-1]:
            if name == "bare":
                times.append(bare_loop(preset, args.warmup, args.iterations))
            else:
                times.append(trainer_loop(preset, args.warmup, args.iterations, args.threads))
        print(f"  {preset.model} rep {rep + 1}/{args.reps}: bare {args.iterations / bare[-1]:.2f} it/s, "
              f"trainer {args.iterations / loop[-1]:.2f} it/s", flush=True)
    ratios = [b / t for b, t in zip(bare, loop, strict=True)]  # trainer it/s over bare it/s, per repetition
    bare_its, loop_its = args.reps * args.iterations / sum(bare), args.reps * args.iterations / sum(loop)
    return {
        "model": preset.model, "env": args.env, "device": str(preset.device),
        "device_name": torch.cuda.get_device_name(preset.device) if preset.device.type == "cuda"
        else platform.processor() or "cpu",
        "threads": args.threads, "image_shape": f"{preset.channels}x{preset.size}x{preset.size}",
        "batch_size": preset.batch, "diffaugment": preset.block["trainer"].get("diffaugment") or "",
        "reps": args.reps, "iterations_per_rep": args.iterations,
        "bare_its": round(bare_its, 3), "trainer_its": round(loop_its, 3), "ratio": round(loop_its / bare_its, 3),
        "ratio_median": round(statistics.median(ratios), 3),
        "ratio_min": round(min(ratios), 3), "ratio_max": round(max(ratios), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--env", default="demo", help="conf environment whose presets to compare (base = papers)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--models", nargs="*", default=list(DCGAN_PRESETS))
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads, both arms")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=40, help="timed iterations per run")
    parser.add_argument("--reps", type=int, default=4, help="runs per arm, interleaved AB BA ...")
    parser.add_argument("--training-images", type=int, default=300)
    parser.add_argument("--out", default=None, help="CSV path (default benchmarks/results/...)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = select_device(args.device)
    params = load_parameters(args.env)
    rows = [compare(Preset(m, params, device, args.training_images), args) for m in args.models]
    table = pd.DataFrame(rows)
    out = Path(args.out) if args.out else ROOT / "benchmarks" / "results" / f"loop_overhead_{args.env}_{device.type}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False)
    print(table[["model", "batch_size", "image_shape", "bare_its", "trainer_its", "ratio", "ratio_min",
                 "ratio_max"]].to_string(index=False))
    print(f"written: {out}")


if __name__ == "__main__":
    main()
