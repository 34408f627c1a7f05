"""Brain-MR sources of the 004 stages: BraTS-style NIfTI and Kaggle yes/no folders (tiny generated fixtures)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import SimpleITK as sitk
from kedro.config import OmegaConfigLoader
from kedro.runner import SequentialRunner

from medsynth_pipeline.imaging.brain_slices import brain_slices
from medsynth_pipeline.pipelines.pggan_brain import create_pipeline
from medsynth_pipeline.settings import CONFIG_LOADER_ARGS

from ...torch_threads import torch_threads
from ..brain_folders import write_kaggle
from ..conftest import kept_catalog

N_CASES = 10


def write_brats(root: Path) -> Path:
    """Cases of 24×24×12 'T1c' volumes; a bright tumour (and its segmentation) in slices 4-7 of even cases."""
    rng = np.random.default_rng(0)
    z, y, x = np.indices((12, 24, 24))
    head = (y - 12) ** 2 + (x - 12) ** 2 < 10**2
    for case in range(N_CASES):
        volume = np.where(head, rng.uniform(200, 300, head.shape), 0.0)
        seg = np.zeros(head.shape, np.uint8)
        if case % 2 == 0:
            seg[4:8, 8:13, 9:14] = 1
            volume[seg > 0] = 900.0
        folder = root / f"Brats_{case:03d}"
        folder.mkdir(parents=True)
        for suffix, array in (("t1ce", volume.astype(np.float32)), ("seg", seg)):
            image = sitk.GetImageFromArray(array)
            image.SetSpacing((1.0, 1.0, 1.0))
            sitk.WriteImage(image, str(folder / f"Brats_{case:03d}_{suffix}.nii.gz"))
    (root / "notes").mkdir()  # a folder without NIfTI files is not a case
    return root


@pytest.fixture(scope="module")
def parameters(project_root: Path) -> dict[str, Any]:
    loader = OmegaConfigLoader(str(project_root / "conf"), env="test",
                               **{k: v for k, v in CONFIG_LOADER_ARGS.items() if k != "default_run_env"})
    return loader["parameters"]


def _brats_data(parameters: dict[str, Any], root: Path) -> dict[str, Any]:
    data = copy.deepcopy(parameters["pggan_brain"]["brats"]["data"])
    data["root"] = str(root)
    data["brats"].update(slice_range=[2, 9], pad_to=32)
    return data


def test_brats_slices_are_labelled_by_the_segmentation_and_split_by_case(parameters, tmp_path: Path) -> None:
    slices, meta = brain_slices(_brats_data(parameters, write_brats(tmp_path / "brats")))
    assert slices["images"].shape == (N_CASES * 8, 1, 32, 32) and slices["channels"] == ["T1C"]
    tumour = meta[meta["is_lesion"]]
    assert set(tumour["slice_index"]) == {4, 5, 6, 7}
    assert set(tumour["patient_id"]) == {f"Brats_{c:03d}" for c in range(0, N_CASES, 2)}
    assert meta.groupby("patient_id")["split"].nunique().max() == 1  # a case never spans two splits
    assert set(meta["split"]) == {"train", "val", "test"}


def test_kaggle_folders_are_loaded_padded_and_labelled(parameters, tmp_path: Path) -> None:
    data = copy.deepcopy(parameters["pggan_brain"]["kaggle"]["data"])
    data["root"] = str(write_kaggle(tmp_path / "kaggle"))
    data["image_folder"]["size"] = 16
    slices, meta = brain_slices(data)
    assert slices["images"].shape == (16, 1, 16, 16)
    assert meta["is_lesion"].sum() == 8 and set(meta["split"]) == {"train", "val", "test"}


def test_missing_folder_is_a_clear_error(parameters) -> None:
    data = copy.deepcopy(parameters["pggan_brain"]["brats"]["data"])
    with pytest.raises(FileNotFoundError, match="conf/local"):
        brain_slices(data)


@pytest.fixture()
def one_thread():
    with torch_threads(1):
        yield


def test_brats_source_runs_the_pggan_and_the_study(parameters, tmp_path: Path, one_thread) -> None:
    params = copy.deepcopy(parameters)
    params["pggan_brain"]["brats"]["data"] = _brats_data(parameters, write_brats(tmp_path / "brats"))
    params["pggan"]["model"]["trainer"]["checkpoint_dir"] = str(tmp_path / "ckpt")
    params["pggan"]["model"]["final_resolution"] = 8
    pipeline = create_pipeline().only_nodes_with_namespaces(["pggan_brain.brats"])
    catalog = kept_catalog(pipeline, params)
    SequentialRunner().run(pipeline, catalog)
    assert catalog["pggan_brain.brats.generator"].load()["model"] == "pggan_brats"
    table = catalog["pggan_brain.brats.table_1"].load()
    assert len(table) == 4
    assert (tmp_path / "ckpt" / "brats" / "lesion" / "phases" / "phase_8x8.pt").is_file()
