"""Starting the ranks of a data-parallel training run. Three ways in, one loop (``Trainer._run``):

**Config-driven spawn** (what a Kedro node uses): ``trainer.distributed.world_size: N`` in a single process.
This process becomes rank 0 and spawns ranks 1..N-1 (``torch.multiprocessing``, spawn start method); they
receive the system factory, the data and the config (cloudpickle: the nodes' factories are closures), train
and exit; ``fit`` returns rank 0's result. One Kedro session, one MLflow run, only rank 0 writes.

**torchrun + Kedro**::

    torchrun --standalone --nproc-per-node=4 -m medsynth_pipeline.training.launch kedro run --pipelines=gan_training

Rank 0 runs the command (the one Kedro session); ranks 1..N-1 serve its training jobs: every ``Trainer.fit``
of rank 0 publishes its job in torchrun's store and all ranks train it together. When the command ends,
rank 0 tells the others to stop.

**torchrun + your own script (SPMD)**: every rank runs the same script and builds the same ``Trainer``;
``fit`` reads RANK / WORLD_SIZE / LOCAL_RANK and joins an env:// process group.
"""

from __future__ import annotations

import atexit
import gc
import logging
import os
import runpy
import sys
import threading
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import cloudpickle
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from medsynth_pipeline.training.distributed import DistributedSettings, init_group, rank_device
from medsynth_pipeline.training.runtime import DistributedInfo

if TYPE_CHECKING:
    from medsynth_pipeline.training.trainer import Trainer, TrainingResult

logger = logging.getLogger(__name__)

SERVE_ENV = "MEDSYNTH_TRAINING_SERVE"  # set by ``main`` on every rank: rank 0 runs the command, others serve
_KEY = "medsynth_training/"  # prefix of this module's keys in the rendezvous store
_POLL_S = 0.2


def fit(trainer: Trainer) -> TrainingResult:
    """Run ``trainer`` on one process or on all ranks, whichever its config and environment ask for."""
    settings = DistributedSettings.parse(trainer.config.distributed)
    if trainer.dist.distributed:  # ranks given by the caller, who set up the process group
        return trainer._run(trainer.dist)
    env = DistributedInfo.from_env()
    if env.distributed:
        if settings.world_size not in (1, "auto", env.world_size):
            logger.warning("trainer.distributed.world_size %s ignored: torchrun started %d ranks",
                           settings.world_size, env.world_size)
        if os.environ.get(SERVE_ENV) == "1":
            return _SERVER.fit(trainer, env, settings)
        return _fit_spmd(trainer, env, settings)
    world_size = settings.resolved_world_size(trainer.config.device)
    if world_size > 1:
        return _fit_spawned(trainer, settings, world_size)
    return trainer._run(DistributedInfo())


def _leave_group() -> None:
    gc.collect()  # objects still holding the group (DDP reducers in reference cycles) go first
    if dist.is_initialized():  # (an aborted group is gone already)
        dist.destroy_process_group()


# -- job hand-over ------------------------------------------------------------------------------------------
def _job(trainer: Trainer) -> bytes:
    """What another rank needs to build the same Trainer (callbacks stay with rank 0)."""
    return cloudpickle.dumps({"factory": trainer.system_factory, "data": trainer.data.to(torch.device("cpu")),
                              "config": trainer.config})


def _train_job(job: bytes, info: DistributedInfo) -> None:
    from medsynth_pipeline.training.trainer import Trainer

    payload = cloudpickle.loads(job)
    Trainer(payload["factory"], payload["data"], payload["config"], distributed=info).fit()


def _group_settings(config: Any, info: DistributedInfo) -> tuple[DistributedSettings, torch.device, str]:
    settings = DistributedSettings.parse(config.distributed)
    device = rank_device(config.device, info)
    return settings, device, settings.backend_for(device)


# -- config-driven spawn -------------------------------------------------------------------------------------
def _fit_spawned(trainer: Trainer, settings: DistributedSettings, world_size: int) -> TrainingResult:
    info = DistributedInfo(rank=0, world_size=world_size, local_rank=0)
    _, device, backend = _group_settings(trainer.config, info)
    for rank in range(1, world_size):  # fail here, not in a child, when a GPU is missing
        rank_device(trainer.config.device, DistributedInfo(rank, world_size, rank))
    store = dist.TCPStore("127.0.0.1", 0, world_size, is_master=True, wait_for_workers=False,
                          timeout=timedelta(seconds=settings.timeout_s))
    logger.info("data-parallel training on %d ranks (%s, %s): spawning ranks 1..%d", world_size, backend,
                device.type, world_size - 1)
    workers = mp.start_processes(_spawned_rank, args=(_job(trainer), store.port, world_size, backend,
                                                      settings.timeout_s),
                                 nprocs=world_size - 1, join=False, start_method="spawn")
    watchdog = threading.Thread(target=_abort_when_a_rank_dies, args=(workers,), daemon=True)
    watchdog.start()
    try:
        _wait_until_ready(store, workers, world_size)
        init_group(backend, store, info, settings.timeout_s, device)
        try:
            result = trainer._run(info)
        finally:
            _leave_group()
        while not workers.join():  # join() returns after any one rank ends
            pass
        return result
    except BaseException as exc:
        try:
            workers.join(timeout=2)  # a rank that failed first: raise its error, with its traceback
        except Exception as rank_error:
            raise rank_error from exc
        finally:
            for process in workers.processes:
                if process.is_alive():
                    process.terminate()
                process.join(timeout=30)
        raise


def _abort_when_a_rank_dies(workers: mp.ProcessContext) -> None:
    """Rank 0 must not wait out the collective timeout for a rank that is gone (e.g. out of GPU memory):
    abort the process group, so its pending collective fails now (Gloo notices by itself; NCCL needs this)."""
    while any(p.is_alive() for p in workers.processes):
        dead = {i + 1: p.exitcode for i, p in enumerate(workers.processes) if p.exitcode not in (None, 0)}
        if dead:
            logger.error("training rank(s) %s exited with code(s) %s: stopping rank 0", list(dead),
                         list(dead.values()))
            abort = getattr(dist.distributed_c10d, "_abort_process_group", None)  # experimental API
            if abort is not None and dist.is_initialized():
                try:
                    abort()
                except Exception as exc:  # best effort: the collective timeout remains the fallback
                    logger.warning("could not abort the process group: %s", exc)
            return
        time.sleep(1.0)


def _spawned_rank(index: int, job: bytes, port: int, world_size: int, backend: str, timeout_s: float) -> None:
    """Body of spawned rank ``index + 1``: join rank 0's store and group, train the job, leave."""
    rank = index + 1
    info = DistributedInfo(rank=rank, world_size=world_size, local_rank=rank)
    store = dist.TCPStore("127.0.0.1", port, world_size, is_master=False, timeout=timedelta(seconds=timeout_s))
    config = cloudpickle.loads(job)["config"]
    _, device, _ = _group_settings(config, info)
    store.set(f"{_KEY}ready/{rank}", "1")
    init_group(backend, store, info, timeout_s, device)
    try:
        _train_job(job, info)
    finally:
        _leave_group()


def _wait_until_ready(store: dist.TCPStore, workers: mp.ProcessContext, world_size: int) -> None:
    """Until every spawned rank has loaded its job; a rank that dies first raises its error here, instead of
    leaving rank 0 waiting in the process group for the whole timeout."""
    keys = [f"{_KEY}ready/{rank}" for rank in range(1, world_size)]
    while not store.check(keys):
        if any(not p.is_alive() for p in workers.processes):
            workers.join(timeout=1)  # raises ProcessRaisedException / ProcessExitedException with its error
            raise RuntimeError("a spawned training rank exited before joining the process group")
        time.sleep(_POLL_S)


# -- torchrun, library code on every rank ---------------------------------------------------------------------
def _fit_spmd(trainer: Trainer, info: DistributedInfo, settings: DistributedSettings) -> TrainingResult:
    """Join (once per process: a second env:// rendezvous on the same port races the first one's store)
    the process group torchrun's environment describes, and train as this rank."""
    if "kedro" in sys.modules:
        logger.warning("every torchrun rank runs its own Kedro session (own MLflow run, own catalog writes); "
                       "start Kedro through `torchrun ... -m medsynth_pipeline.training.launch kedro run ...`")
    if not dist.is_initialized():
        _, device, backend = _group_settings(trainer.config, info)
        store, _, _ = next(dist.rendezvous("env://", timeout=timedelta(seconds=settings.timeout_s)))
        init_group(backend, store, info, settings.timeout_s, device)
        atexit.register(lambda: dist.is_initialized() and _leave_group())
    return trainer._run(info)


# -- torchrun, rank 0 runs a command and the other ranks serve its jobs -------------------------------------------
class _JobServer:
    """Rank 0's side: one store connection and one process group for all the jobs of the command."""

    def __init__(self) -> None:
        self.store: dist.Store | None = None
        self.jobs = 0
        self.backend: str | None = None

    def connect(self, timeout_s: float = 1800.0) -> dist.Store:
        if self.store is None:
            self.store, _, _ = next(dist.rendezvous("env://", timeout=timedelta(seconds=timeout_s)))
        return self.store

    def fit(self, trainer: Trainer, info: DistributedInfo, settings: DistributedSettings) -> TrainingResult:
        if not info.is_main:
            raise RuntimeError(f"rank {info.rank} runs jobs it receives; only rank 0 runs the command")
        _, device, backend = _group_settings(trainer.config, info)
        store = self.connect(settings.timeout_s)
        self.jobs += 1
        key = f"{_KEY}job/{self.jobs}"
        store.set(key, _job(trainer))
        if self.backend is None:
            init_group(backend, store, info, settings.timeout_s, device)
            self.backend = backend
            atexit.register(self.close)
        elif backend != self.backend:
            raise ValueError(f"this torchrun session trains with {self.backend}; a job asks for {backend}")
        try:
            return trainer._run(info)
        finally:
            store.delete_key(key)  # every rank has read it: they all trained it

    def close(self) -> None:
        if self.store is not None:
            self.store.set(f"{_KEY}stop", "1")
        if self.backend is not None and dist.is_initialized():
            _leave_group()
            self.backend = None


_SERVER = _JobServer()


def serve(info: DistributedInfo) -> None:
    """A rank other than 0: train every job rank 0 publishes, until it says stop."""
    store, _, _ = next(dist.rendezvous("env://"))
    number = 1
    try:
        while True:
            job_key, stop_key = f"{_KEY}job/{number}", f"{_KEY}stop"
            while not store.check([job_key]):
                if store.check([stop_key]):
                    return
                time.sleep(_POLL_S)
            job = store.get(job_key)
            if not dist.is_initialized():
                config = cloudpickle.loads(job)["config"]
                settings, device, backend = _group_settings(config, info)
                init_group(backend, store, info, settings.timeout_s, device)
            logger.info("rank %d: training job %d", info.rank, number)
            _train_job(job, info)
            number += 1
    finally:
        if dist.is_initialized():
            _leave_group()


def main(argv: list[str] | None = None) -> int:
    """``torchrun ... -m medsynth_pipeline.training.launch [--] COMMAND``: COMMAND is ``kedro ARGS``,
    ``-m MODULE ARGS`` or ``SCRIPT.py ARGS``, run in rank 0's interpreter."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--"]:
        args = args[1:]
    if not args or args[0] == "-m" and len(args) < 2:
        print(main.__doc__, file=sys.stderr)
        return 2
    info = DistributedInfo.from_env()
    if "WORLD_SIZE" not in os.environ:
        print("start this module with torchrun (it reads RANK, WORLD_SIZE, LOCAL_RANK)", file=sys.stderr)
        return 2
    os.environ[SERVE_ENV] = "1"
    if not info.is_main:
        logging.basicConfig(level=logging.INFO, format=f"[rank {info.rank}] %(levelname)s %(name)s: %(message)s")
        serve(info)
        return 0
    if info.distributed:
        _SERVER.connect()
    try:
        if args[0] == "kedro":
            sys.argv = ["kedro", *args[1:]]
            runpy.run_module("kedro", run_name="__main__", alter_sys=True)
        elif args[0] == "-m":
            sys.argv = [args[1], *args[2:]]
            runpy.run_module(args[1], run_name="__main__", alter_sys=True)
        else:
            sys.argv = list(args)
            runpy.run_path(args[0], run_name="__main__")
        return 0
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        _SERVER.close()


if __name__ == "__main__":
    # run through the imported module, so Trainer.fit and main share one _SERVER
    from medsynth_pipeline.training import launch as _launch

    sys.exit(_launch.main())
