"""A real `mlflow server` (ops/mlflow_server.sh) on loopback: a run, a metric and an artifact logged
through it land in the project's store and are served back."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def mlflow_server(tmp_path: Path):
    port = _free_port()
    env = {**os.environ, "MLFLOW_BACKEND_STORE_URI": f"sqlite:///{tmp_path / 'mlflow.db'}",
           "MLFLOW_ARTIFACTS_DESTINATION": str(tmp_path / "mlartifacts")}
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen(["bash", str(ROOT / "ops/mlflow_server.sh"), "--port", str(port)], env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert server.poll() is None, f"mlflow server exited:\n{(tmp_path / 'server.log').read_text()[-3000:]}"
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"no /health in {START_TIMEOUT_S}s:\n{(tmp_path / 'server.log').read_text()[-3000:]}"
            time.sleep(0.5)
        yield url, tmp_path
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the script's exec'd server and its workers
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        log.close()


def test_run_logged_through_the_server(mlflow_server, tmp_path: Path) -> None:
    url, store = mlflow_server
    client = MlflowClient(tracking_uri=url)
    experiment = client.create_experiment("medsynth_server_test")
    run = client.create_run(experiment, tags={"airflow.dag_run_id": "manual__test"})
    client.log_metric(run.info.run_id, "fid", 12.5, step=3)
    report = tmp_path / "table2.csv"
    report.write_text("reader,accuracy\nphysician,0.785\n")
    client.log_artifact(run.info.run_id, str(report), artifact_path="reader_study")
    client.set_terminated(run.info.run_id)

    fetched = client.get_run(run.info.run_id)
    assert fetched.data.metrics == {"fid": 12.5} and fetched.info.status == "FINISHED"
    assert [a.path for a in client.list_artifacts(run.info.run_id, "reader_study")] == ["reader_study/table2.csv"]
    # the server proxied the artifact into its own store, and its database holds the run
    assert list((store / "mlartifacts").rglob("table2.csv"))
    direct = MlflowClient(tracking_uri=f"sqlite:///{store / 'mlflow.db'}")
    assert direct.get_run(run.info.run_id).data.tags["airflow.dag_run_id"] == "manual__test"
