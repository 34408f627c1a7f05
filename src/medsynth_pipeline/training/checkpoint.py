"""Atomic checkpoints: a run killed at any instant leaves either the previous or the new file, never half."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import torch

LAST = "last.pt"


def save_atomic(state: dict[str, Any], path: Path) -> None:
    """Write to a temporary sibling, fsync, then rename over ``path`` (rename is atomic on POSIX)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        torch.save(state, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # make the rename itself durable
    finally:
        os.close(dir_fd)


def load_checkpoint(path: Path) -> dict[str, Any]:
    """Load with ``weights_only=True`` (a checkpoint can only hold tensors and plain values, never code)."""
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise RuntimeError(f"checkpoint '{path}' cannot be read ({exc}); delete it to start over") from exc


def fingerprint(config: dict[str, Any], *tensors: torch.Tensor | None) -> str:
    """Hash of the settings and the training data: a checkpoint only resumes the run that wrote it."""
    digest = hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode())
    for tensor in tensors:
        if tensor is not None:
            digest.update(str(tuple(tensor.shape)).encode())
            digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]
