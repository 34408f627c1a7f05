"""catalog_patches.yml: one factory per dataset serves every preset, with layers and MLflow artifacts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import torch
import yaml
from kedro.io import DataCatalog

from medsynth_pipeline.pipelines.patches import PRESETS, create_pipeline

ROOT = Path(__file__).resolve().parents[3]
UPSTREAM = {"registered_volumes", "lesions"}


def _config(tmp_path: Path | None = None) -> dict:
    config = yaml.safe_load((ROOT / "conf/base/catalog_patches.yml").read_text())
    if tmp_path is not None:
        for entry in config.values():
            for holder in (entry, entry.get("dataset") if isinstance(entry.get("dataset"), dict) else {}):
                if "filepath" in holder:
                    holder["filepath"] = str(tmp_path / holder["filepath"])
    return config


def test_every_dataset_resolves_with_a_layer(tmp_path):
    catalog = DataCatalog.from_config(_config(tmp_path))
    names = {n for n in create_pipeline().datasets() if not n.startswith("params:")} - UPSTREAM
    assert len(names) == 1 + 5 * len(PRESETS)  # splits; per preset patches, metadata, summary, grid, location
    for name in names:
        dataset = catalog.get(name)
        assert dataset is not None, name
        assert dataset.metadata["kedro-viz"]["layer"] in {"model_input", "reporting"}, name
    grid = catalog.get("patches.mpmri_64.patch_grid")
    assert grid.artifact_path == "patches/mpmri_64"
    assert str(grid._filepath).endswith("data/08_reporting/patches/mpmri_64_patch_grid.png")


def test_tensors_and_metadata_round_trip(tmp_path):
    catalog = DataCatalog.from_config(_config(tmp_path))
    patches = {"images": torch.rand(3, 2, 8, 8), "channels": ["ADC", "T2W"], "spacing_mm": 1.0}
    catalog.save("patches.mpmri_64.patches", patches)
    loaded = catalog.load("patches.mpmri_64.patches")
    assert torch.equal(loaded["images"], patches["images"]) and loaded["channels"] == ["ADC", "T2W"]
    meta = pd.DataFrame({"patient_id": ["a"], "ggg": pd.array([pd.NA], dtype="Int64")})
    catalog.save("patches.kitchen_seah_16mm.patch_metadata", meta)
    assert (tmp_path / "data/05_model_input/patches/kitchen_seah_16mm/patch_metadata.parquet").exists()
    assert catalog.load("patches.kitchen_seah_16mm.patch_metadata")["ggg"].isna().all()
