"""GPU-only checks of the training loop (run where CUDA is present; the test suite covers the CPU paths).

- mixed precision: bf16 autocast and fp16 with gradient scaling train with finite losses, for the
  cross-entropy and the WGAN-GP losses (the gradient penalty runs in float32 outside autocast);
- resume on CUDA: stopping after k iterations and resuming from the checkpoint with ``deterministic: true``
  reproduces the uninterrupted weights (reported as the largest absolute difference).

    PYTHONPATH=src python3 benchmarks/cuda_checks.py    # prints one line per check, exits 1 on a failure
"""

from __future__ import annotations

import math
import sys
import tempfile

import torch

from medsynth_pipeline.training import Trainer, TrainerConfig, TrainingData
from medsynth_pipeline.training.registry import build_system

PROSTATEGAN = {"architecture": "prostategan", "loss": {"name": "non_saturating"}}
WGAN = {"architecture": "dcgan", "loss": {"name": "wgan_gp", "gp_weight": 10.0}, "d_steps": 2,
        "optimizer_g": {"lr": 1e-4, "beta1": 0.0, "beta2": 0.9}, "optimizer_d": {"lr": 1e-4, "beta1": 0.0, "beta2": 0.9}}


class Stop(RuntimeError):
    pass


def _data(size: int, classes: int) -> TrainingData:
    gen = torch.Generator().manual_seed(0)
    labels = torch.randint(0, classes, (256,), generator=gen) if classes else None
    return TrainingData(torch.rand(256, 1, size, size, generator=gen) * 2 - 1, labels)


def _factory(spec: dict, size: int, classes: int):
    return lambda: build_system(spec, channels=1, image_size=size, num_classes=classes)


def check_amp() -> bool:
    ok = True
    for name, spec, size, classes in (("prostategan", PROSTATEGAN, 32, 4), ("dcgan64 wgan-gp", WGAN, 64, 0)):
        for amp in ("bf16", "fp16"):
            result = Trainer(_factory(spec, size, classes), _data(size, classes),
                             TrainerConfig(iterations=30, batch_size=64, amp=amp, device="cuda")).fit()
            last = result.history[-1]
            finite = all(math.isfinite(v) for v in last.values())
            ok &= finite
            print(f"amp {amp:5s} {name:16s} finite={finite} " + " ".join(f"{k}={v:.3f}" for k, v in last.items()))
    return ok


def check_resume() -> bool:
    data = _data(32, 4)
    with tempfile.TemporaryDirectory() as tmp:
        def config(directory: str | None) -> TrainerConfig:
            return TrainerConfig(iterations=40, batch_size=64, device="cuda", amp="off", deterministic=True,
                                 checkpoint_dir=directory, checkpoint_every=10)

        reference = Trainer(_factory(PROSTATEGAN, 32, 4), data, config(None)).fit()

        def stop(done: int, system) -> None:
            if done == 25:
                raise Stop

        try:
            Trainer(_factory(PROSTATEGAN, 32, 4), data, config(tmp), callbacks=[stop]).fit()
        except Stop:
            pass
        resumed = Trainer(_factory(PROSTATEGAN, 32, 4), data, config(tmp)).fit()
    diffs = [
        (a - b).abs().max().item()
        for name in ("G", "D")
        for a, b in zip(reference.system.networks()[name].state_dict().values(),
                        resumed.system.networks()[name].state_dict().values(), strict=True)
        if a.is_floating_point()
    ]
    worst = max(diffs)
    print(f"resume on cuda from iteration {resumed.resumed_from}: max |weight difference| = {worst:.3g}")
    return worst == 0.0


def main() -> None:
    if not torch.cuda.is_available():
        sys.exit("CUDA is not available: nothing to check here")
    print(torch.cuda.get_device_name(), "torch", torch.__version__)
    ok = check_amp() & check_resume()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
