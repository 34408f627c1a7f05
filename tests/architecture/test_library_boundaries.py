"""The plain libraries must stay usable without Kedro: nothing under them imports kedro."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "medsynth_pipeline"
LIBRARIES = ("imaging", "cohort", "models", "training", "metrics", "augmentation", "reporting", "classification", "reader_study")


def _imported_modules(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("library", LIBRARIES)
def test_library_does_not_import_kedro(library: str) -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in sorted((PACKAGE / library).rglob("*.py"))
        if {"kedro", "kedro_datasets", "kedro_mlflow"} & _imported_modules(path.read_text())
    ]
    assert not offenders, f"{library} must not import Kedro: {offenders}"


def test_detector_sees_kedro_imports() -> None:
    assert "kedro" in _imported_modules("from kedro.pipeline import Node\n")
    assert "kedro" in _imported_modules("import kedro.io as io\n")


def _project_imports(path: Path) -> set[str]:
    """Dotted ``medsynth_pipeline.…`` modules a file imports (absolute imports only: the project uses no others)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.startswith("medsynth_pipeline.")}


def _pipeline_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "pipelines" else None


# Still open (issue 11): two side studies instantiate another pipeline's modular template. This list may only
# shrink; the test fails on any import not in it, and on an entry that no longer exists.
TEMPLATE_REUSE = {
    "pipelines/pggan_brain/pipeline.py imports pipelines.detection_study",
    "pipelines/pggan_brain/pipeline.py imports pipelines.pggan",
    "pipelines/stitch_ablation/pipeline.py imports pipelines.mpmri_synthesis",
}


def test_no_pipeline_package_imports_another() -> None:
    """What two pipelines share is a library (or ``study_names``), never one pipeline's nodes or templates."""
    offenders = []
    for path in sorted((PACKAGE / "pipelines").rglob("*.py")):
        own = path.relative_to(PACKAGE / "pipelines").parts[0]
        others = {p for p in map(_pipeline_of, _project_imports(path)) if p and p != own and p != "__init__"}
        if others and own.endswith(".py"):
            continue  # pipelines/__init__.py
        offenders += [f"{path.relative_to(PACKAGE)} imports pipelines.{p}" for p in sorted(others)]
    assert set(offenders) == TEMPLATE_REUSE, sorted(set(offenders) ^ TEMPLATE_REUSE)


@pytest.mark.parametrize("library", LIBRARIES)
def test_library_does_not_import_a_pipeline(library: str) -> None:
    offenders = [str(path.relative_to(PACKAGE)) for path in sorted((PACKAGE / library).rglob("*.py"))
                 if any(_pipeline_of(m) for m in _project_imports(path))]
    assert not offenders, f"{library} must not import pipeline packages: {offenders}"


def test_the_import_detector_sees_a_pipeline_import(tmp_path: Path) -> None:
    planted = tmp_path / "x.py"
    planted.write_text("from medsynth_pipeline.pipelines.evaluation import nodes as evaluation\n")
    assert {_pipeline_of(m) for m in _project_imports(planted)} >= {"evaluation"}
