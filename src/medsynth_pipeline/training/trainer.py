"""The one GAN training loop. Plain library (no Kedro); every system of the project plugs into it.

Plug-in interface (details in :mod:`medsynth_pipeline.training.system`)::

    from medsynth_pipeline.training import GANSystem, Trainer, TrainerConfig, TrainingData

    class MySystem(GANSystem):             # owns its networks, optimizers and loss
        def networks(self): return {"G": self.G, "D": self.D}
        def optimizers(self): return {"G": self.opt_g, "D": self.opt_d}
        def train_step(self, batch, ctx):   # batch.images/labels/extras/references are on ctx.device
            with ctx.autocast(): ...        # mixed precision on GPU, no-op on CPU
            ctx.optimize("D", loss_d, self.opt_d)   # zero_grad + (scaled) backward + step
            return {"loss_D": loss_d.detach(), ...}
        def begin_iteration(self, it, total): ...  # optional: phases / fade-in / alternation
        def sample_latent(self, n, generator=None): ...
        def sample(self, z, labels=None): ...
        def export_generator(self): return self.G.export()

    result = Trainer(lambda: MySystem(...), TrainingData(images, labels), TrainerConfig(...)).fit()

``system_factory`` is called AFTER seeding, so the weight initialisation is reproducible. The loop does:
seeding, device and AMP choice, a data order that is a function of (seed, iteration), DiffAugment handed to
the system through ``ctx.augment``, per-iteration metrics kept in ``result.history`` and streamed to MLflow
(step = iteration), progress with it/s and img/s, fixed-noise snapshots at chosen iterations, atomic
checkpoints every N iterations and at the end, and resume: when ``checkpoint_dir`` holds a checkpoint of
the same settings and data, the networks, optimizers, AMP scalers, RNG states (python/numpy/torch/CUDA),
history and snapshots are restored and training continues to the result an uninterrupted run gives (bitwise
on CPU). Only rank 0 of a (future) distributed run logs and writes checkpoints.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from tqdm.auto import tqdm

from medsynth_pipeline.training.checkpoint import LAST, fingerprint, load_checkpoint, save_atomic
from medsynth_pipeline.training.data import BatchIndexStream, ReferencePools, TrainingData
from medsynth_pipeline.training.diffaugment import DiffAugment
from medsynth_pipeline.training.runtime import (
    DistributedInfo,
    algorithm_settings,
    capture_rng_state,
    restore_rng_state,
    seed_everything,
    select_amp,
    select_device,
)
from medsynth_pipeline.training.system import Batch, GANSystem, StepContext
from medsynth_pipeline.training.tracking import MlflowTracker

logger = logging.getLogger(__name__)

Callback = Callable[[int, GANSystem], None]
_FIXED_NOISE_OFFSET = 7919  # fixed-noise generator seed = seed + this, apart from the data-order seeds


@dataclass
class TrainerConfig:
    """Settings of one training run (conf: ``gan_training.<model>.trainer``)."""

    iterations: int
    batch_size: int
    seed: int = 0
    device: str = "auto"  # auto | cpu | cuda | cuda:N
    amp: str = "auto"  # auto | off | bf16 | fp16 (CUDA only)
    deterministic: bool | None = None  # None: True on CPU, False (faster cuDNN) on CUDA
    cpu_threads: int | None = None  # torch CPU threads for this run (None: torch's default)
    diffaugment: str | None = None  # e.g. "translation,cutout"
    checkpoint_dir: str | None = None
    checkpoint_every: int = 0  # iterations; 0 = only at the end
    resume: bool = True
    log_every: int = 25  # iterations between metric flushes (history + MLflow)
    progress_every_s: float = 15.0  # seconds between progress lines in the log
    snapshot_iterations: Sequence[int] = ()  # fixed-noise samples kept at these iterations
    fixed_per_class: int = 1  # fixed latents per class (per row) for unconditional: total fixed latents
    metrics_prefix: str = ""
    identity: dict[str, Any] = field(default_factory=dict)  # system settings, part of the checkpoint key

    def __post_init__(self) -> None:
        if self.iterations < 1 or self.batch_size < 1:
            raise ValueError(f"iterations and batch_size must be >= 1 (got {self.iterations}, {self.batch_size})")


@dataclass
class TrainingResult:
    system: GANSystem
    history: list[dict[str, float]]
    snapshots: dict[int, torch.Tensor]  # iteration -> fixed-noise images (CPU)
    fixed_labels: torch.Tensor | None
    iterations: int
    resumed_from: int
    wall_seconds: float  # this process only
    images_per_second: float
    device: str


class Trainer:
    """Runs ``config.iterations`` steps of the system built by ``system_factory`` on ``data``."""

    def __init__(
        self,
        system_factory: Callable[[], GANSystem],
        data: TrainingData,
        config: TrainerConfig,
        *,
        callbacks: Sequence[Callback] = (),
        distributed: DistributedInfo | None = None,
    ) -> None:
        self.system_factory = system_factory
        self.data = data
        self.config = config
        self.callbacks = list(callbacks)
        self.dist = distributed or DistributedInfo()

    def _fingerprint(self) -> str:
        runtime_only = {"iterations", "device", "cpu_threads", "checkpoint_dir", "checkpoint_every", "resume", "log_every",
                        "progress_every_s", "snapshot_iterations", "metrics_prefix"}
        key = {k: v for k, v in asdict(self.config).items() if k not in runtime_only}
        return fingerprint(key, *self.data.fingerprint_tensors())

    def _checkpoint_path(self) -> Path | None:
        return Path(self.config.checkpoint_dir) / LAST if self.config.checkpoint_dir else None

    def fit(self) -> TrainingResult:
        """Train (or resume) to ``config.iterations``; global torch settings are restored afterwards."""
        device = select_device(self.config.device)
        deterministic = self.config.deterministic if self.config.deterministic is not None else device.type == "cpu"
        threads = self.config.cpu_threads if device.type == "cpu" else None
        with algorithm_settings(deterministic, threads):
            return self._fit(device)

    def _fit(self, device: torch.device) -> TrainingResult:
        cfg = self.config
        amp_dtype = select_amp(cfg.amp, device)
        seed_everything(cfg.seed)
        system = self.system_factory().to(device)
        scalers = {
            name: torch.amp.GradScaler(device.type, enabled=amp_dtype == torch.float16)
            for name in system.optimizers()
        }
        ctx = StepContext(
            device=device, amp_dtype=amp_dtype, scalers=scalers,
            augment=DiffAugment(cfg.diffaugment) if cfg.diffaugment else None,
        )
        fixed_z, fixed_labels = self._fixed_noise(system)
        history: list[dict[str, float]] = []
        snapshots: dict[int, torch.Tensor] = {}
        start = self._maybe_resume(system, scalers, history, snapshots)

        data = self.data.to(device)
        stream = BatchIndexStream(len(data), cfg.batch_size, cfg.seed, self.dist.rank, self.dist.world_size)
        pools = ReferencePools(data.references, system.reference_pools, cfg.batch_size, cfg.seed,
                               self.dist.rank, self.dist.world_size)
        tracker = MlflowTracker(cfg.metrics_prefix, cfg.log_every, device.type == "cuda", self.dist.is_main)
        ckpt_path = self._checkpoint_path() if self.dist.is_main else None
        snapshot_at = set(int(i) for i in cfg.snapshot_iterations)
        pending: list[tuple[int, dict[str, torch.Tensor]]] = []

        def drain() -> None:
            for it, metrics in pending:
                row = {"iteration": it + 1, "epoch": stream.epoch_of(it), **{k: float(v) for k, v in metrics.items()}}
                history.append(row)
                tracker.log(it + 1, {k: v for k, v in row.items() if k != "iteration"})
            pending.clear()

        def checkpoint(done: int) -> None:
            if ckpt_path is None:
                return
            drain()
            save_atomic(
                {"fingerprint": self._fingerprint(), "iteration": done, "system": system.state_dict(),
                 "scalers": {k: s.state_dict() for k, s in scalers.items()}, "rng": capture_rng_state(),
                 "history": history, "snapshots": snapshots},
                ckpt_path,
            )

        if start == 0 and snapshot_at & {0}:
            snapshots[0] = system.sample(fixed_z, fixed_labels).detach().float().cpu()
        t0, last_report, done = time.perf_counter(), time.perf_counter(), start
        bar = tqdm(total=cfg.iterations, initial=start, desc=cfg.metrics_prefix.rstrip("/") or "gan",
                   unit="it", disable=None if self.dist.is_main else True, mininterval=2.0)
        try:
            for it in range(start, cfg.iterations):
                ctx.iteration, ctx.total_iterations = it, cfg.iterations
                system.begin_iteration(it, cfg.iterations)
                idx = stream.indices(it).to(device)
                batch = Batch(
                    images=data.images[idx],
                    labels=None if data.labels is None else data.labels[idx],
                    extras={k: v[idx] for k, v in data.extras.items()},
                    references=pools.draw(it),
                )
                pending.append((it, system.train_step(batch, ctx)))
                done = it + 1
                bar.update(1)
                if done % cfg.log_every == 0:
                    drain()
                if done in snapshot_at:
                    snapshots[done] = system.sample(fixed_z, fixed_labels).detach().float().cpu()
                if cfg.checkpoint_every and done % cfg.checkpoint_every == 0 and done < cfg.iterations:
                    checkpoint(done)
                now = time.perf_counter()
                if self.dist.is_main and now - last_report >= cfg.progress_every_s:
                    drain()
                    self._report(done, now - t0, done - start, history)
                    last_report = now
                for callback in self.callbacks:
                    callback(done, system)
            drain()
            if done > start or ckpt_path is not None and not ckpt_path.exists():
                checkpoint(done)
            wall = time.perf_counter() - t0
            steps = done - start
            rate = steps * cfg.batch_size / wall if wall > 0 and steps else 0.0
            if steps:
                tracker.log(done, {"images_per_second": rate, "iterations_per_second": steps / wall})
        finally:
            bar.close()
            tracker.close()
        if self.dist.is_main:
            self._report(done, wall, steps, history)
        return TrainingResult(system, history, snapshots, None if fixed_labels is None else fixed_labels.cpu(),
                              done, start, wall, rate, str(device))

    def _fixed_noise(self, system: GANSystem) -> tuple[torch.Tensor, torch.Tensor | None]:
        gen = torch.Generator().manual_seed(self.config.seed + _FIXED_NOISE_OFFSET)
        per = max(1, self.config.fixed_per_class)
        if not system.conditional:
            return system.sample_latent(per, gen), None
        # One row per class, the same latents in every row (ProstateGAN Fig. 2 holds z fixed per row).
        z = system.sample_latent(per, gen).repeat(system.num_classes, 1)
        labels = torch.arange(system.num_classes).repeat_interleave(per).to(z.device)
        return z, labels

    def _maybe_resume(
        self, system: GANSystem, scalers: dict[str, torch.amp.GradScaler],
        history: list[dict[str, float]], snapshots: dict[int, torch.Tensor],
    ) -> int:
        path = self._checkpoint_path()
        if path is None or not self.config.resume or not path.exists():
            return 0
        state = load_checkpoint(path)
        if state.get("fingerprint") != self._fingerprint():
            logger.warning("checkpoint '%s' belongs to other settings or data: starting from scratch", path)
            return 0
        if state["iteration"] > self.config.iterations:
            logger.warning("checkpoint '%s' is past %d iterations: starting from scratch", path, self.config.iterations)
            return 0
        system.load_state_dict(state["system"])
        for name, scaler in scalers.items():
            if name in state["scalers"]:
                scaler.load_state_dict(state["scalers"][name])
        history.extend(state["history"])
        snapshots.update({int(k): v for k, v in state["snapshots"].items()})
        restore_rng_state(state["rng"])
        logger.info("resumed from '%s' at iteration %d of %d", path, state["iteration"], self.config.iterations)
        return int(state["iteration"])

    def _report(self, done: int, seconds: float, steps: int, history: list[dict[str, float]]) -> None:
        its = steps / seconds if seconds > 0 else 0.0
        last = history[-1] if history else {}
        losses = " ".join(f"{k}={v:.3f}" for k, v in last.items() if k not in ("iteration", "epoch"))
        logger.info(
            "%s iteration %d/%d (%.0f%%) · %.2f it/s · %.1f img/s · %s",
            self.config.metrics_prefix.rstrip("/") or "gan", done, self.config.iterations,
            100.0 * done / self.config.iterations, its, its * self.config.batch_size, losses,
        )
