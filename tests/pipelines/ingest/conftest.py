"""Fixtures for the ingest pipeline tests: the DICOM fixture factory (tests/fixtures_dicom)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

_FACTORY = Path(__file__).resolve().parents[2] / "fixtures_dicom" / "factory.py"


@pytest.fixture(scope="session")
def factory() -> ModuleType:
    """tests/fixtures_dicom/factory.py, loaded by path (test helpers are not importable by name)."""
    name = "medsynth_test_fixtures_dicom"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _FACTORY)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
