"""Toy ``patches.mpmri_64`` tensors, the conf/test parameters and an in-memory runner for the 002 studies.

Patches: 64×64 ADC + T2w; per patient one CS slice (a dark ADC / T2w-hypointense spot in a bright gland),
one nonCS finding and one background slice, in train / val / test splits by patient.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import torch
from kedro.config import OmegaConfigLoader
from kedro.io import DataCatalog
from kedro.pipeline import Pipeline
from kedro.runner import SequentialRunner

from medsynth_pipeline.settings import CONFIG_LOADER_ARGS

from ..conftest import KeptMemoryDataset

SIZE = 64
SPLITS = {"train": 5, "val": 2, "test": 2}


def _slice(rng: np.random.Generator, kind: str) -> np.ndarray:
    yy, xx = np.mgrid[:SIZE, :SIZE]
    gland = ((yy - 32) ** 2 / 14**2 + (xx - 32) ** 2 / 18**2) < 1
    adc = 0.2 + 0.4 * gland + rng.normal(0, 0.03, (SIZE, SIZE))
    t2w = 0.3 + 0.3 * gland + rng.normal(0, 0.03, (SIZE, SIZE))
    if kind != "background":
        cy, cx = rng.integers(24, 40, size=2)
        spot = (yy - cy) ** 2 + (xx - cx) ** 2 < 25
        depth = 0.35 if kind == "cs" else 0.1
        adc[spot] -= depth
        t2w[spot] -= depth / 2
    return np.stack([adc, t2w]).clip(0, 1)


def make_patches(seed: int = 0) -> tuple[dict[str, Any], pd.DataFrame]:
    rng = np.random.default_rng(seed)
    images, rows = [], []
    for split, n in SPLITS.items():
        for p in range(n):
            for kind in ("cs", "noncs", "background"):
                images.append(_slice(rng, kind))
                lesion = kind != "background"
                rows.append({"patient_id": f"{split[:2].upper()}{p}", "fid": 1 if lesion else pd.NA, "split": split,
                             "is_lesion": lesion, "clin_sig": kind == "cs", "ggg": 3 if kind == "cs" else pd.NA,
                             "gleason_score": "4+3" if kind == "cs" else pd.NA, "zone": "PZ" if lesion else pd.NA,
                             "center_x": 0.0, "center_y": 0.0, "center_z": 0.0})
    metadata = pd.DataFrame(rows).astype({"fid": "Int64", "ggg": "Int64", "is_lesion": bool, "clin_sig": bool})
    patches = {"images": torch.tensor(np.stack(images), dtype=torch.float32), "channels": ["ADC", "T2W"],
               "spacing_mm": 1.0}
    return patches, metadata


@pytest.fixture(scope="session")
def test_parameters(project_root: Path) -> dict[str, Any]:
    """conf/base merged with conf/test, as ``kedro run --env=test`` sees them."""
    loader = OmegaConfigLoader(str(project_root / "conf"), env="test",
                               **{k: v for k, v in CONFIG_LOADER_ARGS.items() if k != "default_run_env"})
    return loader["parameters"]


def _flat(prefix: str, value: Any, out: dict[str, Any]) -> None:
    out[prefix] = value
    if isinstance(value, dict):
        for key, inner in value.items():
            _flat(f"{prefix}.{key}", inner, out)


def run_study(pipeline: Pipeline, parameters: dict[str, Any], weights_dir: Path) -> DataCatalog:
    """Run ``pipeline`` in memory on the toy patches with ``parameters`` (no Inception weights on disk)."""
    patches, metadata = make_patches()
    params: dict[str, Any] = {}
    for key in ("mpmri_synthesis", "stitch_ablation", "evaluation"):
        _flat(f"params:{key}", parameters[key], params)
    params["params:evaluation"] = {**parameters["evaluation"],
                                   "inception": {**parameters["evaluation"]["inception"],
                                                 "weights_path": str(weights_dir / "absent.pth"),
                                                 "search_torch_cache": False}}
    catalog = DataCatalog()
    for name, value in {**params, "patches.mpmri_64.patches": patches,
                        "patches.mpmri_64.patch_metadata": metadata}.items():
        catalog[name] = value
    for name in pipeline.all_outputs():
        catalog[name] = KeptMemoryDataset()
    SequentialRunner().run(pipeline, catalog)
    return catalog
