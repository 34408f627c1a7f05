"""The augmentation pipeline: per model, synthetic sets from its generator and classical copies of its patches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import torch
from kedro.config import OmegaConfigLoader
from kedro.io import DataCatalog
from kedro.runner import SequentialRunner
from matplotlib.figure import Figure

from medsynth_pipeline.models.dcgan import DCGANGenerator
from medsynth_pipeline.models.diffusion import DiffusionGenerator
from medsynth_pipeline.models.kitchen_seah import KitchenSeahGenerator
from medsynth_pipeline.models.mpmri import MpmriSynthesizer
from medsynth_pipeline.models.prostategan import ProstateGANGenerator
from medsynth_pipeline.pipelines.augmentation import create_pipeline
from medsynth_pipeline.pipelines.gan_training import MODELS
from medsynth_pipeline.settings import CONFIG_LOADER_ARGS

from ...torch_threads import one_cpu_thread  # noqa: F401
from ..conftest import KeptMemoryDataset

SHAPES = {"prostategan_32": (1, 32), "kitchen_seah_16mm": (3, 16), "mpmri_64": (2, 64)}


def _generators() -> dict[str, dict[str, Any]]:
    torch.manual_seed(0)
    cond = ProstateGANGenerator(num_classes=2, width=4, embedding_dim=2, latent_dim=4).export() | {
        "model": "prostategan", "channels": ["ADC"], "label_column": "gleason_sum", "class_values": [6, 7],
        "class_attributes": [{"clin_sig": False, "gleason_sum": 6}, {"clin_sig": True, "gleason_sum": 7}]}
    per_class = [{"is_lesion": True, "clin_sig": True}]
    ks = KitchenSeahGenerator(latent_dim=4, fc_features=32, widths=[2, 4, 4]).export() | {
        "model": "kitchen_seah", "channels": ["T2W", "ADC", "KTRANS"], "class_attributes": per_class}
    dc = DCGANGenerator(channels=1, latent_dim=4, width=4).export() | {
        "model": "dcgan64", "channels": ["T2W"], "class_attributes": per_class}
    mpmri = MpmriSynthesizer(latent_dim=4, image_size=64, decoder={"channels": [16, 8, 8, 4, 4]},
                             unet={"channels": [4, 8, 8], "strides": [2, 2]}).export() | {
        "model": "mpmri_semi", "channels": ["ADC", "T2W"], "class_attributes": per_class}
    ddpm = DiffusionGenerator(num_classes=2, sampling_steps=2, unet={
        "channels": [4, 4], "attention_levels": [False, False], "num_res_blocks": 1, "num_head_channels": 4,
        "norm_num_groups": 4}).export() | {key: cond[key] for key in ("channels", "label_column", "class_values",
                                                                   "class_attributes")} | {"model": "ddpm"}
    return {"prostategan": cond, "kitchen_seah": ks, "dcgan64": dc, "mpmri_semi": mpmri, "ddpm": ddpm}


def _patches(preset: str) -> tuple[dict[str, Any], pd.DataFrame]:
    channels, size = SHAPES[preset]
    meta = pd.DataFrame({"patient_id": ["a", "b", "c", "d", "e"], "split": ["train", "train", "train", "val", "test"],
                         "is_lesion": [True, False, True, True, False], "clin_sig": [True, False, False, True, False]})
    return {"images": torch.rand(5, channels, size, size), "channels": [f"c{i}" for i in range(channels)],
            "spacing_mm": 1.0}, meta


@pytest.fixture(scope="module")
def outputs(project_root: Path) -> dict[str, Any]:
    loader = OmegaConfigLoader(str(project_root / "conf"), env="test",
                               **{k: v for k, v in CONFIG_LOADER_ARGS.items() if k != "default_run_env"})
    params = loader["parameters"]["augmentation"]
    pipeline = create_pipeline()
    datasets: dict[str, Any] = {name: KeptMemoryDataset(copy_mode="assign") for name in pipeline.datasets()}
    for model, artifact in _generators().items():
        datasets[f"gan_training.{model}.generator"] = KeptMemoryDataset(artifact)
    for preset in set(MODELS.values()):
        patches, meta = _patches(preset)
        datasets[f"patches.{preset}.patches"] = KeptMemoryDataset(patches)
        datasets[f"patches.{preset}.patch_metadata"] = KeptMemoryDataset(meta)
    for key in ("synthetic", "classical", "figure"):
        datasets[f"params:augmentation.{key}"] = KeptMemoryDataset(params[key])
    catalog = DataCatalog(datasets)
    SequentialRunner().run(pipeline, catalog)
    return {name: catalog[name].load() for node in pipeline.nodes for name in node.outputs} | {"params": params}


def test_synthetic_sets_are_class_balanced_and_marked(outputs: dict[str, Any]) -> None:
    per_class, sets = outputs["params"]["synthetic"]["per_class"], outputs["params"]["synthetic"]["sets"]
    images, meta = outputs["augmentation.prostategan.synthetic_images"], outputs["augmentation.prostategan.synthetic_metadata"]
    assert images["images"].shape == (sets * 2 * per_class, 1, 32, 32)
    assert images["channels"] == ["ADC"] and images["source_model"] == "prostategan"
    assert images["images"].min() >= 0 and images["images"].max() <= 1
    assert len(meta) == len(images["images"]) and meta["is_synthetic"].all()
    counts = meta.groupby(["set_index", "gleason_sum"]).size()
    assert counts.tolist() == [per_class] * (2 * sets)
    for model in ("kitchen_seah", "dcgan64", "mpmri_semi"):
        meta = outputs[f"augmentation.{model}.synthetic_metadata"]
        assert len(meta) == sets * per_class and meta["clin_sig"].all()
    pairs = outputs["augmentation.mpmri_semi.synthetic_images"]  # 002: synthetic CS ADC-T2w pairs
    assert pairs["images"].shape == (sets * per_class, 2, 64, 64) and pairs["channels"] == ["ADC", "T2W"]
    assert pairs["images"].min() >= 0 and pairs["images"].max() <= 1


def test_classical_copies_of_every_patient(outputs: dict[str, Any]) -> None:
    """split: null copies every patch; the cross-validated studies keep, per fold, those of its training patients."""
    copies = outputs["params"]["classical"]["copies"]
    assert outputs["params"]["classical"]["split"] is None
    images, meta = outputs["augmentation.kitchen_seah.classical_images"], outputs["augmentation.kitchen_seah.classical_metadata"]
    assert images["images"].shape == (5 * copies, 3, 16, 16)  # 5 patches
    assert meta["source_index"].tolist() == [0, 1, 2, 3, 4] * copies
    assert meta["patient_id"].tolist() == ["a", "b", "c", "d", "e"] * copies  # each copy keeps its source patient
    assert (meta["augmentation"] == "classical").all() and not meta["is_synthetic"].any()
    assert meta["clin_sig"].tolist() == [True, False, False, True, False] * copies  # labels follow their source


def test_classical_copies_of_one_split() -> None:
    from medsynth_pipeline.augmentation.sets import make_classical_set

    patches, meta = _patches("kitchen_seah_16mm")
    params = {"split": "train", "copies": 2, "seed": 0, "transform": {"flip_horizontal": True}}
    images, copied = make_classical_set(patches, meta, params)
    assert images["images"].shape[0] == 6 and set(copied["patient_id"]) == {"a", "b", "c"}


def test_sample_figures(outputs: dict[str, Any]) -> None:
    for model in MODELS:
        assert isinstance(outputs[f"augmentation.{model}.synthetic_samples"], Figure)
