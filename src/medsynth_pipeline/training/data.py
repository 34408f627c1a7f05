"""Training data and a data order that is a pure function of (seed, iteration).

The index stream is the concatenation of one random permutation per epoch (permutation e seeded by
``seed + e``); batch k takes stream positions [k·B, (k+1)·B). A resumed run therefore sees exactly the
batches an uninterrupted run would, without saving any loader state, and a batch larger than the data set
(Kitchen & Seah: 200 of a few hundred lesions) simply spans epochs.

Reference pools (``TrainingData.references``) are further real image sets of their own sizes that a system
draws from every iteration besides its batch, e.g. 002's real non-CS images for the auxiliary critics. Each
pool has its own index stream of the same kind, seeded from the run's seed and the pool's name, so its draws
are as reproducible and as resume-proof as the batches (nothing to checkpoint).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import torch

# A pool's epoch e is seeded seed + 2**32 + crc32(name)·2**24 + e: clear of the batches' seed + e, and of
# other pools for 2**24 epochs (crc32, unlike hash(), is the same in every process).
_POOL_SEED_OFFSET = 2**32
_POOL_SEED_STRIDE = 2**24


@dataclass
class TrainingData:
    """Images already in the generator's output range; optional class indices, paired extras (row i goes
    with image i) and named reference pools (any number of rows, drawn independently of the batch)."""

    images: torch.Tensor
    labels: torch.Tensor | None = None
    extras: dict[str, torch.Tensor] = field(default_factory=dict)
    references: dict[str, torch.Tensor] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.images.dim() != 4 or self.images.shape[0] == 0:
            raise ValueError(f"images must be a non-empty [N, C, H, W] tensor, got shape {tuple(self.images.shape)}")
        n = self.images.shape[0]
        if self.labels is not None and self.labels.shape != (n,):
            raise ValueError(f"labels must have shape ({n},), got {tuple(self.labels.shape)}")
        for name, tensor in self.extras.items():
            if tensor.shape[0] != n:
                raise ValueError(f"extra '{name}' has {tensor.shape[0]} rows, images have {n}")
        for name, tensor in self.references.items():
            if tensor.dim() < 1 or tensor.shape[0] == 0:
                raise ValueError(f"reference pool '{name}' is empty (shape {tuple(tensor.shape)})")

    def __len__(self) -> int:
        return int(self.images.shape[0])

    def to(self, device: torch.device) -> TrainingData:
        return TrainingData(
            images=self.images.to(device),
            labels=None if self.labels is None else self.labels.to(device),
            extras={k: v.to(device) for k, v in self.extras.items()},
            references={k: v.to(device) for k, v in self.references.items()},
        )

    def fingerprint_tensors(self) -> list[torch.Tensor]:
        """What defines the run's data, for the checkpoint fingerprint: the tensors and, when there are
        pools, their names (a name seeds its draws)."""
        tensors = [t for t in (self.images, self.labels, *self.extras.values()) if t is not None]
        if self.references:
            names = sorted(self.references)
            tensors += [torch.tensor(list("\n".join(names).encode()), dtype=torch.uint8)]
            tensors += [self.references[k] for k in names]
        return tensors


class BatchIndexStream:
    """Indices of batch ``k`` for rank ``rank`` of ``world_size`` (each rank takes its own slice)."""

    def __init__(self, n: int, batch_size: int, seed: int, rank: int = 0, world_size: int = 1) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.n = n
        self.batch_size = batch_size
        self.seed = seed
        self.rank = rank
        self.world_size = world_size
        self._cache: dict[int, torch.Tensor] = {}

    def _permutation(self, epoch: int) -> torch.Tensor:
        if epoch not in self._cache:
            if len(self._cache) > 4:
                self._cache.pop(min(self._cache))
            gen = torch.Generator().manual_seed(self.seed + epoch)
            self._cache[epoch] = torch.randperm(self.n, generator=gen)
        return self._cache[epoch]

    def indices(self, k: int) -> torch.Tensor:
        global_batch = self.batch_size * self.world_size
        start = k * global_batch + self.rank * self.batch_size
        positions = torch.arange(start, start + self.batch_size)
        epochs = positions // self.n
        out = torch.empty(self.batch_size, dtype=torch.long)
        for epoch in epochs.unique().tolist():
            mask = epochs == epoch
            out[mask] = self._permutation(epoch)[positions[mask] % self.n]
        return out

    def epoch_of(self, k: int) -> float:
        """Epochs completed after batch ``k`` (fractional)."""
        return (k + 1) * self.batch_size * self.world_size / self.n


class ReferencePools:
    """Per iteration ``k``, ``batch_size`` rows of every reference pool for this rank: a pure function of
    (seed, pool name, k), like the batches themselves.

    Args:
        pools: name -> tensor ``[M, ...]`` (already on the training device).
        required: pool names the system reads (``GenerativeSystem.reference_pools``); a missing one is an error.
    """

    def __init__(self, pools: Mapping[str, torch.Tensor], required: Iterable[str], batch_size: int, seed: int,
                 rank: int = 0, world_size: int = 1) -> None:
        missing = sorted(set(required) - set(pools))
        if missing:
            raise ValueError(f"the system draws from reference pool(s) {missing}, the training data hold "
                             f"{sorted(pools) or 'none'}")
        self.pools = dict(pools)
        self.streams = {
            name: BatchIndexStream(len(pool), batch_size,
                                   seed + _POOL_SEED_OFFSET + zlib.crc32(name.encode()) * _POOL_SEED_STRIDE,
                                   rank, world_size)
            for name, pool in self.pools.items()
        }

    def draw(self, k: int) -> dict[str, torch.Tensor]:
        return {name: pool[self.streams[name].indices(k).to(pool.device)] for name, pool in self.pools.items()}


def iterations_for_epochs(epochs: float, n: int, batch_size: int) -> int:
    """Iterations that show every image ``epochs`` times (at least one)."""
    return max(1, round(epochs * n / batch_size))
