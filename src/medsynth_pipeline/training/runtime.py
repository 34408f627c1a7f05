"""Device choice, mixed precision, seeding and the RNG state a resume must restore."""

from __future__ import annotations

import contextlib
import logging
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

logger = logging.getLogger(__name__)

AMP_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}


def select_device(requested: str = "auto") -> torch.device:
    """``auto`` → CUDA when present, else CPU; anything else (``cpu``, ``cuda:1``) is taken as given."""
    if requested == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(requested)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(f"device {requested!r} was requested but CUDA is not available on this machine")
    return device


def select_amp(requested: str, device: torch.device) -> torch.dtype | None:
    """``auto`` → bf16 on CUDA GPUs that support it, fp16 on older ones, off on CPU; or ``off|bf16|fp16``."""
    if requested == "off" or device.type != "cuda":
        return None
    if requested == "auto":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if requested not in AMP_DTYPES:
        raise ValueError(f"amp must be auto, off, bf16 or fp16, got {requested!r}")
    return AMP_DTYPES[requested]


@dataclass(frozen=True)
class DistributedInfo:
    """Rank of this process in a data-parallel run (``training.distributed``); only rank 0 logs and saves.

    ``local_rank`` is the rank on this node: the CUDA device index a rank trains on.
    """

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    def __post_init__(self) -> None:
        if self.world_size < 1 or not 0 <= self.rank < self.world_size or self.local_rank < 0:
            raise ValueError(f"invalid ranks: rank {self.rank}, world_size {self.world_size}, "
                             f"local_rank {self.local_rank}")

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world_size > 1

    @classmethod
    def from_env(cls) -> DistributedInfo:
        """The ranks ``torchrun`` exports (RANK, WORLD_SIZE, LOCAL_RANK); a single process when unset."""
        try:
            world_size = int(os.environ.get("WORLD_SIZE", "1"))
            rank = int(os.environ.get("RANK", "0"))
            local_rank = int(os.environ.get("LOCAL_RANK", str(rank)))
        except ValueError as exc:
            raise ValueError(f"RANK/WORLD_SIZE/LOCAL_RANK must be integers ({exc})") from exc
        return cls(rank=rank, world_size=world_size, local_rank=local_rank)


def rank_seed(seed: int, rank: int) -> int:
    """The RNG seed of ``rank``: rank 0 keeps ``seed`` (a one-process run's stream), others get well-mixed,
    distinct seeds, so latents, dropout and DiffAugment differ between ranks but are reproducible."""
    if rank == 0:
        return seed
    return int(np.random.SeedSequence([seed % 2**32, rank]).generate_state(1, dtype=np.uint32)[0])


def seed_everything(seed: int) -> None:
    """Seed python, numpy and torch (all devices)."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


@contextlib.contextmanager
def algorithm_settings(
    deterministic: bool, cpu_threads: int | None = None, full_precision: bool = False
) -> Iterator[None]:
    """For the duration of a run: deterministic cuDNN/torch algorithms (or fast cuDNN autotuning), the CPU
    thread count and, with ``full_precision``, no TF32 in CUDA matmuls and convolutions; the process's
    previous settings come back afterwards."""
    saved = (torch.backends.cudnn.benchmark, torch.backends.cudnn.deterministic,
             torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled(),
             torch.get_num_threads(), torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)
    torch.backends.cudnn.benchmark = not deterministic
    torch.backends.cudnn.deterministic = deterministic
    torch.use_deterministic_algorithms(deterministic, warn_only=True)
    if full_precision:
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
        # cuBLAS is deterministic only with a fixed workspace; it reads this when its first handle is made,
        # so a process that used CUDA before should set it in the environment instead.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    if cpu_threads:
        torch.set_num_threads(int(cpu_threads))
    try:
        yield
    finally:
        torch.backends.cudnn.benchmark, torch.backends.cudnn.deterministic = saved[0], saved[1]
        torch.use_deterministic_algorithms(saved[2], warn_only=saved[3])
        torch.set_num_threads(saved[4])
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved[5], saved[6]


def capture_rng_state() -> dict[str, Any]:
    """Every RNG the training step may draw from, in types a ``weights_only`` load accepts."""
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    state: dict[str, Any] = {
        "python": random.getstate(),
        "numpy": {"kind": kind, "keys": torch.from_numpy(keys.astype(np.int64)), "pos": int(pos),
                  "has_gauss": int(has_gauss), "cached_gaussian": float(cached)},
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng_state(state: dict[str, Any]) -> None:
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    npy = state["numpy"]
    np.random.set_state(
        (npy["kind"], npy["keys"].numpy().astype(np.uint32), npy["pos"], npy["has_gauss"], npy["cached_gaussian"])
    )
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
