"""Fixtures for the ingest library tests: the DICOM fixture factory and the base ingest parameters."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

_FACTORY = Path(__file__).resolve().parents[2] / "fixtures_dicom" / "factory.py"


def load_factory() -> ModuleType:
    """tests/fixtures_dicom/factory.py, loaded by path (test helpers are not importable by name)."""
    name = "medsynth_test_fixtures_dicom"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _FACTORY)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="session")
def factory() -> ModuleType:
    return load_factory()


@pytest.fixture
def ingest_params(project_root: Path) -> dict:
    params = yaml.safe_load((project_root / "conf/base/parameters_ingest.yml").read_text())["ingest"]
    params["progress"] = False
    return params
