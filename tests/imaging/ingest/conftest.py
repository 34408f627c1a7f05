"""Fixtures for the ingest library tests (the DICOM fixture `factory` is in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml


@pytest.fixture
def ingest_params(project_root: Path) -> dict:
    params = yaml.safe_load((project_root / "conf/base/parameters_ingest.yml").read_text())["ingest"]
    params["progress"] = False
    return params
