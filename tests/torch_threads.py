"""One torch thread while tiny networks train in the tests, shared by every test folder that trains them.

Tiny networks run fastest on one thread, and CI's 2 shared cores are not oversubscribed. Test helpers are
not on ``sys.path`` under ``--import-mode=importlib``; pytest imports the tests tree as packages, so import
relatively: ``from ..torch_threads import one_cpu_thread  # noqa: F401`` in a ``conftest.py`` (a folder)
or a test module (that module), or ``torch_threads`` for a module-scoped fixture.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
import torch


@contextlib.contextmanager
def torch_threads(n: int = 1) -> Iterator[None]:
    """torch's intra-op thread count set to ``n`` inside the block, then restored."""
    saved = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(saved)


@pytest.fixture(autouse=True)
def one_cpu_thread() -> Iterator[None]:
    """Every test that sees this fixture runs on one torch thread."""
    with torch_threads(1):
        yield
