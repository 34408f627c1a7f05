"""The one training entry point: typed spec in, typed generator artifact out, one system registry."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
import torch

from medsynth_pipeline.models.latent import load_generator
from medsynth_pipeline.training import registry
from medsynth_pipeline.training.model_training import GeneratorArtifact, ModelSpec, Schedule, train_model
from medsynth_pipeline.training.selection import TrainingSet

from .conftest import TINY_DCGAN, TINY_KS
from .test_mpmri_system import SIZE as MPMRI_SIZE
from .test_mpmri_system import TINY as TINY_MPMRI

PIPELINES = Path(__file__).resolve().parents[2] / "src" / "medsynth_pipeline" / "pipelines"


def _spec(system: dict[str, Any], **schedule: Any) -> dict[str, Any]:
    return {"name": "tiny", "system": {"factory": "adversarial", **system},
            "schedule": {"batch_size": 4, "iterations": 3, **schedule},
            "trainer": {"seed": 7, "device": "cpu", "checkpoint_dir": None, "log_every": 1}}


def _images(n: int = 8, channels: int = 3, size: int = 16) -> TrainingSet:
    images = torch.rand(n, channels, size, size, generator=torch.Generator().manual_seed(0))
    return TrainingSet(images, None, None, [], [{"clin_sig": True}], ["T2W", "ADC", "KTRANS"][:channels], 0.5)


def test_schedule_counts_epochs_and_places_snapshots() -> None:
    schedule = Schedule.from_params({"batch_size": 10, "epochs": 2, "snapshot_fractions": [0.5, 1.0]}, "m")
    assert schedule.total_iterations(n_images=25) == 5  # 2 epochs of 25 images at batch 10
    assert schedule.snapshot_iterations(5) == [2, 5]
    assert Schedule.from_params({"batch_size": 10, "epochs": 2, "iterations": 7}, "m").total_iterations(25) == 7
    with pytest.raises(ValueError, match="m.schedule needs 'iterations' or 'epochs'"):
        Schedule.from_params({"batch_size": 10, "epochs": None, "iterations": None}, "m")
    with pytest.raises(ValueError, match=r"m.schedule.*\['steps'\]"):
        Schedule.from_params({"batch_size": 10, "steps": 3}, "m")


def test_spec_refuses_schedule_keys_in_the_trainer_block() -> None:
    params = _spec(TINY_KS)
    params["trainer"]["iterations"] = 10
    with pytest.raises(ValueError, match=r"gan_training.tiny.trainer.*\['iterations'\]"):
        ModelSpec.from_params(params, where="gan_training.tiny")


def test_train_model_returns_a_loadable_artifact_and_checkpoints_under_the_run_key(tmp_path: Path) -> None:
    params = _spec(TINY_KS)
    params["trainer"]["checkpoint_dir"] = str(tmp_path)
    trained = train_model(ModelSpec.from_params(params), _images(), run_key="prostate/lesion")
    assert isinstance(trained.artifact, GeneratorArtifact)
    assert (tmp_path / "prostate" / "lesion" / "last.pt").is_file()
    assert trained.config.metrics_prefix == "tiny/prostate/lesion/"
    artifact = trained.artifact.to_dict()
    assert artifact["model"] == "tiny" and artifact["iterations"] == 3 and artifact["channels"] == ["T2W", "ADC", "KTRANS"]
    assert artifact["class_attributes"] == [{"clin_sig": True}]
    images = load_generator(artifact).generate(5, None, generator=torch.Generator().manual_seed(1))
    assert images.shape == (5, 3, 16, 16)


def test_seed_offset_gives_independent_runs_and_no_offset_repeats() -> None:
    spec = ModelSpec.from_params(_spec(TINY_KS))
    weights = [train_model(spec, _images(), seed_offset=k).artifact.generator["state_dict"] for k in (0, 0, 1)]
    first = next(iter(weights[0]))
    assert torch.equal(weights[0][first], weights[1][first])
    assert not torch.equal(weights[0][first], weights[2][first])


def test_a_missing_reference_pool_names_the_preset() -> None:
    params = _spec({}, iterations=1) | {"system": {"factory": "mpmri", "kind": "semi_supervised",
                                                   "settings": {"beta": 1.0}, "architecture": TINY_MPMRI}}
    with pytest.raises(ValueError, match=r"gan_training.semi.*reference pool\(s\) \['non_cs'\].*gan_training.semi.references"):
        train_model(ModelSpec.from_params(params, where="gan_training.semi"), _images(channels=2, size=MPMRI_SIZE))


def test_no_schedule_needs_a_system_that_brings_its_own() -> None:
    params = _spec(TINY_DCGAN)
    params["schedule"] = None
    with pytest.raises(ValueError, match="no schedule, and system 'adversarial' has none of its own"):
        train_model(ModelSpec.from_params(params), _images(channels=1, size=8))


def test_registry_holds_every_plug_in_and_refuses_a_second_builder_for_a_name() -> None:
    for name in ("adversarial", "pggan", "mpmri", "ddpm"):
        assert callable(registry.system_builder(name))
    with pytest.raises(ValueError, match="unknown system factory 'nope'.*'ddpm'.*'mpmri'.*'pggan'"):
        registry.system_builder("nope")
    with pytest.raises(ValueError, match="'pggan' is registered twice"):
        registry.register_system("pggan")(lambda spec, **_: None)


def test_no_pipeline_builds_a_trainer_or_a_system_itself() -> None:
    """Every training node goes through ``train_model``: the loop's settings are read in one place."""
    offenders = []
    for path in sorted(PIPELINES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in {"Trainer", "TrainerConfig", "build_system", "system_factory", "build_pggan"}:
                    offenders.append(f"{path.relative_to(PIPELINES)}:{node.lineno} {name}")
    assert not offenders, offenders
