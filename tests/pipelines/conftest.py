"""Shared by the pipeline tests: in-memory catalogs whose intermediate outputs stay readable after a run."""

from __future__ import annotations

from kedro.io import MemoryDataset


class KeptMemoryDataset(MemoryDataset):
    """The runner releases intermediate datasets once consumed; the tests still want to look at them.

    Import it relatively (``from ..conftest import KeptMemoryDataset``): test helpers are not on ``sys.path``.
    """

    def _release(self) -> None:
        pass
