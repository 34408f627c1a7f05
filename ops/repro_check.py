#!/usr/bin/env python
"""Reproducibility check of two pipeline runs: checksums of what a run wrote, then a comparison.

    python ops/repro_check.py manifest --data data --out run1.json     # after run 1
    python ops/repro_check.py manifest --data data --out run2.json     # after run 2
    python ops/repro_check.py compare run1.json run2.json              # exit 1 on any difference

Checksums are of content, not bytes: tensors (.pt) by their values, dtypes and shapes (patch tensors, model
weights, checkpoints), tables (.parquet, .csv) by their rows, JSON by its parsed value, .mha/.mhd/.nii by
voxels and geometry. So a container format that stores a timestamp or a zip entry order cannot hide or fake
a difference. Wall-clock measurements differ between identical runs and are left out of tables: columns
named like a timing (seconds, per_second, elapsed, …) and rows of long tables whose label is one. For a Kedro-versioned dataset (<name>/<version>/<name>) the newest version counts, under the
dataset's name: two runs write two versions, and their newest ones are compared in turn.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

DEFAULT_LAYERS = ("02_intermediate", "03_primary", "04_feature", "05_model_input", "06_models",
                  "07_model_output", "08_reporting")
DEFAULT_SUFFIXES = (".pt", ".pth", ".parquet", ".csv", ".json", ".mha", ".mhd", ".nii", ".nii.gz")
TIMING = re.compile(r"\bseconds\b|\bper second\b|\bper s\b|\bwall\b|\belapsed\b|\bduration\b|\bthroughput\b"
                    r"|\btimestamp\b|\bimages/s\b", re.IGNORECASE)
VERSION_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}\.\d{2}\.\d{3}Z$")


def _update_with_value(digest: Any, value: Any) -> None:
    import numpy as np
    import torch

    if isinstance(value, torch.Tensor):
        tensor = value.detach().cpu().contiguous()
        digest.update(f"tensor{tuple(tensor.shape)}{tensor.dtype}".encode())
        digest.update(tensor.reshape(-1).view(torch.uint8).numpy().tobytes() if tensor.numel() else b"")
    elif isinstance(value, np.ndarray):
        digest.update(f"ndarray{value.shape}{value.dtype}".encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, dict):
        digest.update(b"dict")
        for key in sorted(value, key=str):
            digest.update(repr(key).encode())
            _update_with_value(digest, value[key])
    elif isinstance(value, list | tuple):
        digest.update(type(value).__name__.encode())
        for item in value:
            _update_with_value(digest, item)
    else:
        digest.update(repr(value).encode())


def content_checksum(path: Path) -> str:
    """SHA-256 of the content of ``path``, read according to its format."""
    digest = hashlib.sha256()
    name = path.name.lower()
    if name.endswith((".pt", ".pth")):
        import torch

        _update_with_value(digest, torch.load(path, map_location="cpu", weights_only=True))
    elif name.endswith((".parquet", ".csv")):
        import pandas as pd

        frame = without_timings(pd.read_parquet(path) if name.endswith(".parquet") else pd.read_csv(path))
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, float_format="%.17g")
        digest.update(str(list(frame.dtypes.astype(str))).encode())
        digest.update(buffer.getvalue().encode())
    elif name.endswith(".json"):
        digest.update(json.dumps(json.loads(path.read_text()), sort_keys=True).encode())
    elif name.endswith((".mha", ".mhd", ".nii", ".nii.gz")):
        import SimpleITK as sitk

        image = sitk.ReadImage(str(path))
        digest.update(repr((image.GetSize(), image.GetSpacing(), image.GetOrigin(), image.GetDirection())).encode())
        _update_with_value(digest, sitk.GetArrayViewFromImage(image).copy())
    else:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _is_timing(label: str) -> bool:
    return bool(TIMING.search(label.replace("_", " ")))


def without_timings(frame: Any) -> Any:
    """``frame`` without timing columns, and without rows that a text cell labels as a timing."""
    frame = frame[[c for c in frame.columns if not _is_timing(str(c))]]
    text = frame.select_dtypes(include=["object", "string"])
    if text.empty:
        return frame
    is_timing = text.apply(lambda column: column.map(lambda v: isinstance(v, str) and _is_timing(v)))
    return frame[~is_timing.any(axis=1).to_numpy()]


def _logical_name(relative: Path) -> tuple[str, str]:
    """``(name, version)``: a versioned dataset's path without its version folder, and that version."""
    parts = relative.parts
    for i, part in enumerate(parts):
        if VERSION_DIR.match(part):
            return "/".join(parts[:i] + parts[i + 1 :]), part
    return relative.as_posix(), ""


def build_manifest(data_dir: Path, layers: Iterable[str] = DEFAULT_LAYERS,
                   suffixes: Iterable[str] = DEFAULT_SUFFIXES) -> dict[str, str]:
    """``{path relative to data_dir: content checksum}`` of every matching file (newest version only)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise FileNotFoundError(f"{data_dir}: no such data folder")
    suffixes = tuple(suffixes)
    newest: dict[str, tuple[str, Path]] = {}
    for layer in layers:
        for path in sorted((data_dir / layer).rglob("*")):
            if not path.is_file() or not path.name.lower().endswith(suffixes):
                continue
            name, version = _logical_name(path.relative_to(data_dir))
            if name not in newest or version > newest[name][0]:
                newest[name] = (version, path)
    return {name: content_checksum(path) for name, (_, path) in sorted(newest.items())}


def compare_manifests(first: dict[str, str], second: dict[str, str]) -> list[str]:
    """Human-readable differences between two manifests (empty when identical)."""
    problems = [f"only in the first run: {name}" for name in sorted(set(first) - set(second))]
    problems += [f"only in the second run: {name}" for name in sorted(set(second) - set(first))]
    problems += [f"differs: {name}" for name in sorted(set(first) & set(second)) if first[name] != second[name]]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("manifest", help="checksum the outputs of the last run")
    make.add_argument("--data", type=Path, default=Path("data"))
    make.add_argument("--out", type=Path, required=True)
    compare = commands.add_parser("compare", help="compare two manifests; exit 1 on any difference")
    compare.add_argument("first", type=Path)
    compare.add_argument("second", type=Path)
    args = parser.parse_args(argv)

    if args.command == "manifest":
        manifest = build_manifest(args.data)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        print(f"{len(manifest)} outputs checksummed into {args.out}")
        return 0
    first, second = (json.loads(Path(p).read_text()) for p in (args.first, args.second))
    problems = compare_manifests(first, second)
    for problem in problems:
        print(problem)
    print(f"{len(first)} outputs compared: " + ("identical" if not problems else f"{len(problems)} differences"))
    return 1 if problems or not first else 0


if __name__ == "__main__":
    sys.exit(main())
