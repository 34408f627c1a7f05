"""The pggan pipeline end to end on tiny registered volumes with the conf/test settings."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import torch
from kedro.io import DataCatalog
from kedro.runner import SequentialRunner
from matplotlib.figure import Figure

from medsynth_pipeline.models.latent import load_generator
from medsynth_pipeline.models.pggan import PerClassGenerator, PGGANGenerator
from medsynth_pipeline.pipelines.pggan import create_pipeline

from ...torch_threads import one_cpu_thread, torch_threads  # noqa: F401
from ..conftest import KeptMemoryDataset
from .conftest import lesions, load_parameters, patient_splits, registered_volumes


def _run(parameters: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    params = copy.deepcopy(parameters)
    params["pggan"]["model"]["trainer"]["checkpoint_dir"] = str(tmp_path / "ckpt")
    pipeline = create_pipeline()
    datasets: dict[str, Any] = {name: KeptMemoryDataset() for name in pipeline.datasets()}
    datasets["registered_volumes"] = KeptMemoryDataset(registered_volumes(), copy_mode="assign")
    datasets["lesions"] = KeptMemoryDataset(lesions())
    datasets["patient_splits"] = KeptMemoryDataset(patient_splits())
    for key in ("patches.normalisation", "pggan.data", "pggan.model", "pggan.figures"):
        section, name = key.split(".")
        datasets[f"params:{key}"] = KeptMemoryDataset(params[section][name], copy_mode="assign")
    catalog = DataCatalog(datasets)
    SequentialRunner().run(pipeline, catalog)
    produced = {out for node in pipeline.nodes for out in node.outputs}
    out = {name: catalog[name].load() for name in produced}
    return out | {"checkpoint_dir": tmp_path / "ckpt"}


@pytest.fixture(scope="module")
def outputs(test_parameters: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    with torch_threads(1):  # module fixtures are set up before the function-scoped one_cpu_thread
        return _run(test_parameters, tmp_path_factory.mktemp("pggan"))


def test_slices_are_labelled_padded_and_split(outputs: dict[str, Any]) -> None:
    slices, meta = outputs["pggan.slices"], outputs["pggan.slice_metadata"]
    assert slices["images"].shape[1:] == (1, 32, 32)  # 28×28 zero-padded to the next power of two
    assert slices["channels"] == ["T2W"] and len(meta) == len(slices["images"])
    assert slices["images"].min() >= 0 and slices["images"].max() <= 1
    assert meta["is_lesion"].any() and (~meta["is_lesion"]).any()
    assert set(meta["split"]) == {"train", "val", "test"}
    # every lesion slice lies within 3 mm of its patient's lesion centre (lesion_margin_mm)
    centres = lesions().set_index("patient_id")["pos_z"]
    lesion_rows = meta[meta["is_lesion"]]
    assert ((lesion_rows["z_mm"] - lesion_rows["patient_id"].map(centres)).abs() <= 3.0).all()


def test_pggan_grows_through_every_resolution_per_class(outputs: dict[str, Any]) -> None:
    history = outputs["pggan.training_history"]
    assert set(history["run"]) == {"no_lesion", "lesion"}
    for _, run in history.groupby("run"):
        assert sorted(run["resolution"].unique()) == [4.0, 8.0, 16.0]
        assert run["alpha"].min() == 0.0 and run["alpha"].max() == 1.0
    grids = outputs["pggan.phase_grids"]
    assert sorted(grids) == ["16x16.png", "4x4.png", "8x8.png"]
    assert all(isinstance(f, Figure) for f in grids.values())
    shots = outputs["pggan.phase_snapshots"]["lesion"]
    assert shots["resolutions"] == [4, 8, 16]
    assert [tuple(i.shape[-2:]) for i in shots["images"]] == [(4, 4), (8, 8), (16, 16)]
    throughput = outputs["pggan.phase_throughput"]
    assert set(throughput["resolution"]) <= {4, 8, 16} and (throughput["images_per_second"] > 0).all()


def test_generator_artifact_answers_each_class(outputs: dict[str, Any]) -> None:
    artifact = outputs["pggan.generator"]
    assert artifact["mode"] == "per_class" and artifact["num_classes"] == 2
    assert artifact["class_values"] == [False, True] and artifact["trained_resolution"] == 16
    assert artifact["class_attributes"][1]["is_lesion"] is True
    net = load_generator(artifact)
    assert isinstance(net, PerClassGenerator) and all(isinstance(m, PGGANGenerator) for m in net.members)
    images = net.generate(4, torch.tensor([0, 1, 0, 1]), generator=torch.Generator().manual_seed(0))
    assert images.shape == (4, 1, 16, 16) and images.abs().max() <= 1.0
    assert len(outputs["pggan.critics"]["critics"]) == 2


def test_checkpoints_per_run_and_phase_and_figures(outputs: dict[str, Any]) -> None:
    root = outputs["checkpoint_dir"] / "prostate"
    for run in ("no_lesion", "lesion"):
        assert (root / run / "last.pt").is_file()
        assert sorted(p.name for p in (root / run / "phases").iterdir()) == [
            "phase_16x16.pt", "phase_4x4.pt", "phase_8x8.pt"]
    assert sorted(outputs["pggan.loss_curves"]) == ["lesion.png", "no_lesion.png"]
    assert isinstance(outputs["pggan.real_vs_synthetic"], Figure)


def test_conditional_mode_trains_one_network(test_parameters: dict[str, Any], tmp_path: Path) -> None:
    params = copy.deepcopy(test_parameters)
    params["pggan"]["model"]["mode"] = "conditional"
    params["pggan"]["model"]["final_resolution"] = 8
    out = _run(params, tmp_path)
    assert set(out["pggan.training_history"]["run"]) == {"conditional"}
    artifact = out["pggan.generator"]
    assert artifact["mode"] == "conditional" and artifact["num_classes"] == 2
    assert load_generator(artifact).generate(2, torch.tensor([0, 1])).shape == (2, 1, 8, 8)


def test_demo_and_base_settings_are_consistent(project_root: Path) -> None:
    for env in ("base", "demo"):
        model = load_parameters(project_root, env)["pggan"]["model"]
        assert model["system"]["factory"] == "pggan"
    base = load_parameters(project_root, "base")["pggan"]["model"]["system"]
    assert base["architecture"] == {"latent_dim": 512, "fmap_base": 8192, "fmap_max": 512, "mbstd_group_size": 4}
    assert base["schedule"] == {"unit": "epochs", "total": 100, "batch_size": 16}
    assert base["optimizer"]["lr"] == 0.001 and base["loss"]["drift_weight"] == 0.001


def test_missing_split_is_a_clear_error(test_parameters: dict[str, Any], tmp_path: Path) -> None:
    from medsynth_pipeline.pipelines.pggan.nodes import prostate_slices

    splits = patient_splits().iloc[1:]
    with pytest.raises(ValueError, match="PX-0000.*patient_splits"):
        prostate_slices(registered_volumes(), lesions(), splits, test_parameters["patches"]["normalisation"],
                        test_parameters["pggan"]["data"])
