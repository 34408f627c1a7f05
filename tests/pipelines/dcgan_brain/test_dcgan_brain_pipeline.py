"""Seed 003 on its own data: the DCGAN trained on a Kaggle-style brain folder, Figs. 2 and 3."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from kedro.config import OmegaConfigLoader
from kedro.framework.startup import bootstrap_project
from kedro.runner import SequentialRunner

from medsynth_pipeline.models.latent import load_generator
from medsynth_pipeline.pipeline_registry import register_pipelines
from medsynth_pipeline.pipelines.dcgan_brain import create_pipeline
from medsynth_pipeline.settings import CONFIG_LOADER_ARGS

from ...torch_threads import torch_threads
from ..brain_folders import write_kaggle
from ..conftest import kept_catalog


def _parameters(project_root: Path, env: str) -> dict[str, Any]:
    loader = OmegaConfigLoader(str(project_root / "conf"), env=env,
                               **{k: v for k, v in CONFIG_LOADER_ARGS.items() if k != "default_run_env"})
    return loader["parameters"]


def test_the_paper_preset_is_003s_dcgan_on_tumour_images(project_root: Path) -> None:
    params = _parameters(project_root, "base")
    model, dcgan64 = params["dcgan_brain"]["model"], params["gan_training"]["dcgan64"]
    assert model["select"]["rows"] == {"is_lesion": True} and model["select"]["split"] is None
    assert params["dcgan_brain"]["data"]["image_folder"]["size"] == 64
    assert model["system"] == dcgan64["system"] and model["schedule"] == dcgan64["schedule"]
    assert model["schedule"]["batch_size"] == 128 and model["schedule"]["epochs"] == 20000
    bootstrap_project(project_root)  # what `kedro registry list` does before listing
    assert "dcgan_brain" in register_pipelines()


def test_the_stage_trains_on_the_tumour_images_and_draws_figs_2_and_3(project_root: Path, tmp_path: Path) -> None:
    params = copy.deepcopy(_parameters(project_root, "test"))
    params["dcgan_brain"]["data"]["root"] = str(write_kaggle(tmp_path / "kaggle"))
    pipeline = create_pipeline()
    catalog = kept_catalog(pipeline, params)
    with torch_threads(1):
        SequentialRunner().run(pipeline, catalog)

    training = catalog["dcgan_brain.training_images"].load()
    assert len(training.images) == 8  # the 8 tumour images of 16; readme.txt is skipped
    assert training.images.amax(dim=(1, 2, 3)).min() > 0.9  # every one holds the bright "tumour"
    generator = catalog["dcgan_brain.generator"].load()
    assert generator["model"] == "dcgan_brain" and generator["iterations"] == 8
    assert load_generator(generator).generate(3, None).shape == (3, 1, 16, 16)
    history = catalog["dcgan_brain.training_history"].load()
    assert list(history["iteration"]) == list(range(1, 9))
    panels = catalog["dcgan_brain.fig2_loss_milestones"].load().axes
    assert [ax.get_title()[:3] for ax in panels] == ["(a)", "(b)", "(c)", "(d)"]
    assert [len(ax.lines[0].get_xdata()) for ax in panels] == [2, 4, 6, 8]  # each panel ends at its milestone
    assert catalog["dcgan_brain.fig3_real_and_fake"].load() is not None


def test_a_missing_folder_names_the_setting(project_root: Path) -> None:
    from medsynth_pipeline.imaging.brain_slices import brain_slices

    with pytest.raises(FileNotFoundError, match="kaggle brain data: folder 'None' does not exist.*conf/local"):
        brain_slices(_parameters(project_root, "base")["dcgan_brain"]["data"])
