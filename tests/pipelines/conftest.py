"""Shared by the pipeline tests: in-memory catalogs whose intermediate outputs stay readable after a run."""

from __future__ import annotations

import copy
from typing import Any

from kedro.io import DataCatalog, MemoryDataset
from kedro.pipeline import Pipeline


class KeptMemoryDataset(MemoryDataset):
    """The runner releases intermediate datasets once consumed; the tests still want to look at them.

    Import it relatively (``from ..conftest import KeptMemoryDataset``): test helpers are not on ``sys.path``.
    """

    def _release(self) -> None:
        pass


def kept_catalog(pipeline: Pipeline, parameters: dict[str, Any]) -> DataCatalog:
    """Every dataset of ``pipeline`` kept in memory, its ``params:a.b`` inputs read from ``parameters``."""
    datasets: dict[str, Any] = {name: KeptMemoryDataset() for name in pipeline.datasets()}
    for name in pipeline.inputs():
        value = parameters
        for part in name.removeprefix("params:").split("."):
            value = value[part]
        datasets[name] = KeptMemoryDataset(copy.deepcopy(value), copy_mode="assign")
    return DataCatalog(datasets)
