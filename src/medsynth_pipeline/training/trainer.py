"""The one GAN training loop. Plain library (no Kedro); every system of the project plugs into it.

Plug-in interface (details in :mod:`medsynth_pipeline.training.system`)::

    from medsynth_pipeline.training import GenerativeSystem, Trainer, TrainerConfig, TrainingData

    class MySystem(GenerativeSystem):             # owns its networks, optimizers and loss
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
on CPU). Data-parallel training over several processes/GPUs (``config.distributed``, torchrun) is in
:mod:`~medsynth_pipeline.training.distributed` and :mod:`~medsynth_pipeline.training.launch`: ``batch_size``
is the global batch, each rank trains on its shard, only rank 0 logs, runs callbacks and writes checkpoints.
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
from medsynth_pipeline.training.distributed import DistributedSettings, Replicas, rank_device
from medsynth_pipeline.training.model_selection import ModelSelector, SelectionResult
from medsynth_pipeline.training.runtime import (
    DistributedInfo,
    algorithm_settings,
    capture_rng_state,
    rank_seed,
    restore_rng_state,
    seed_everything,
    select_amp,
)
from medsynth_pipeline.training.system import Batch, GenerativeSystem, StepContext
from medsynth_pipeline.training.tracking import MlflowTracker

logger = logging.getLogger(__name__)

Callback = Callable[[int, GenerativeSystem], None]
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
    # Reproduction mode: a GPU rerun of a preset repeats bit for bit. Float32 throughout (amp off, no TF32)
    # and deterministic algorithms, whatever amp and deterministic say; slower on GPU, the same on CPU.
    reproduce: bool = False
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
    # data-parallel training (training.distributed.DistributedSettings): world_size, backend, sync_batchnorm,
    # find_unused_parameters, timeout_s; batch_size stays the global batch, each rank trains on its share
    distributed: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.iterations < 1 or self.batch_size < 1:
            raise ValueError(f"iterations and batch_size must be >= 1 (got {self.iterations}, {self.batch_size})")
        DistributedSettings.parse(self.distributed)  # a typo fails here, before any process starts


@dataclass
class TrainingResult:
    system: GenerativeSystem
    history: list[dict[str, float]]
    snapshots: dict[int, torch.Tensor]  # iteration -> fixed-noise images (CPU)
    fixed_labels: torch.Tensor | None
    iterations: int
    resumed_from: int
    wall_seconds: float  # this process only
    images_per_second: float
    device: str
    world_size: int = 1  # ranks that trained together (data-parallel); the result is rank 0's
    selection: SelectionResult | None = None  # the selector's curve and best generator (training.model_selection)


class Trainer:
    """Runs ``config.iterations`` steps of the system built by ``system_factory`` on ``data``."""

    def __init__(
        self,
        system_factory: Callable[[], GenerativeSystem],
        data: TrainingData,
        config: TrainerConfig,
        *,
        callbacks: Sequence[Callback] = (),
        distributed: DistributedInfo | None = None,
        selector: ModelSelector | None = None,
    ) -> None:
        self.system_factory = system_factory
        self.data = data
        self.config = config
        self.callbacks = list(callbacks)
        self.dist = distributed or DistributedInfo()
        self.selector = selector  # scores G at its iterations and keeps the best (rank 0)

    def _fingerprint(self) -> str:
        runtime_only = {"iterations", "device", "cpu_threads", "checkpoint_dir", "checkpoint_every", "resume", "log_every",
                        "progress_every_s", "snapshot_iterations", "metrics_prefix", "distributed"}
        key = {k: v for k, v in asdict(self.config).items() if k not in runtime_only}
        if not key["reproduce"]:  # the key of every checkpoint written before the switch existed
            del key["reproduce"]
        return fingerprint(key, *self.data.fingerprint_tensors())

    def _checkpoint_path(self) -> Path | None:
        return Path(self.config.checkpoint_dir) / LAST if self.config.checkpoint_dir else None

    def fit(self) -> TrainingResult:
        """Train (or resume) to ``config.iterations``; global torch settings are restored afterwards.

        With ``config.distributed.world_size`` > 1 (or under torchrun) this is a data-parallel run: see
        :func:`medsynth_pipeline.training.launch.fit`. The result is rank 0's.
        """
        from medsynth_pipeline.training import launch  # launch builds Trainers: imported here, not at the top

        return launch.fit(self)

    def _run(self, info: DistributedInfo) -> TrainingResult:
        """Train as ``info``'s rank; a process group of ``info.world_size`` must already be initialized."""
        settings = DistributedSettings.parse(self.config.distributed)
        device = rank_device(self.config.device, info)
        deterministic = self.config.reproduce or (
            self.config.deterministic if self.config.deterministic is not None else device.type == "cpu")
        threads = self.config.cpu_threads if device.type == "cpu" else None
        given, self.dist = self.dist, info
        try:
            with algorithm_settings(deterministic, threads, full_precision=self.config.reproduce):
                return self._fit(device, settings)
        finally:
            self.dist = given  # a second fit() decides again how to start

    def _fit(self, device: torch.device, settings: DistributedSettings) -> TrainingResult:
        cfg, info = self.config, self.dist
        if cfg.batch_size % info.world_size:
            raise ValueError(f"batch_size {cfg.batch_size} (the global batch) does not split evenly over "
                             f"{info.world_size} ranks")
        local_batch = cfg.batch_size // info.world_size
        amp_dtype = select_amp("off" if cfg.reproduce else cfg.amp, device)
        seed_everything(cfg.seed)  # the same on every rank: identical initial weights
        system = self.system_factory().to(device)
        scalers = {
            name: torch.amp.GradScaler(device.type, enabled=amp_dtype == torch.float16)
            for name in system.optimizers()
        }
        fixed_z, fixed_labels = self._fixed_noise(system)
        history: list[dict[str, float]] = []
        snapshots: dict[int, torch.Tensor] = {}
        replicas = Replicas(info, device, settings)
        ckpt_path = self._checkpoint_path() if info.is_main else None
        # rank 0 alone reads the checkpoint (other nodes may not see its disk) and decides for every rank
        resume, checkpointing = replicas.broadcast((self._resume_state() if info.is_main else None,
                                                     ckpt_path is not None))
        start = self._apply_resume(resume, system, scalers, history, snapshots) if resume else 0
        selector = self.selector if info.is_main else None
        if selector is not None:
            selector.restore(resume.get("selection") if resume else None)
        replicas.attach(system)  # rank 0's (resumed) networks on every rank, DDP wrappers
        if info.distributed and not resume:
            seed_everything(rank_seed(cfg.seed, info.rank))  # own latents, dropout, DiffAugment per rank
        ctx = StepContext(
            device=device, amp_dtype=amp_dtype, scalers=scalers,
            augment=DiffAugment(cfg.diffaugment) if cfg.diffaugment else None,
            parallel=replicas.parallel if info.distributed else None,
            sync_gradients=replicas.sync_gradients if info.distributed else None,
            rank=info.rank, world_size=info.world_size,
        )

        data = self.data.to(device)
        stream = BatchIndexStream(len(data), local_batch, cfg.seed, info.rank, info.world_size)
        pools = ReferencePools(data.references, system.reference_pools, local_batch, cfg.seed,
                               info.rank, info.world_size)
        tracker = MlflowTracker(cfg.metrics_prefix, cfg.log_every, device.type == "cuda", info.is_main)
        snapshot_at = set(int(i) for i in cfg.snapshot_iterations)
        pending: list[tuple[int, dict[str, torch.Tensor]]] = []

        def drain() -> None:  # a collective in a data-parallel run: every rank drains at the same iterations
            for it, metrics in replicas.average_metrics(pending):
                row = {"iteration": it + 1, "epoch": stream.epoch_of(it), **metrics}
                history.append(row)
                tracker.log(it + 1, {k: v for k, v in row.items() if k != "iteration"})
            pending.clear()

        def checkpoint(done: int) -> None:
            if not checkpointing:
                return
            drain()
            rng = replicas.gather(capture_rng_state())
            if ckpt_path is None:
                return
            state = {"fingerprint": self._fingerprint(), "iteration": done, "system": system.state_dict(),
                     "scalers": {k: s.state_dict() for k, s in scalers.items()}, "rng": rng[0],
                     "history": history, "snapshots": snapshots}
            if selector is not None:
                state["selection"] = selector.state_dict()
            if info.distributed:
                state["rng_ranks"] = rng
            save_atomic(state, ckpt_path)

        if start == 0 and snapshot_at & {0}:
            snapshots[0] = system.sample(fixed_z, fixed_labels).detach().float().cpu()
        t0, last_report, done = time.perf_counter(), time.perf_counter(), start
        bar = tqdm(total=cfg.iterations, initial=start, desc=cfg.metrics_prefix.rstrip("/") or "gan",
                   unit="it", disable=None if info.is_main else True, mininterval=2.0)
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
                if selector is not None and selector.due(done, cfg.iterations):
                    tracker.log(done, {selector.key: selector.observe(done, system)})
                if cfg.checkpoint_every and done % cfg.checkpoint_every == 0 and done < cfg.iterations:
                    checkpoint(done)
                now = time.perf_counter()
                if info.is_main and now - last_report >= cfg.progress_every_s:
                    if not info.distributed:
                        drain()
                    self._report(done, now - t0, done - start, history)
                    last_report = now
                if info.is_main:  # callbacks observe (and may write files): rank 0's copy only
                    for callback in self.callbacks:
                        callback(done, system)
            drain()
            if selector is not None and all(i != done for i, _ in selector.curve):
                # A finished checkpoint written before selection was switched on resumes with no curve at all.
                tracker.log(done, {selector.key: selector.observe(done, system)})
            if done > start or replicas.broadcast(ckpt_path is not None and not ckpt_path.exists()):
                checkpoint(done)
            replicas.finish(system)
            wall = time.perf_counter() - t0
            steps = done - start
            rate = steps * cfg.batch_size / wall if wall > 0 and steps else 0.0
            if steps:
                tracker.log(done, {"images_per_second": rate, "iterations_per_second": steps / wall})
        finally:
            bar.close()
            tracker.close()
            replicas.close()
        if info.is_main:
            self._report(done, wall, steps, history)
        return TrainingResult(system, history, snapshots, None if fixed_labels is None else fixed_labels.cpu(),
                              done, start, wall, rate, str(device), info.world_size,
                              None if selector is None else selector.result())

    def _fixed_noise(self, system: GenerativeSystem) -> tuple[torch.Tensor, torch.Tensor | None]:
        gen = torch.Generator().manual_seed(self.config.seed + _FIXED_NOISE_OFFSET)
        per = max(1, self.config.fixed_per_class)
        if not system.conditional:
            return system.sample_latent(per, gen), None
        # One row per class, the same latents in every row (ProstateGAN Fig. 2 holds z fixed per row).
        z = system.sample_latent(per, gen).repeat(system.num_classes, 1)
        labels = torch.arange(system.num_classes).repeat_interleave(per).to(z.device)
        return z, labels

    def _resume_state(self) -> dict[str, Any] | None:
        """The checkpoint to continue from, or None (no checkpoint, other settings or data, or past the end)."""
        path = self._checkpoint_path()
        if path is None or not self.config.resume or not path.exists():
            return None
        state = load_checkpoint(path)
        if state.get("fingerprint") != self._fingerprint():
            logger.warning("checkpoint '%s' belongs to other settings or data: starting from scratch", path)
            return None
        if state["iteration"] > self.config.iterations:
            logger.warning("checkpoint '%s' is past %d iterations: starting from scratch", path, self.config.iterations)
            return None
        logger.info("resuming from '%s' at iteration %d of %d", path, state["iteration"], self.config.iterations)
        return state

    def _apply_resume(
        self, state: dict[str, Any], system: GenerativeSystem, scalers: dict[str, torch.amp.GradScaler],
        history: list[dict[str, float]], snapshots: dict[int, torch.Tensor],
    ) -> int:
        system.load_state_dict(state["system"])
        for name, scaler in scalers.items():
            if name in state["scalers"]:
                scaler.load_state_dict(state["scalers"][name])
        history.extend(state["history"])
        snapshots.update({int(k): v for k, v in state["snapshots"].items()})
        rank, world_size = self.dist.rank, self.dist.world_size
        ranks = state.get("rng_ranks") or [state["rng"]]
        if len(ranks) == world_size:
            restore_rng_state(ranks[rank])
        else:
            # the weights carry over; the per-rank random streams cannot, so the result differs from an
            # uninterrupted run of either size
            logger.warning("checkpoint written by %d rank(s), resumed by %d: fresh random streams per rank",
                           len(ranks), world_size)
            seed_everything(rank_seed(self.config.seed + int(state["iteration"]), rank))
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

