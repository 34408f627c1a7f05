"""Tiny patch presets (the patches stage's contract) and the conf/test parameters of GAN training."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import torch
from kedro.config import OmegaConfigLoader

from medsynth_pipeline.settings import CONFIG_LOADER_ARGS

from ...torch_threads import one_cpu_thread  # noqa: F401

# preset -> (channels, size) as in parameters_patches.yml
PRESET_SHAPES = {"prostategan_32": (["ADC"], 32), "kitchen_seah_16mm": (["T2W", "ADC", "KTRANS"], 16),
                 "mpmri_64": (["ADC", "T2W"], 64)}
GLEASON = ["3+3", "3+4", "4+3", "3+4", None, "3+3", "4+4", "3+4", None, None, "3+4", "3+3"]


def load_parameters(project_root: Path, env: str) -> dict[str, Any]:
    loader = OmegaConfigLoader(str(project_root / "conf"), env=env,
                               **{k: v for k, v in CONFIG_LOADER_ARGS.items() if k != "default_run_env"})
    return loader["parameters"]


def tiny_patches(preset: str) -> tuple[dict[str, Any], pd.DataFrame]:
    """12 patches of 4 patients (3 each: splits by patient): 9 train (7 lesions, 2 background), 3 val;
    ClinSig lesions are darker in every channel. Train: 5 ClinSig, 4 not (two 3+3 lesions, two background)."""
    channels, size = PRESET_SHAPES[preset]
    n = len(GLEASON)
    gen = torch.Generator().manual_seed(0)
    is_lesion = [g is not None for g in GLEASON]
    clin_sig = [g is not None and g != "3+3" for g in GLEASON]
    level = torch.tensor([0.3 if cs else 0.7 for cs in clin_sig]).view(n, 1, 1, 1)
    images = (level + 0.1 * torch.rand(n, len(channels), size, size, generator=gen)).clamp(0, 1)
    meta = pd.DataFrame({
        "patient_id": pd.array([f"PX-{i // 3:04d}" for i in range(n)], dtype="string"),
        "fid": pd.array([1 if les else None for les in is_lesion], dtype="Int64"),
        "split": pd.array(["train"] * 9 + ["val"] * 3, dtype="string"),
        "is_lesion": is_lesion,
        "clin_sig": clin_sig,
        "ggg": pd.array([{"3+3": 1, "3+4": 2, "4+3": 3, "4+4": 4}.get(g) for g in GLEASON], dtype="Int64"),
        "gleason_score": pd.array(GLEASON, dtype="string"),
        "zone": pd.array(["PZ" if les else None for les in is_lesion], dtype="string"),
        "center_x": 0.0, "center_y": 0.0, "center_z": 0.0,
    })
    return {"images": images, "channels": channels, "spacing_mm": 1.0}, meta


@pytest.fixture(scope="session")
def test_parameters(project_root: Path) -> dict[str, Any]:
    """conf/base parameters merged with conf/test, as ``kedro run --env=test`` sees them."""
    return load_parameters(project_root, "test")
