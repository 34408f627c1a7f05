"""The ``cohort`` pipeline, run through Kedro on the project's own config (env ``test``) in a tmp dir."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest
from kedro.framework.project import settings
from kedro.framework.startup import bootstrap_project
from kedro.io import DataCatalog
from kedro.runner import SequentialRunner

from medsynth_pipeline.cohort import resolve_spec, write_cohort
from medsynth_pipeline.pipelines.cohort import create_pipeline


def _config(project_root: Path, env: str) -> Any:
    bootstrap_project(project_root)
    return settings.CONFIG_LOADER_CLASS(
        conf_source=str(project_root / "conf"), env=env, **settings.CONFIG_LOADER_ARGS
    )


def _repath(value: Any, paths: dict[str, str], root: Path) -> Any:
    """Point every configured path below ``root`` (raw_dir → root/raw, truth_dir → root/truth)."""
    if isinstance(value, dict):
        return {k: _repath(v, paths, root) for k, v in value.items()}
    if isinstance(value, str):
        for key, target in (("truth_dir", "truth"), ("raw_dir", "raw")):
            if value.startswith(paths[key]):
                return str(root / target) + value[len(paths[key]) :]
    return value


def _without_mlflow(entry: dict[str, Any]) -> dict[str, Any]:
    """The dataset an MLflow artifact wrapper saves through (no MLflow run outside ``kedro run``)."""
    if "MlflowArtifactDataset" in entry["type"]:
        return {**entry["dataset"], "metadata": entry.get("metadata")}
    return entry


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_raw_dir_is_defined_once_and_every_output_lives_under_it_or_the_truth_dir(project_root: Path) -> None:
    config = _config(project_root, "base")
    paths = config["globals"]["paths"]
    assert paths["raw_dir"] == "data/01_raw/prostatex_like"
    assert not paths["truth_dir"].startswith(paths["raw_dir"] + "/")  # ingest must never see the truth
    entries = {k: v for k, v in config["catalog"].items() if k.startswith("cohort")}
    outputs = create_pipeline().all_outputs() - {"cohort_plan"}
    assert set(entries) == outputs
    for name, entry in entries.items():
        location = entry.get("path") or _without_mlflow(entry)["filepath"]
        assert location.startswith((paths["raw_dir"] + "/", paths["truth_dir"] + "/")), name
        assert entry["metadata"]["kedro-viz"]["layer"] == "raw"
    assert "prostatex_like/" not in (project_root / "conf/base/catalog_cohort.yml").read_text()


@pytest.mark.parametrize("env", ["base", "demo", "test"])
def test_parameters_resolve_to_a_valid_spec(project_root: Path, env: str) -> None:
    cohort = _config(project_root, env)["parameters"]["cohort"]
    resolve_spec(cohort["preset"], cohort.get("overrides"))  # unknown keys would raise
    if env != "test":
        assert cohort["n_patients"] == 204 and cohort["preset"] == "prostatex"
    else:
        assert cohort["n_patients"] <= 5 and cohort["preset"] == "tiny"


def test_pipeline_writes_the_same_cohort_as_write_cohort(project_root: Path, tmp_path: Path) -> None:
    config = _config(project_root, "test")
    paths = config["globals"]["paths"]
    entries = {
        k: _repath(_without_mlflow(v), paths, tmp_path / "kedro")
        for k, v in config["catalog"].items()
        if k.startswith("cohort")
    }
    catalog = DataCatalog.from_config(entries)
    params = config["parameters"]["cohort"]
    catalog["params:cohort"] = params
    catalog["params:cohort.workers"] = 2  # rendered by a pool while Kedro saves; write_cohort below is serial
    pipeline = create_pipeline()
    assert pipeline.inputs() == {"params:cohort", "params:cohort.workers"}
    SequentialRunner().run(pipeline, catalog)

    written = _digests(tmp_path / "kedro")
    assert any(k.startswith("raw/PROSTATEx/ProstateX-0000/") and k.endswith("/1-01.dcm") for k in written)
    assert "raw/ProstateXKtrans-train-fixed/ProstateX-0002/ProstateX-0002-Ktrans.zraw" in written
    assert "truth/cohort_truth.csv" in written and "truth/lesions_truth.csv" in written
    write_cohort(
        tmp_path / "plain" / "raw",
        tmp_path / "plain" / "truth",
        n_patients=params["n_patients"],
        seed=params["seed"],
        preset=params["preset"],
        workers=1,
        **params.get("overrides", {}),
    )
    assert written == _digests(tmp_path / "plain")  # the Kedro datasets write exactly what the library does

    reloaded = catalog.load("cohort_findings_train")
    assert list(reloaded.columns) == ["ProxID", "fid", "pos", "zone", "ClinSig"]
    assert len(catalog.load("cohort_dicom_series")) == sum(1 for k in written if k.endswith(".dcm"))


@pytest.mark.slow
def test_kedro_run_logs_the_cohort_settings_to_mlflow(
    project_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kedro run --pipelines=cohort --env=test` in a scratch copy of the project: files, MLflow params, artifact."""
    from kedro.framework.session import KedroSession

    from medsynth_pipeline import pipeline_registry

    project = tmp_path / "project"
    for env in ("base", "test", "local"):
        (project / "conf" / env).mkdir(parents=True)
    (project / "src").mkdir()  # bootstrap_project wants a source folder; the package is installed
    shutil.copy(project_root / "pyproject.toml", project)
    for name in ("catalog_cohort.yml", "parameters_cohort.yml", "globals.yml", "mlflow.yml"):
        shutil.copy(project_root / "conf/base" / name, project / "conf/base")
    shutil.copy(project_root / "conf/test/parameters_cohort.yml", project / "conf/test")
    monkeypatch.chdir(project)  # catalog paths are relative to the working directory, as with `kedro run`
    # only this pipeline: the test must not depend on the state of every other pipeline of the project
    monkeypatch.setattr(pipeline_registry, "register_pipelines", lambda: {"cohort": create_pipeline()})
    bootstrap_project(project)
    with KedroSession.create(project_path=project, env="test") as session:
        session.run(pipeline_names=["cohort"])

    raw, truth = project / "data/01_raw/prostatex_like", project / "data/01_raw/prostatex_like_truth"
    assert (raw / "ProstateX-TrainingLesionInformationv2/ProstateX-Findings-Train.csv").is_file()
    assert len(list((raw / "PROSTATEx").glob("ProstateX-*"))) == 5
    assert (truth / "cohort_truth.csv").is_file()

    import mlflow

    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{project / 'mlflow.db'}")
    (run,) = client.search_runs([client.get_experiment_by_name("medsynth_pipeline").experiment_id])
    assert run.data.params["cohort.n_patients"] == "5" and run.data.params["cohort.preset"] == "tiny"
    assert {a.path for a in client.list_artifacts(run.info.run_id, "cohort")} == {"cohort/cohort_spec.json"}
