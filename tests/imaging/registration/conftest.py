"""Fixtures for the registration library tests: the base parameters and a misaligned phantom pair."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

# Test helpers are not importable by name under --import-mode=importlib: load the phantom by path.
_spec = importlib.util.spec_from_file_location("registration_phantom", Path(__file__).with_name("phantom.py"))
_phantom = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_phantom)

# A rotation of a few degrees and a shift of a few mm, about the prostate: what patient motion looks like.
TRUTH = {"rotation_deg": (2.0, -1.5, 3.0), "translation_mm": (3.0, -2.0, 1.5), "centre": (4.0, 6.0, 0.0)}


@pytest.fixture(scope="session")
def registration_params(project_root: Path) -> dict:
    return yaml.safe_load((project_root / "conf/base/parameters_registration.yml").read_text())["registration"]


@pytest.fixture(scope="session")
def phantom():
    return _phantom


@pytest.fixture(scope="session")
def truth_params() -> dict:
    return TRUTH


@pytest.fixture(scope="session")
def truth():
    return _phantom.rigid(TRUTH["rotation_deg"], TRUTH["translation_mm"], TRUTH["centre"])


@pytest.fixture(scope="session")
def misaligned(truth):
    """(T2w, ADC) phantom images; ``truth`` (fixed→moving) realigns the ADC."""
    return _phantom.misaligned_pair(truth)
