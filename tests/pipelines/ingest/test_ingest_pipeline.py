"""The ingest pipeline through Kedro: nodes on a tiny tree, and a real `kedro run` in a scratch project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from medsynth_pipeline.imaging.ingest.series_io import read_volume
from medsynth_pipeline.pipelines.ingest.nodes import index_series, raw_dir
from medsynth_pipeline.pipelines.ingest.pipeline import create_pipeline

PROJECT = Path(__file__).resolve().parents[3]
OUTPUTS = ("series_index", "lesions", "rejected_files", "ingest_summary", "ingest_summary_markdown")
FINDINGS = (
    "ProxID,fid,pos,zone,ClinSig\nProstateX-0000,1,1.5 -2.0 -3.25,PZ,TRUE\nProstateX-0000,2,oops,TZ,FALSE\n"
)
GRADES = "ProxID,fid,pos,zone,ggg\nProstateX-0000,1,1.5 -2.0 -3.25,PZ,3\n"


class KeptMemoryDataset(MemoryDataset):
    """Keeps its data after the runner is done with it, so the test can look at intermediate outputs."""

    def _release(self) -> None:
        pass


def write_tree(factory, root: Path) -> None:
    """One patient in the ProstateX layout plus a broken file and a findings table with a bad row."""
    patient = root / "PROSTATEx" / "ProstateX-0000" / "1.2.3-study"
    factory.write_series(patient / "t2", description="t2_tse_tra")
    factory.write_series(patient / "adc", description="ep2d_diff_tra_DYNDIST_ADC", pixel_spacing=(2.0, 2.0))
    ktrans = root / "ProstateXKtrans-train-fixed" / "ProstateX-0000" / "ProstateX-0000-Ktrans.mhd"
    factory.write_volume(ktrans, factory.volume_values(3, 8, 8).astype("float32") / 1000)
    factory.truncate(factory.write_series(patient / "dwi", n_slices=1, description="ep2d_diff")[0][0])
    lesions = root / "ProstateX-TrainingLesionInformationv2" / "ProstateX-Findings-Train.csv"
    lesions.parent.mkdir(parents=True)
    lesions.write_text(FINDINGS)
    (root / "ProstateX-2").mkdir()
    (root / "ProstateX-2" / "ProstateX-2-Findings-Train.csv").write_text(GRADES)


def base_params() -> dict:
    return {
        **yaml.safe_load((PROJECT / "conf/base/parameters_ingest.yml").read_text())["ingest"],
        "progress": False,
        "workers": 1,  # in-process: a spawned pool costs more than these few files
    }


def test_pipeline_on_a_tiny_tree(factory, tmp_path: Path) -> None:
    write_tree(factory, tmp_path)
    params = {**base_params(), "raw_dir": str(tmp_path)}
    catalog = DataCatalog(
        {"params:ingest": MemoryDataset(params), **{name: KeptMemoryDataset() for name in OUTPUTS}}
    )
    SequentialRunner().run(create_pipeline(), catalog)
    index = catalog.load("series_index")
    assert sorted(index["kind"]) == ["ADC", "KTRANS", "T2W"] and set(index["patient_id"]) == {
        "ProstateX-0000"
    }
    lesions = catalog.load("lesions")
    assert lesions[["fid", "pos_x", "pos_y", "pos_z", "ggg"]].values.tolist() == [[1, 1.5, -2.0, -3.25, 3]]
    rejected = catalog.load("rejected_files")
    assert sorted(rejected["reason"]) == ["bad_finding", "truncated"]
    summary = catalog.load("ingest_summary")
    assert summary.set_index(["section", "item"]).loc[("series_kind", "KTRANS"), "value"] == "1"
    assert "| truncated | 1 |" in catalog.load("ingest_summary_markdown")


def test_raw_dir_may_start_with_home_and_an_archive_gets_advice(factory, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    factory.write_series(tmp_path / "PROSTATEx" / "t2", description="t2_tse_tra")
    assert raw_dir({"raw_dir": "~/PROSTATEx"}) == tmp_path / "PROSTATEx"
    index, _, _ = index_series({**base_params(), "raw_dir": "~/PROSTATEx"})
    assert index["kind"].tolist() == ["T2W"]
    (tmp_path / "PROSTATEx.zip").write_bytes(b"PK")
    with pytest.raises(NotADirectoryError, match="is an archive: unpack it"):
        index_series({**base_params(), "raw_dir": str(tmp_path / "PROSTATEx.zip")})


def test_catalog_entries_have_layers_and_contract_paths(project_root: Path) -> None:
    catalog = yaml.safe_load((project_root / "conf/base/catalog_ingest.yml").read_text())
    assert set(catalog) == set(OUTPUTS)
    for name, entry in catalog.items():
        assert entry["metadata"]["kedro-viz"]["layer"] in {"intermediate", "reporting"}, name
    inner = {n: e.get("dataset", e)["filepath"] for n, e in catalog.items()}
    assert inner["series_index"] == "data/02_intermediate/series_index.parquet"
    assert inner["rejected_files"] == "data/02_intermediate/rejected_files.csv"
    assert inner["ingest_summary"].startswith("data/08_reporting/")


@pytest.mark.slow
def test_kedro_run_writes_the_catalog_and_mlflow_without_identifiers(
    factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """`kedro run --pipelines=ingest --env=test --params ingest.raw_dir=...` in a scratch copy of the project."""
    from kedro.framework.session import KedroSession
    from kedro.framework.startup import bootstrap_project

    project = tmp_path / "project"
    (project / "conf" / "base").mkdir(parents=True)
    (project / "conf" / "test").mkdir()
    (project / "conf" / "local").mkdir()
    (project / "src").mkdir()  # bootstrap_project wants a source folder; the package is installed
    shutil.copy(PROJECT / "pyproject.toml", project)
    for name in ("catalog.yml", "catalog_ingest.yml", "parameters_ingest.yml", "mlflow.yml", "globals.yml"):
        if (PROJECT / "conf/base" / name).exists():
            shutil.copy(PROJECT / "conf/base" / name, project / "conf/base")
    shutil.copy(PROJECT / "conf/test/parameters_ingest.yml", project / "conf/test")
    raw = tmp_path / "raw"
    write_tree(factory, raw)
    monkeypatch.chdir(project)  # catalog paths are relative to the working directory, as with `kedro run`

    # only this pipeline: the test must not depend on the state of every other pipeline of the project
    from medsynth_pipeline import pipeline_registry

    monkeypatch.setattr(pipeline_registry, "register_pipelines", lambda: {"ingest": create_pipeline()})
    bootstrap_project(project)
    with KedroSession.create(
        project_path=project, env="test", runtime_params={"ingest": {"raw_dir": str(raw)}}
    ) as session:
        session.run(pipeline_names=["ingest"])

    index = pd.read_parquet(project / "data/02_intermediate/series_index.parquet")
    assert sorted(index["kind"]) == ["ADC", "KTRANS", "T2W"]
    row = index[index["kind"] == "T2W"].iloc[0]
    assert read_volume(row).GetSize() == (32, 32, 4)  # list columns survive parquet
    assert len(pd.read_parquet(project / "data/02_intermediate/lesions.parquet")) == 1
    assert len(pd.read_csv(project / "data/02_intermediate/rejected_files.csv")) == 2
    assert (project / "data/08_reporting/ingest_summary.md").read_text().startswith("# Ingest summary")

    import mlflow

    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{project / 'mlflow.db'}")
    (run,) = client.search_runs([client.get_experiment_by_name("medsynth_pipeline").experiment_id])
    assert run.data.params["ingest.raw_dir"] == str(raw)
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id, "ingest")}
    assert {"ingest/ingest_summary.md", "ingest/rejected_files.csv", "ingest/ingest_summary.csv"} <= artifacts

    words = {w for v in factory.IDENTIFIERS.values() for w in v.replace("^", " ").replace(",", " ").split()}
    needles = [w.lower() for w in words if len(w) >= 6]
    stored = [p for p in project.rglob("*") if p.is_file() and p.suffix != ".py"]
    haystack = b"".join(p.read_bytes() for p in stored).lower() + capfd.readouterr().out.lower().encode()
    assert [n for n in needles if n.encode() in haystack] == []
