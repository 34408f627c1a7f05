"""Every third-party module the package imports comes from a distribution pyproject.toml declares.

An import that only works because another dependency happens to pull its distribution in (flask via mlflow,
cloudpickle via mlflow, threadpoolctl via scikit-learn) breaks the day that dependency drops it; declared, it
also gets its exact version in constraints.txt.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

PACKAGE = "medsynth_pipeline"


def _canonical(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()  # PEP 503 name normalisation


def _requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, f"pyproject.toml: unreadable requirement {requirement!r}"
    return _canonical(match.group(1))


def third_party_imports(source_root: Path) -> dict[str, list[str]]:
    """{top-level module: ["file:line", ...]} for every absolute import outside the stdlib and the package."""
    found: dict[str, list[str]] = {}
    for path in sorted(source_root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.partition(".")[0]
                if top not in sys.stdlib_module_names and top not in (PACKAGE, "__future__"):
                    found.setdefault(top, []).append(f"{path.relative_to(source_root.parent)}:{node.lineno}")
    return found


@pytest.fixture(scope="module")
def declared(project_root: Path) -> set[str]:
    project = tomllib.loads((project_root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {_requirement_name(r) for r in project["dependencies"]}


def test_finds_imports_of_every_form(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(
        "import os, yaml.nodes\nfrom flask import Flask\nfrom . import sibling\nfrom medsynth_pipeline import x\n"
        "def f():\n    import cloudpickle\n"
    )
    assert sorted(third_party_imports(tmp_path / "pkg")) == ["cloudpickle", "flask", "yaml"]


def test_every_imported_module_is_declared(project_root: Path, declared: set[str]) -> None:
    providers = packages_distributions()
    imports = third_party_imports(project_root / "src" / PACKAGE)
    assert {"torch", "kedro", "mlflow"} <= imports.keys()  # the scan sees the package
    undeclared = {
        module: (providers.get(module) or ["<not installed>"], where[:3])
        for module, where in sorted(imports.items())
        if not {_canonical(d) for d in providers.get(module, [])} & declared
    }
    assert not undeclared, (
        "imported but not provided by a distribution in pyproject.toml's dependencies "
        f"(module: (installed distributions, first imports)): {undeclared}"
    )


def test_every_declared_dependency_is_pinned(project_root: Path, declared: set[str]) -> None:
    lines = (project_root / "constraints.txt").read_text(encoding="utf-8").splitlines()[1:]
    pinned = {_canonical(line.partition("==")[0]) for line in lines if "==" in line}
    assert not declared - pinned, f"declared but not pinned in constraints.txt: {sorted(declared - pinned)}"
    # `make lock` writes `sort -f` order (C locale: folded to upper case, so "torchvision" < "torch_fidelity")
    assert lines == sorted(lines, key=str.upper), "constraints.txt is not in `sort -f` order"
