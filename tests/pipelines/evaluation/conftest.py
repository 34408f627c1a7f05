"""A toy preset, its synthetic sets and classical copies in the stage contracts, and the test parameters.

Patches: 2 channels (T2W, ADC), 8×8; per patient one CS lesion, one non-CS lesion, two background patches;
CS lesions have a bright ADC square. The toy model learnt ADC lesions (conditional on ClinSig), so its
synthetic sets hold both classes; set 0 contains an exact copy of a real training patch.
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

from medsynth_pipeline.pipelines.evaluation.pipeline import across_models, model_pipeline
from medsynth_pipeline.settings import CONFIG_LOADER_ARGS

from ..conftest import KeptMemoryDataset

SPLITS = {"train": 6, "val": 3, "test": 6}
TEST_FOLDS = 2  # test patients TE0..TE5 alternate between the two evaluation folds
MODEL = {"name": "toy", "select": {"split": "train", "rows": {"is_lesion": True}, "channels": ["ADC"],
                                   "label_column": "clin_sig", "min_per_class": 1}}
COPIED_PATCH = 0  # index of the real patch copied into synthetic set 0


def _image(rng: np.random.Generator, cs: bool, lesion: bool) -> np.ndarray:
    image = rng.uniform(0.1, 0.4, size=(2, 8, 8))
    if lesion:
        image[:, 3:5, 3:5] += 0.2
    if cs:
        image[1, 2:6, 2:6] += 0.5
    return image.clip(0, 1)


def make_patches(seed: int = 0) -> tuple[dict[str, Any], pd.DataFrame]:
    rng = np.random.default_rng(seed)
    images, rows = [], []
    for split, n in SPLITS.items():
        for p in range(n):
            patient = f"{split[:2].upper()}{p}"
            for kind, (lesion, cs) in enumerate([(True, True), (True, False), (False, False), (False, False)]):
                images.append(_image(rng, cs, lesion))
                rows.append({"patient_id": patient, "fid": kind if lesion else pd.NA, "split": split,
                             "is_lesion": lesion, "clin_sig": cs, "ggg": 2 if cs else (1 if lesion else pd.NA),
                             "gleason_score": "3+4" if cs else ("3+3" if lesion else pd.NA), "zone": "PZ",
                             "center_x": 0.0, "center_y": 0.0, "center_z": float(kind)})
    metadata = pd.DataFrame(rows).astype({"fid": "Int64", "ggg": "Int64", "is_lesion": bool, "clin_sig": bool})
    return {"images": torch.tensor(np.stack(images), dtype=torch.float32), "channels": ["T2W", "ADC"],
            "spacing_mm": 1.0}, metadata


def make_synthetic(patches: dict[str, Any], n_sets: int = 2, per_class: int = 12) -> tuple[dict[str, Any], pd.DataFrame]:
    rng = np.random.default_rng(5)
    images, rows = [], []
    for set_index in range(n_sets):
        for class_index, cs in enumerate((False, True)):
            for _ in range(per_class):
                images.append(_image(rng, cs, True)[1:2])
                rows.append({"source_model": "toy", "set_index": set_index, "seed": 1000 + set_index,
                             "class_index": class_index, "is_lesion": True, "clin_sig": cs, "ggg": pd.NA,
                             "gleason_score": pd.NA, "zone": pd.NA, "is_synthetic": True, "split": "synthetic"})
    stacked = torch.tensor(np.stack(images), dtype=torch.float32)
    stacked[per_class] = patches["images"][COPIED_PATCH, 1:2]  # set 0, a CS image: exact copy of a training patch
    return {"images": stacked, "channels": ["ADC"], "spacing_mm": 1.0, "source_model": "toy",
            "training_patients": [f"TR{p}" for p in range(SPLITS["train"])]}, pd.DataFrame(rows)


def make_classical(patches: dict[str, Any], metadata: pd.DataFrame, copies: int = 2) -> tuple[dict[str, Any], pd.DataFrame]:
    train = metadata.index[metadata["split"] == "train"]
    flipped = [patches["images"][torch.as_tensor(np.array(train))].flip(-1 - k % 2) for k in range(copies)]
    meta = pd.concat([metadata.loc[train].reset_index(names="source_index").assign(copy=k) for k in range(copies)],
                     ignore_index=True).assign(augmentation="classical", is_synthetic=False)
    return {"images": torch.cat(flipped), "channels": ["T2W", "ADC"], "spacing_mm": 1.0}, meta


def make_splits(metadata: pd.DataFrame) -> pd.DataFrame:
    """``patient_splits`` of the toy patches: generator patients (train, val) and the evaluation folds."""
    splits = metadata.drop_duplicates("patient_id")[["patient_id", "split"]].assign(has_clin_sig=True)
    number = splits["patient_id"].str[2:].astype(int)
    splits["fold"] = np.where(splits["split"] == "test", number % TEST_FOLDS, -1)
    return splits.reset_index(drop=True)


def load_test_parameters(project_root: Path) -> dict[str, Any]:
    """conf/base parameters merged with conf/test, as ``kedro run --env=test`` sees them."""
    loader = OmegaConfigLoader(str(project_root / "conf"), env="test",
                               **{k: v for k, v in CONFIG_LOADER_ARGS.items() if k != "default_run_env"})
    return loader["parameters"]


@pytest.fixture(scope="session")
def test_parameters(project_root: Path) -> dict[str, Any]:
    return load_test_parameters(project_root)


def _flat_params(prefix: str, value: Any, out: dict[str, Any]) -> None:
    out[prefix] = value
    if isinstance(value, dict):
        for key, inner in value.items():
            _flat_params(f"{prefix}.{key}", inner, out)


def toy_catalog(parameters: dict[str, Any], weights_dir: Path) -> DataCatalog:
    """In-memory catalog holding the toy inputs and the parameters, as a Kedro session would."""
    patches, metadata = make_patches()
    synthetic, synthetic_meta = make_synthetic(patches)
    classical, classical_meta = make_classical(patches, metadata)
    params: dict[str, Any] = {}
    for key in ("evaluation", "reporting", "augmentation", "realism"):
        if key in parameters:
            _flat_params(f"params:{key}", parameters[key], params)
    # No Inception weights on this machine or in CI: point at a file that is not there.
    params["params:evaluation.inception"] = {**parameters["evaluation"]["inception"],
                                             "weights_path": str(weights_dir / "absent.pth")}
    params["params:gan_training.toy"] = MODEL
    splits = make_splits(metadata)
    catalog = DataCatalog()
    for name, value in {**params, "patches.toy_preset.patches": patches, "patches.toy_preset.patch_metadata": metadata,
                        "patient_splits": splits,
                        "augmentation.toy.synthetic_images": synthetic,
                        "augmentation.toy.synthetic_metadata": synthetic_meta,
                        "augmentation.toy.classical_images": classical,
                        "augmentation.toy.classical_metadata": classical_meta}.items():
        catalog[name] = value
    return catalog


def run_in_memory(pipeline: Pipeline, catalog: DataCatalog) -> DataCatalog:
    for name in pipeline.all_outputs():
        catalog[name] = KeptMemoryDataset()
    SequentialRunner().run(pipeline, catalog)
    return catalog


def run_toy_evaluation(parameters: dict[str, Any], weights_dir: Path) -> DataCatalog:
    """The evaluation pipeline of one toy model plus the cross-model nodes, run in memory."""
    return run_in_memory(model_pipeline("toy", "toy_preset") + across_models(["toy"]),
                         toy_catalog(parameters, weights_dir))
