"""notebooks/walkthrough.ipynb executed with nbclient: it explains itself without a run, and shows the
patches, synthetic grids and report tables of a run made here on the tiny test configuration."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "walkthrough.ipynb"
LAYERS = ("01_raw", "02_intermediate", "03_primary", "04_feature", "05_model_input", "06_models",
          "07_model_output", "08_reporting")


def _execute(project: Path, monkeypatch: pytest.MonkeyPatch) -> nbformat.NotebookNode:
    monkeypatch.setenv("MEDSYNTH_PROJECT_PATH", str(project))
    monkeypatch.setenv("KEDRO_ENV", "test")
    monkeypatch.setenv("KEDRO_DISABLE_TELEMETRY", "true")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return notebook


def _outputs(notebook: nbformat.NotebookNode) -> tuple[str, list[str]]:
    text, kinds = [], []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            kinds += list(output.get("data", {}))
            text.append(output.get("text", "") + str(output.get("data", {}).get("text/plain", "")))
    return "\n".join(text), kinds


def _project_without_outputs(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "conf", project / "conf", ignore=shutil.ignore_patterns("local"))
    (project / "conf/local").mkdir()
    shutil.copy(ROOT / "pyproject.toml", project)
    (project / "src").mkdir()
    for layer in LAYERS:
        (project / "data" / layer).mkdir(parents=True)
    return project


def test_without_a_run_it_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text, kinds = _outputs(_execute(_project_without_outputs(tmp_path), monkeypatch))
    assert "No pipeline outputs" in text and "make run" in text
    assert "image/png" not in kinds
    assert "0 synthetic grid(s) shown" in text


@pytest.mark.slow
def test_shows_the_outputs_of_a_test_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project_without_outputs(tmp_path)
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true", "MPLBACKEND": "Agg"}
    for pipeline in ("cohort", "prostate_gan"):
        done = subprocess.run([str(ROOT / ".venv/bin/kedro"), "run", f"--pipelines={pipeline}", "--env=test"],
                              cwd=project, env=env, capture_output=True, text=True, timeout=1800)
        assert done.returncode == 0, f"kedro run --pipelines={pipeline} failed:\n{done.stderr[-4000:]}"
    text, kinds = _outputs(_execute(project, monkeypatch))
    assert "patch sets of the last run: patches." in text
    n_patch_sets = text.split("patch sets of the last run: ")[1].splitlines()[0].count(".patches")
    assert kinds.count("image/png") >= n_patch_sets + 1  # a figure per patch set and at least one grid
    assert "0 synthetic grid(s)" not in text
    assert " 0 report table(s)" not in text and "report table(s)" in text
