"""The ``cohort`` pipeline, run through Kedro on the project's own config (env ``test``) in a tmp dir."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from kedro.framework.project import settings
from kedro.framework.startup import bootstrap_project
from kedro.io import DataCatalog
from kedro.runner import SequentialRunner

from medsynth_pipeline.imaging.cohort import resolve_spec, write_cohort
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
        location = entry.get("path") or entry["filepath"]
        assert location.startswith((paths["raw_dir"] + "/", paths["truth_dir"] + "/")), name
        assert entry["metadata"]["kedro-viz"]["layer"] == "raw"
    assert "prostatex_like/" not in (project_root / "conf/base/catalog_cohort.yml").read_text()


@pytest.mark.parametrize("env", ["base", "demo", "test"])
def test_parameters_resolve_to_a_valid_spec(project_root: Path, env: str) -> None:
    cohort = _config(project_root, env)["parameters"]["cohort"]
    resolve_spec(cohort["preset"], cohort.get("overrides"))  # unknown keys would raise
    if env != "test":
        assert cohort["n_patients"] == 40 and cohort["preset"] == "prostatex"
    else:
        assert cohort["n_patients"] <= 4 and cohort["preset"] == "tiny"


def test_pipeline_writes_the_same_cohort_as_write_cohort(project_root: Path, tmp_path: Path) -> None:
    config = _config(project_root, "test")
    paths = config["globals"]["paths"]
    entries = {
        k: _repath(v, paths, tmp_path / "kedro")
        for k, v in config["catalog"].items()
        if k.startswith("cohort")
    }
    catalog = DataCatalog.from_config(entries)
    params = config["parameters"]["cohort"]
    catalog["params:cohort"] = params
    pipeline = create_pipeline()
    assert pipeline.inputs() == {"params:cohort"}
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
        **params.get("overrides", {}),
    )
    assert written == _digests(tmp_path / "plain")  # the Kedro datasets write exactly what the library does

    reloaded = catalog.load("cohort_findings_train")
    assert list(reloaded.columns) == ["ProxID", "fid", "pos", "zone", "ClinSig"]
    assert len(catalog.load("cohort_dicom_series")) == sum(1 for k in written if k.endswith(".dcm"))
