"""Integration tests need extra environments (.venv-airflow, Chromium). Without them they skip and say
how to get them; with MEDSYNTH_REQUIRE_INTEGRATION=1 (make test-integration, CI) a missing one fails."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def require(condition: bool, what: str, how: str) -> None:
    """Skips (or fails, when integration is required) unless ``condition``."""
    if condition:
        return
    message = f"{what} is missing: {how}"
    if os.environ.get("MEDSYNTH_REQUIRE_INTEGRATION") == "1":
        pytest.fail(message)
    pytest.skip(message)


def project_clone(tmp_path: Path) -> Path:
    """A clone of the committed project (its own data/, mlflow.db, .airflow/) for whole-pipeline runs.

    Runs in it use its own ``src`` (``clone_env``): code and conf of one commit, and the commit that the
    MLflow runs are tagged with.
    """
    clone = tmp_path / "project"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True, timeout=120)
    for layer in ("01_raw", "02_intermediate", "03_primary", "04_feature", "05_model_input", "06_models",
                  "07_model_output", "08_reporting"):
        (clone / "data" / layer).mkdir(parents=True, exist_ok=True)
    return clone


def kedro_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "1", "MPLBACKEND": "Agg", **extra}


def clone_env(project: Path, **extra: str) -> dict[str, str]:
    """``kedro_env`` importing the package from ``project/src`` (ahead of the editable install)."""
    return kedro_env(PYTHONPATH=str(project / "src"), **extra)


def run_kedro(project: Path, *args: str, timeout: int = 1200) -> None:
    """``kedro run`` of the project's venv in ``project`` on its own code; the output is shown when it fails."""
    done = subprocess.run([str(ROOT / ".venv/bin/kedro"), "run", *args], cwd=project, env=clone_env(project),
                          capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"kedro run {' '.join(args)} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"


class Helpers:
    """The functions above, for tests (conftest modules cannot be imported under --import-mode=importlib)."""

    root = ROOT
    require = staticmethod(require)
    project_clone = staticmethod(project_clone)
    kedro_env = staticmethod(kedro_env)
    clone_env = staticmethod(clone_env)
    run_kedro = staticmethod(run_kedro)


@pytest.fixture(scope="session")
def helpers() -> type[Helpers]:
    return Helpers


@pytest.fixture(scope="session")
def chromium() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    require(Path(path).exists(), "Chromium", "apt-get install -y chromium (make test-integration-deps)")
    return path
