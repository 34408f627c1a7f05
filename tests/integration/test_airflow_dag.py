"""The generated DAG in real Apache Airflow 3: committed DAGs up to date and importable, and one run of the
test-config DAG (airflow dags test) that gives the outputs of a plain `kedro run` and one tagged MLflow run."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
AIRFLOW_VENV = ROOT / ".venv-airflow"


def _ops(helpers, project: Path, *args: str, timeout: int = 1800, **env: str) -> str:
    done = subprocess.run(["bash", str(project / "ops/airflow.sh"), *args], cwd=project, capture_output=True,
                          text=True, timeout=timeout,
                          env=helpers.clone_env(project, PROJECT_VENV=str(ROOT / ".venv"), AIRFLOW_VENV=str(AIRFLOW_VENV),
                                        MEDSYNTH_PROJECT_PATH=str(project), **env))
    assert done.returncode == 0, f"ops/airflow.sh {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def airflow_project(helpers, tmp_path_factory: pytest.TempPathFactory) -> Path:
    helpers.require((AIRFLOW_VENV / "bin/airflow").exists(), ".venv-airflow", "make airflow-env")
    return helpers.project_clone(tmp_path_factory.mktemp("airflow"))


def test_committed_dags_are_current(helpers, airflow_project: Path) -> None:
    dags = airflow_project / "airflow" / "dags"
    committed = {path.name: path.read_text() for path in dags.glob("*_dag.py")}
    assert committed, "no DAG committed in airflow/dags: run make airflow-dag"
    _ops(helpers, airflow_project, "dag", DAG_ENVS="base demo")
    regenerated = {path.name: path.read_text() for path in dags.glob("*_dag.py")}
    stale = sorted(name for name in regenerated if committed.get(name) != regenerated[name])
    assert not stale, f"airflow/dags/{stale} stale: the pipeline changed; run make airflow-dag and commit"


def test_committed_dags_import_in_airflow(helpers, airflow_project: Path) -> None:
    out = _ops(helpers, airflow_project, "check", AIRFLOW__CORE__DAGS_FOLDER=str(airflow_project / "airflow/dags"))
    assert "medsynth_pipeline_prostate_gan_base" in out


def test_an_airflow_run_reproduces_a_kedro_run_and_is_tracked(helpers, airflow_project: Path) -> None:
    # One `kedro run` in one session, then the same pipeline as Airflow tasks, each its own Kedro session:
    # identical outputs mean no result depends on how the run is cut into tasks. One task per stage
    # (GROUP_BY=namespace, 7 tasks): the 152 memory-grouped tasks of the committed DAGs cost ~9 min here
    # in Kedro session starts alone, and test_stage_namespaces proves both groupings equally safe.
    helpers.run_kedro(airflow_project, "--pipelines=cohort", "--env=test")
    python = str(ROOT / ".venv/bin/python")

    def manifest(name: str) -> Path:
        path = airflow_project / f"manifest_{name}.json"
        subprocess.run([python, str(airflow_project / "ops/repro_check.py"), "manifest", "--data",
                        str(airflow_project / "data"), "--out", str(path)], check=True, timeout=600)
        return path

    helpers.run_kedro(airflow_project, "--pipelines=prostate_gan", "--env=test")
    by_kedro = manifest("kedro")
    out = _ops(helpers, airflow_project, "test", "test", GROUP_BY="namespace")
    assert "state=success" in out, out
    by_airflow = manifest("airflow")
    compared = subprocess.run([python, str(airflow_project / "ops/repro_check.py"), "compare", str(by_kedro),
                               str(by_airflow)], capture_output=True, text=True, timeout=600)
    assert compared.returncode == 0, compared.stdout
    assert len(json.loads(by_kedro.read_text())) > 0

    runs = subprocess.run(
        [python, "-c", (
            "import json, mlflow; mlflow.set_tracking_uri('sqlite:///mlflow.db');"
            "df = mlflow.search_runs(search_all_experiments=True);"
            "print(json.dumps([{k[5:]: v for k, v in r.items() if k.startswith('tags.')} | {'status': r['status']}"
            " for r in df.to_dict('records')]))")],
        cwd=airflow_project, capture_output=True, text=True, timeout=300, env=helpers.clone_env(airflow_project), check=True,
    ).stdout.strip().splitlines()[-1]
    runs = json.loads(runs)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=airflow_project, capture_output=True, text=True).stdout.strip()
    airflow_runs = [r for r in runs if r.get("airflow.dag_id") == "medsynth_pipeline_prostate_gan_test"]
    assert len(airflow_runs) == 1, runs  # one MLflow run per Airflow run, however many tasks it had
    assert airflow_runs[0]["airflow.dag_run_id"]
    assert all(r["git.commit"] == head and r["status"] == "FINISHED" for r in runs), runs
