"""Data-parallel training with ``torch.distributed``: settings, process groups, and the replicas of a system.

Every rank holds a full copy of the system and trains on its own shard of each global batch; gradients are
averaged across ranks before every optimizer step, so the copies stay identical. How the processes are
started (spawned from a Kedro node, torchrun) lives in :mod:`medsynth_pipeline.training.launch`; this module
is what the loop uses once they run:

* :class:`DistributedSettings` — ``trainer.distributed`` in the config;
* :func:`rank_device` / :func:`init_group` — one CUDA device per rank (``cuda:<local_rank>``), NCCL on CUDA,
  gloo on CPU;
* :class:`Replicas` — rank 0's weights on every rank at the start, DistributedDataParallel wrappers for the
  systems that run their forward passes through ``ctx.parallel`` (``GenerativeSystem.parallel_forward``), gradient
  averaging for the others, metric averaging, and the final check that all ranks hold the same weights.
"""

from __future__ import annotations

import gc
import hashlib
import inspect
import logging
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import timedelta
from typing import Any

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from medsynth_pipeline.training.runtime import DistributedInfo, select_device
from medsynth_pipeline.training.system import GenerativeSystem

logger = logging.getLogger(__name__)

BACKENDS = ("auto", "nccl", "gloo")
# DDP's buffer broadcast before every forward pass rewrites BatchNorm statistics in place, which breaks the
# backward of a discriminator run on real and fake before one backward (pytorch/pytorch#175024, #22095):
# buffers stay per rank during training and rank 0's are broadcast at the end (Replicas.finish).
_NO_BUFFER_SYNC = (
    {"forward_sync_buffers": False}
    if "forward_sync_buffers" in inspect.signature(DistributedDataParallel.__init__).parameters
    else {"broadcast_buffers": False}
)


@dataclass(frozen=True)
class DistributedSettings:
    """``trainer.distributed``: how many processes train one model together, and how.

    Attributes:
        world_size: processes (one per GPU); ``"auto"``: every visible CUDA device (1 without CUDA). Under
            torchrun the launcher's WORLD_SIZE decides.
        backend: ``auto`` (NCCL on CUDA, gloo on CPU), ``nccl`` or ``gloo``.
        sync_batchnorm: BatchNorm statistics over the global batch instead of each rank's shard (CUDA only).
        find_unused_parameters: DDP's search for parameters a step leaves without gradients (PGGAN's blocks
            above the current resolution); one graph traversal per forward pass. ``None``: the system's
            ``leaves_parameters_unused``.
        timeout_s: a collective that waits longer fails (a rank died or hangs).
    """

    world_size: int | str = 1
    backend: str = "auto"
    sync_batchnorm: bool = False
    find_unused_parameters: bool | None = None
    timeout_s: float = 1800.0

    def __post_init__(self) -> None:
        if self.world_size != "auto" and (not isinstance(self.world_size, int) or self.world_size < 1):
            raise ValueError(f"trainer.distributed.world_size must be a positive integer or 'auto', got "
                             f"{self.world_size!r}")
        if self.backend not in BACKENDS:
            raise ValueError(f"trainer.distributed.backend must be one of {BACKENDS}, got {self.backend!r}")
        if self.timeout_s <= 0:
            raise ValueError(f"trainer.distributed.timeout_s must be positive, got {self.timeout_s}")

    @classmethod
    def parse(cls, value: DistributedSettings | dict[str, Any] | None) -> DistributedSettings:
        """From the config mapping (``None``: one process); unknown keys are an error, not ignored."""
        if isinstance(value, cls):
            return value
        values = dict(value or {})
        unknown = sorted(set(values) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"trainer.distributed: unknown keys {unknown}; known: {[f.name for f in fields(cls)]}")
        return cls(**values)

    def resolved_world_size(self, device_request: str) -> int:
        if self.world_size != "auto":
            return int(self.world_size)
        if device_request == "cpu" or not torch.cuda.is_available():
            return 1
        return max(1, torch.cuda.device_count())

    def backend_for(self, device: torch.device) -> str:
        if self.backend == "auto":
            return "nccl" if device.type == "cuda" else "gloo"
        if self.backend == "nccl" and device.type != "cuda":
            raise ValueError("trainer.distributed.backend 'nccl' needs CUDA devices; use 'gloo' on CPU")
        return self.backend

    def check_device(self, device: torch.device) -> None:
        if self.sync_batchnorm and device.type != "cuda":
            raise ValueError("trainer.distributed.sync_batchnorm needs CUDA (SyncBatchNorm has no CPU kernel)")


def rank_device(requested: str, info: DistributedInfo) -> torch.device:
    """The device of this rank: ``select_device(requested)`` for one process, else ``cuda:<local_rank>``
    (or CPU). A fixed index (``cuda:1``) cannot serve several ranks: choose GPUs with CUDA_VISIBLE_DEVICES."""
    if not info.distributed:
        return select_device(requested)
    device = select_device(requested)
    if device.type != "cuda":
        return device
    if device.index is not None:
        raise ValueError(f"trainer.device {requested!r} names one GPU but {info.world_size} ranks train: use "
                         "'auto' or 'cuda' (rank r uses cuda:<local rank>) and CUDA_VISIBLE_DEVICES to choose GPUs")
    if info.local_rank >= torch.cuda.device_count():
        raise RuntimeError(f"rank {info.rank} needs cuda:{info.local_rank} but this node has "
                           f"{torch.cuda.device_count()} visible CUDA devices")
    return torch.device("cuda", info.local_rank)


def init_group(backend: str, store: dist.Store, info: DistributedInfo, timeout_s: float,
               device: torch.device) -> None:
    """Join the default process group through ``store`` (blocks until every rank has joined)."""
    if device.type == "cuda":
        torch.cuda.set_device(device)  # object collectives and barriers use the current device
    dist.init_process_group(
        backend, store=store, rank=info.rank, world_size=info.world_size, timeout=timedelta(seconds=timeout_s),
        device_id=device if backend == "nccl" else None,
    )


def _digest(module: nn.Module) -> str:
    digest = hashlib.sha256()
    for name, tensor in module.state_dict().items():
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


class Replicas:
    """Keeps the copies of a system on all ranks in step (with one process every method is a no-op).

    Args:
        info: this process's rank; its process group must be initialized.
        device: this rank's training device (collectives of NCCL run there).
        settings: ``trainer.distributed``.
    """

    def __init__(self, info: DistributedInfo, device: torch.device, settings: DistributedSettings) -> None:
        self.info = info
        self.device = device
        self.settings = settings
        self._wrappers: dict[int, nn.Module] = {}
        self._ddp = False
        if not info.distributed:
            return
        if not dist.is_initialized() or dist.get_world_size() != info.world_size:
            raise RuntimeError(f"rank {info.rank} of {info.world_size}: no torch.distributed process group of "
                               "that size is initialized (start ranks with training.launch or torchrun)")
        settings.check_device(device)

    def attach(self, system: GenerativeSystem) -> None:
        """Give every rank rank 0's networks (after a resume: the checkpoint rank 0 read) and wrap them."""
        if not self.distributed:
            return
        networks = system.networks()
        if self.settings.sync_batchnorm:
            for name, module in networks.items():
                if nn.SyncBatchNorm.convert_sync_batchnorm(module) is not module:
                    raise ValueError(f"network {name!r} is itself a BatchNorm layer: cannot convert it in place")
        for module in networks.values():
            self._broadcast_module(module)
        self._ddp = system.parallel_forward
        if self._ddp:
            device_ids = [self.device.index] if self.device.type == "cuda" else None
            find_unused = self.settings.find_unused_parameters
            if find_unused is None:
                find_unused = system.leaves_parameters_unused
            for module in networks.values():
                if any(p.requires_grad for p in module.parameters()):
                    self._wrappers[id(module)] = DistributedDataParallel(
                        module, device_ids=device_ids, find_unused_parameters=find_unused, **_NO_BUFFER_SYNC,
                    )

    @property
    def distributed(self) -> bool:
        return self.info.distributed

    # -- hooks lent to the system through StepContext ------------------------------------------------------
    def parallel(self, module: nn.Module) -> nn.Module:
        return self._wrappers.get(id(module), module)

    def sync_gradients(self, optimizer: torch.optim.Optimizer) -> None:
        """Average the gradients of ``optimizer``'s parameters across ranks (systems without DDP wrappers).

        A parameter keeps ``grad is None`` (Adam skips it, as in one process) only when no rank computed a
        gradient for it; otherwise missing gradients count as zeros, as in DDP.
        """
        if not self.distributed or self._ddp:
            return
        params = [p for group in optimizer.param_groups for p in group["params"]]
        present = torch.tensor([p.grad is not None for p in params], dtype=torch.int32, device=self.device)
        dist.all_reduce(present, op=dist.ReduceOp.MAX)
        grads: dict[tuple[torch.dtype, torch.device], list[torch.Tensor]] = {}
        for param, used in zip(params, present.tolist(), strict=True):
            if not used:
                continue
            if param.grad is None:
                param.grad = torch.zeros_like(param)
            grads.setdefault((param.grad.dtype, param.grad.device), []).append(param.grad)
        for group in grads.values():
            flat = torch.cat([g.reshape(-1) for g in group])
            dist.all_reduce(flat)
            flat.div_(self.info.world_size)
            offset = 0
            for g in group:
                g.copy_(flat[offset:offset + g.numel()].view_as(g))
                offset += g.numel()

    # -- collectives the loop uses -------------------------------------------------------------------------
    def broadcast(self, value: Any) -> Any:
        """Rank 0's ``value`` on every rank (pickled; for decisions and checkpoints, not for hot paths)."""
        if not self.distributed:
            return value
        box = [value if self.info.is_main else None]
        dist.broadcast_object_list(box, src=0)
        return box[0]

    def gather(self, value: Any) -> list[Any]:
        """Every rank's ``value``, in rank order, on every rank."""
        if not self.distributed:
            return [value]
        out: list[Any] = [None] * self.info.world_size
        dist.all_gather_object(out, value)
        return out

    def average_metrics(
        self, rows: Sequence[tuple[int, dict[str, torch.Tensor | float]]]
    ) -> list[tuple[int, dict[str, float]]]:
        """Per iteration, each metric averaged over the ranks (= over the global batch: equal shards)."""
        local = [(it, {k: float(v) for k, v in metrics.items()}) for it, metrics in rows]
        if not self.distributed:
            return local
        per_rank = self.gather(local)
        out: list[tuple[int, dict[str, float]]] = []
        for position, (it, _) in enumerate(local):
            rows_here = [ranks_rows[position] for ranks_rows in per_rank]
            if any(other_it != it for other_it, _ in rows_here):
                raise RuntimeError(f"ranks are at different iterations: {[r[0] for r in rows_here]}")
            keys = dict.fromkeys(k for _, m in rows_here for k in m)
            out.append((it, {k: sum(m[k] for _, m in rows_here if k in m) / sum(k in m for _, m in rows_here)
                             for k in keys}))
        return out

    def finish(self, system: GenerativeSystem) -> None:
        """Rank 0's buffers (BatchNorm statistics) everywhere, then check every network is identical on all
        ranks — a system that trains a network outside ``ctx.parallel`` while declaring
        ``parallel_forward`` would otherwise end with silently different copies."""
        if not self.distributed:
            return
        networks = system.networks()
        with torch.no_grad():
            for module in networks.values():
                for buffer in module.buffers():
                    dist.broadcast(buffer, src=0)
        digests = self.gather({name: _digest(module) for name, module in networks.items()})
        differ = sorted(name for name in networks if len({d[name] for d in digests}) > 1)
        if differ:
            raise RuntimeError(
                f"networks {differ} differ between ranks after training: their gradients were not averaged "
                f"(does {type(system).__name__} run forward passes outside ctx.parallel while declaring "
                "parallel_forward = True?)"
            )

    def close(self) -> None:
        """Drop the DDP wrappers now: their reducers hold autograd hooks on the system's parameters and the
        process group, which must not outlive ``destroy_process_group`` (a Gloo/NCCL group torn down at
        interpreter exit can abort the process)."""
        if self._wrappers:
            self._wrappers.clear()
            gc.collect()

    def _broadcast_module(self, module: nn.Module) -> None:
        with torch.no_grad():
            for tensor in [*module.parameters(), *module.buffers()]:
                dist.broadcast(tensor.data, src=0)
