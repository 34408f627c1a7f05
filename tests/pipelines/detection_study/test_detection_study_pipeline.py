"""The detection study end to end on toy slices and an untrained tiny PGGAN, with the conf/test settings."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import torch
from kedro.config import OmegaConfigLoader
from kedro.io import DataCatalog
from kedro.runner import SequentialRunner
from matplotlib.figure import Figure

from medsynth_pipeline.models.pggan import (
    PerClassGenerator,
    PGGANArchitecture,
    PGGANDiscriminator,
    PGGANGenerator,
)
from medsynth_pipeline.pipelines.detection_study import create_pipeline
from medsynth_pipeline.pipelines.detection_study.nodes import condition_label
from medsynth_pipeline.settings import CONFIG_LOADER_ARGS

from ...torch_threads import torch_threads
from ..conftest import KeptMemoryDataset

SPLITS = {"train": 6, "val": 3, "test": 3}


def _slices() -> tuple[dict[str, Any], pd.DataFrame]:
    """32×32 slices; a lesion slice has a bright 6×6 square somewhere in the 'gland'."""
    rng = np.random.default_rng(0)
    images, rows = [], []
    for split, n in SPLITS.items():
        for p in range(n):
            for k in range(6):
                lesion = k < 3
                image = rng.uniform(0.2, 0.4, size=(1, 32, 32))
                if lesion:
                    y, x = rng.integers(8, 20, size=2)
                    image[:, y : y + 6, x : x + 6] = 0.9
                images.append(image)
                rows.append({"patient_id": f"{split}-{p}", "slice_index": k, "z_mm": 3.0 * k, "is_lesion": lesion,
                             "n_lesions": int(lesion), "clin_sig": lesion, "source": "test", "split": split})
    return ({"images": torch.tensor(np.stack(images), dtype=torch.float32), "channels": ["T2W"], "spacing_mm": 1.0},
            pd.DataFrame(rows))


def _generator_and_critics() -> tuple[dict[str, Any], dict[str, Any]]:
    torch.manual_seed(0)
    arch = PGGANArchitecture(latent_dim=8, final_resolution=16, image_channels=1, fmap_base=32, fmap_max=8)
    artifact = PerClassGenerator([PGGANGenerator(arch).export(), PGGANGenerator(arch).export()]).export()
    artifact |= {"class_values": [False, True], "channels": ["T2W"], "trained_resolution": 16,
                 "label_column": "is_lesion"}
    critics = {"mode": "per_class", "architecture": arch.to_dict(),
               "critics": [PGGANDiscriminator(arch).state_dict(), PGGANDiscriminator(arch).state_dict()]}
    return artifact, critics


@pytest.fixture(scope="module")
def parameters(project_root: Path) -> dict[str, Any]:
    loader = OmegaConfigLoader(str(project_root / "conf"), env="test",
                               **{k: v for k, v in CONFIG_LOADER_ARGS.items() if k != "default_run_env"})
    return loader["parameters"]


def _run(parameters: dict[str, Any]) -> dict[str, Any]:
    pipeline = create_pipeline()
    slices, metadata = _slices()
    generator, critics = _generator_and_critics()
    datasets: dict[str, Any] = {name: KeptMemoryDataset() for name in pipeline.datasets()}
    for name, value in {"pggan.slices": slices, "pggan.slice_metadata": metadata, "pggan.generator": generator,
                        "pggan.critics": critics}.items():
        datasets[name] = KeptMemoryDataset(value, copy_mode="assign")
    for key in ("detection_study", "evaluation.augmentation_study", "evaluation.bootstrap", "evaluation.tsne",
                "augmentation.classical.transform"):
        value = parameters
        for part in key.split("."):
            value = value[part]
        datasets[f"params:{key}"] = KeptMemoryDataset(copy.deepcopy(value), copy_mode="assign")
    catalog = DataCatalog(datasets)
    SequentialRunner().run(pipeline, catalog)
    return {name: catalog[name].load() for node in pipeline.nodes for name in node.outputs}


@pytest.fixture(scope="module")
def outputs(parameters: dict[str, Any]) -> dict[str, Any]:
    with torch_threads(1):
        return _run(parameters)


def test_table_1_has_the_four_conditions_with_confidence_intervals(outputs: dict[str, Any]) -> None:
    table = outputs["detection_study.table_1"]
    assert list(table.columns) == ["Experimental condition", "Accuracy", "Sensitivity", "Specificity"]
    assert table["Experimental condition"].tolist() == [
        "ANN (w/o DA)", "ANN (w/ 16 classical DA)", "ANN (w/ 16 PGGAN-based DA)",
        "ANN (w/ 16 classical DA + 16 PGGAN-based DA)"]
    assert all("[" in cell for cell in table["Accuracy"])  # a CI next to every value
    summary = outputs["detection_study.summary"]
    acc = summary[summary["metric"] == "accuracy"]
    assert ((acc["ci_low"] <= acc["mean"]) & (acc["mean"] <= acc["ci_high"])).all()
    assert "004 Table 1" in outputs["detection_study.table_1_md"]
    runs = outputs["detection_study.runs"]
    assert len(runs) == 4 * 2 and set(runs["seed"]) == {0, 1}  # 4 conditions × conf/test's 2 seeds


def test_training_sets_hold_the_configured_extra_images(outputs: dict[str, Any]) -> None:
    comp = outputs["detection_study.composition"]
    both = comp[comp["condition"] == "real + classical + GAN"].set_index(["source", "label"])["count"]
    assert both[("classical", 0)] == both[("classical", 1)] == 8  # conf/test amounts_per_class: [8]
    assert both[("gan", 0)] == both[("gan", 1)] == 8
    assert both[("real", 1)] == 6 * 3


def test_realism_filter_discards_the_stated_share(outputs: dict[str, Any]) -> None:
    report = outputs["detection_study.realism_filter_report"]
    assert report["criterion"].unique().tolist() == ["critic"]
    assert report["generated"].tolist() == [math.ceil(8 / 0.75)] * 2 and report["kept"].tolist() == [8, 8]
    assert isinstance(outputs["detection_study.realism_filter_examples"], Figure)
    pool = outputs["detection_study.synthetic_pool"]
    assert pool.images.shape[1:] == (1, 16, 16) and set(pool.sources) == {"gan"}


def test_tsne_has_real_classical_and_pggan_panels(outputs: dict[str, Any]) -> None:
    points = outputs["detection_study.tsne_points"]
    assert set(points["panel"]) == {"real", "classical", "PGGAN"}
    sizes = points.groupby(["panel", "label"]).size()
    # conf/test: 10 per category, capped by what a pool holds (8 per class)
    assert sizes.loc["real"].tolist() == [10, 10] and sizes.loc["PGGAN"].tolist() == [8, 8]
    assert isinstance(outputs["detection_study.tsne"], Figure)


def test_real_slices_are_brought_to_the_generator_resolution(outputs: dict[str, Any]) -> None:
    real = outputs["detection_study.real_sets"]
    assert {k: tuple(v.images.shape[1:]) for k, v in real.items()} == {k: (1, 16, 16) for k in SPLITS}
    assert not set(real["test"].patient_ids) & set(real["train"].patient_ids)


def test_condition_labels_follow_004() -> None:
    assert condition_label("real + classical + GAN", "ResNet50", [100000]) == \
        "ResNet50 (w/ 200,000 classical DA + 200,000 PGGAN-based DA)"
    assert condition_label("real + GAN (50/class)", "ResNet50", [50, 100]) == "ResNet50 (w/ 100 PGGAN-based DA)"


def test_knn_criterion_runs(parameters: dict[str, Any]) -> None:
    from medsynth_pipeline.pipelines.detection_study.nodes import real_slice_sets, synthetic_pool

    study = copy.deepcopy(parameters["detection_study"])
    study["realism_filter"].update(criterion="knn_realism", nearest_k=3, feature_size=8)
    slices, metadata = _slices()
    generator, critics = _generator_and_critics()
    real = real_slice_sets(slices, metadata, generator, study)
    pool, report, _ = synthetic_pool(generator, critics, real, {"amounts_per_class": [6]}, study)
    assert len(pool) == 12 and report["kept"].tolist() == [6, 6]
    assert (report["outside_real_manifold"] >= 0).all()
