"""Training data and a data order that is a pure function of (seed, iteration).

The index stream is the concatenation of one random permutation per epoch (permutation e seeded by
``seed + e``); batch k takes stream positions [k·B, (k+1)·B). A resumed run therefore sees exactly the
batches an uninterrupted run would, without saving any loader state, and a batch larger than the data set
(Kitchen & Seah: 200 of a few hundred lesions) simply spans epochs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch


@dataclass
class TrainingData:
    """Images already in the generator's output range; optional class indices and paired extras."""

    images: torch.Tensor
    labels: torch.Tensor | None = None
    extras: dict[str, torch.Tensor] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.images.dim() != 4 or self.images.shape[0] == 0:
            raise ValueError(f"images must be a non-empty [N, C, H, W] tensor, got shape {tuple(self.images.shape)}")
        n = self.images.shape[0]
        if self.labels is not None and self.labels.shape != (n,):
            raise ValueError(f"labels must have shape ({n},), got {tuple(self.labels.shape)}")
        for name, tensor in self.extras.items():
            if tensor.shape[0] != n:
                raise ValueError(f"extra '{name}' has {tensor.shape[0]} rows, images have {n}")

    def __len__(self) -> int:
        return int(self.images.shape[0])

    def to(self, device: torch.device) -> TrainingData:
        return TrainingData(
            images=self.images.to(device),
            labels=None if self.labels is None else self.labels.to(device),
            extras={k: v.to(device) for k, v in self.extras.items()},
        )


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


def iterations_for_epochs(epochs: float, n: int, batch_size: int) -> int:
    """Iterations that show every image ``epochs`` times (at least one)."""
    return max(1, round(epochs * n / batch_size))
