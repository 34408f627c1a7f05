"""The reporting tests reuse the evaluation tests' toy data and parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ..evaluation.conftest import load_test_parameters


@pytest.fixture(scope="session")
def test_parameters(project_root: Path) -> dict[str, Any]:
    return load_test_parameters(project_root)
