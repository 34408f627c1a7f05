"""Tiny registered volumes with lesions, patient splits and the conf/test parameters of the PGGAN stages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import SimpleITK as sitk
from kedro.config import OmegaConfigLoader

from medsynth_pipeline.settings import CONFIG_LOADER_ARGS

N_PATIENTS = 6
SPLIT = {0: "train", 1: "train", 2: "train", 3: "train", 4: "val", 5: "test"}


def lesion_centre(n: int) -> tuple[float, float, float]:
    return (-2.0 + n, 1.0, -1.5 + 3.0 * (n % 3))


def registered_volumes() -> dict[str, sitk.Image]:
    """Per patient T2W and ADC on one 28×28×12 grid (1 mm, 3 mm slices); a dark round lesion."""
    volumes = {}
    for n in range(N_PATIENTS):
        grid = sitk.Image([28, 28, 12], sitk.sitkFloat32)
        grid.SetSpacing((1.0, 1.0, 3.0))
        grid.SetOrigin((-13.5, -13.5, -16.5))
        k, j, i = np.indices(grid.GetSize()[::-1])
        points = np.stack([i, j, k], axis=-1) * np.array(grid.GetSpacing()) + np.array(grid.GetOrigin())
        inside = np.linalg.norm(points - np.array(lesion_centre(n)), axis=-1) < 5.0
        body = np.linalg.norm(points[..., :2], axis=-1) < 11.0
        t2w = np.where(inside, 150.0, np.where(body, 500.0, 20.0)) + (i % 5) * 3.0
        for kind, array in {"T2W": t2w, "ADC": np.where(inside, 700.0, 1800.0)}.items():
            image = sitk.GetImageFromArray(array.astype(np.float32))
            image.CopyInformation(grid)
            volumes[f"PX-{n:04d}/{kind}"] = image
    return volumes


def lesions() -> pd.DataFrame:
    rows = [{"patient_id": f"PX-{n:04d}", "fid": 1, "pos_x": lesion_centre(n)[0], "pos_y": lesion_centre(n)[1],
             "pos_z": lesion_centre(n)[2], "zone": "PZ", "clin_sig": n % 2 == 0} for n in range(N_PATIENTS)]
    return pd.DataFrame(rows)


def patient_splits() -> pd.DataFrame:
    return pd.DataFrame({"patient_id": [f"PX-{n:04d}" for n in range(N_PATIENTS)],
                         "split": [SPLIT[n] for n in range(N_PATIENTS)]})


def load_parameters(project_root: Path, env: str) -> dict[str, Any]:
    loader = OmegaConfigLoader(str(project_root / "conf"), env=env,
                               **{k: v for k, v in CONFIG_LOADER_ARGS.items() if k != "default_run_env"})
    return loader["parameters"]


@pytest.fixture(scope="session")
def test_parameters(project_root: Path) -> dict[str, Any]:
    """conf/base parameters merged with conf/test, as ``kedro run --env=test`` sees them."""
    return load_parameters(project_root, "test")
