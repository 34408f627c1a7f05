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
