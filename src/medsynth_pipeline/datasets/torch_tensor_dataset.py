"""Tensors, dicts of tensors and ``state_dict``s as a Kedro dataset (``torch.save`` / safe ``torch.load``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from medsynth_pipeline.datasets._local_file import LocalFileDataset


class TorchTensorDataset(LocalFileDataset[Any]):
    """A ``.pt`` file holding a tensor or a (nested) dict/list of tensors and plain values.

    Loading uses ``weights_only=True``: a file can only give back tensors and plain containers, never
    run code, so a shared or downloaded checkpoint is safe to open. Tensors are loaded onto the CPU.
    """

    def _read(self, path: Path) -> Any:
        return torch.load(path, map_location="cpu", weights_only=True, **self._load_args)

    def _write(self, data: Any, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        torch.save(data, tmp)
        tmp.replace(path)  # atomic: a killed run never leaves half a file under the real name
