"""Training throughput of the DCGAN-family presets (ProstateGAN, Kitchen & Seah, DCGAN 64) on the one loop.

Runs the real code path (``Trainer`` + the preset's system from ``conf/<env>/parameters_gan_training.yml``)
on random images of the preset's patch shape, times ``--iterations`` steps after ``--warmup`` untimed ones
(CUDA context, cuDNN autotuning), and projects the wall time of the preset's full schedule::

    .venv/bin/python benchmarks/gan_throughput.py                    # paper presets (conf/base), CUDA if present
    .venv/bin/python benchmarks/gan_throughput.py --env demo --device cpu --iterations 20

One row per preset goes to ``benchmarks/results/gan_throughput_<env>_<device>.csv`` (and to stdout).
``--training-images`` sets the data-set size used to turn epochs into iterations for the projection
(the embedded cohort's train split has tens to hundreds of patches; ProstateX has a few hundred lesions).
"""

from __future__ import annotations

import argparse
import ast
import platform
import time
from pathlib import Path
from typing import Any

import pandas as pd
import torch
import yaml

from medsynth_pipeline.training import Trainer, TrainerConfig, TrainingData, iterations_for_epochs
from medsynth_pipeline.training.registry import build_system
from medsynth_pipeline.training.runtime import select_amp, select_device

ROOT = Path(__file__).resolve().parents[1]


# Plain YAML and the package's libraries only (no Kedro, MLflow or MONAI), so this also runs on a GPU box
# that has nothing but PyTorch: ``PYTHONPATH=src python3 benchmarks/gan_throughput.py``.


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def load_parameters(env: str) -> dict[str, Any]:
    """conf/base/parameters_*.yml soft-merged with conf/<env>/ (as settings.py does for ``kedro run``)."""
    params: dict[str, Any] = {}
    for folder in ["base"] + ([env] if env != "base" else []):
        for path in sorted((ROOT / "conf" / folder).glob("parameters*.yml")):
            params = _merge(params, yaml.safe_load(path.read_text()) or {})
    return params


def gan_models() -> dict[str, str]:
    """``MODELS`` (model -> patch preset) read from the pipeline module without importing Kedro."""
    source = (ROOT / "src/medsynth_pipeline/pipelines/gan_training/pipeline.py").read_text()
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "MODELS":
            return ast.literal_eval(node.value)
    raise RuntimeError("MODELS not found in pipelines/gan_training/pipeline.py")


class WindowTimer:
    """Trainer callback: wall time of iterations warmup+1 … total (CUDA synchronised at both ends only)."""

    def __init__(self, warmup: int, total: int, device: torch.device) -> None:
        self.warmup, self.total, self.device, self.start, self.end = warmup, total, device, 0.0, 0.0

    def _now(self) -> float:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        return time.perf_counter()

    def __call__(self, done: int, system: Any) -> None:
        if done == self.warmup:
            self.start = self._now()
        elif done == self.total:
            self.end = self._now()


def preset_shape(block: dict[str, Any], preset: dict[str, Any]) -> tuple[int, int, int]:
    """(channels, size, classes) of a model block's patches; a conditional model gets 5 classes."""
    channels = len(block["select"]["channels"] or preset["channels"])
    return channels, int(preset["size_px"]), 5 if block["select"]["label_column"] else 0


def random_data(n: int, channels: int, size: int, classes: int, seed: int = 0) -> TrainingData:
    """``n`` random images in [-1, 1] (and class indices when ``classes``)."""
    gen = torch.Generator().manual_seed(seed)
    return TrainingData(torch.rand(n, channels, size, size, generator=gen) * 2 - 1,
                        torch.randint(0, classes, (n,), generator=gen) if classes else None)


def benchmark(model: str, params: dict[str, Any], preset: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    block = params["gan_training"][model]
    channels, size, classes = preset_shape(block, preset)
    batch = int(block["schedule"]["batch_size"])
    device = select_device(args.device)
    data = random_data(max(args.training_images, batch), channels, size, classes)
    trainer = {k: v for k, v in block["trainer"].items() if k not in ("checkpoint_dir", "progress_every_s")}
    if args.amp:
        trainer["amp"] = args.amp
    trainer["device"] = args.device
    if args.cpu_threads:
        trainer["cpu_threads"] = args.cpu_threads
    config = TrainerConfig(iterations=args.warmup + args.iterations, batch_size=batch, progress_every_s=1e9,
                           **trainer)
    timer = WindowTimer(args.warmup, config.iterations, device)
    result = Trainer(lambda: build_system(block["system"], channels=channels, image_size=size, num_classes=classes),
                     data, config, callbacks=[timer]).fit()
    seconds = timer.end - timer.start
    its = args.iterations / seconds
    schedule = block["schedule"]
    full = int(schedule["iterations"]) if schedule.get("iterations") else iterations_for_epochs(
        float(schedule["epochs"]), args.training_images, batch)
    params_g = sum(p.numel() for p in result.system.networks()["G"].parameters())
    params_d = sum(p.numel() for m, net in result.system.networks().items() if m != "G" for p in net.parameters())
    return {
        "model": model, "env": args.env, "device": str(device),
        "device_name": torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or "cpu",
        "amp": str(select_amp(config.amp, device)).replace("torch.", ""), "image_shape": f"{channels}x{size}x{size}",
        "batch_size": batch, "params_G": params_g, "params_D": params_d,
        "timed_iterations": args.iterations, "seconds": round(seconds, 3), "iterations_per_second": round(its, 2),
        "images_per_second": round(its * batch, 1), "schedule_iterations": full,
        "projected_schedule_minutes": round(full / its / 60, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--env", default="base", help="conf environment whose presets to time (base = papers)")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--models", nargs="*", default=list(gan_models()))
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--training-images", type=int, default=300)
    parser.add_argument("--cpu-threads", type=int, default=None, help="torch CPU threads (e.g. 2 to time the demo)")
    parser.add_argument("--amp", default=None, help="override the presets' amp (auto|off|bf16|fp16)")
    parser.add_argument("--out", default=None, help="CSV path (default benchmarks/results/...)")
    args = parser.parse_args()
    params = load_parameters(args.env)
    models = gan_models()
    rows = [benchmark(m, params, params["patches"][models[m]], args) for m in args.models]
    table = pd.DataFrame(rows)
    default = ROOT / "benchmarks" / "results" / f"gan_throughput_{args.env}_{select_device(args.device).type}.csv"
    out = Path(args.out) if args.out else default
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, index=False)
    print(table.to_string(index=False))
    print(f"written: {out}")


if __name__ == "__main__":
    main()
