"""kedro-viz shows the layer view only when the layers form no cycle. Checked with kedro-viz's own code, the way
``kedro viz build`` does it (``kedro_viz.server.populate_data``, then per registered pipeline the modular-pipeline
tree and ``kedro_viz.services.layers.sort_layers``), over every registered pipeline of the base catalog.

kedro-viz adds an edge from every free input of a modular pipeline (a namespace) to every free output, so a
namespace that reads a `models` dataset and writes a `model_input` one closes the cycle model_input → models →
model_input even when no single node writes backwards: a per-node check cannot see it.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from kedro.io import DataCatalog, MemoryDataset
from kedro.pipeline import Node, Pipeline
from kedro_viz.data_access import DataAccessManager
from kedro_viz.integrations.kedro import data_loader
from kedro_viz.server import populate_data
from kedro_viz.services import layers as layers_service

LAYERS = ["raw", "intermediate", "primary", "feature", "model_input", "models", "model_output", "reporting"]


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def kedro_viz_layers(catalog: DataCatalog, pipelines: dict[str, Pipeline]) -> dict[str, tuple[list[str], list[str]]]:
    """{pipeline: (kedro-viz's sorted layers, its warnings)}; sort_layers logs a cycle and returns []."""
    manager = DataAccessManager()
    populate_data(manager, catalog, pipelines, {})
    viz_logger = logging.getLogger(layers_service.__name__)
    handler, level = _Warnings(), viz_logger.level
    viz_logger.addHandler(handler)
    viz_logger.setLevel(logging.WARNING)
    result = {}
    try:
        for pipeline_id in pipelines:  # in registry order, as `kedro viz build` saves them
            handler.messages.clear()
            manager.create_modular_pipelines_tree_for_registered_pipeline(pipeline_id)
            layers = manager.get_sorted_layers_for_registered_pipeline(pipeline_id)
            result[pipeline_id] = (layers, list(handler.messages))
    finally:
        viz_logger.removeHandler(handler)
        viz_logger.setLevel(level)
    return result


def cyclic(result: dict[str, tuple[list[str], list[str]]]) -> dict[str, list[str]]:
    return {pid: messages or ["no layers"] for pid, (layers, messages) in result.items() if messages or not layers}


@pytest.fixture(scope="module")
def project(project_root: Path):
    catalog, pipelines, _ = data_loader.load_data(project_root, env="base")  # what `kedro viz build` loads
    return catalog, dict(pipelines)


def _layer(catalog: DataCatalog, name: str) -> str | None:
    if name.startswith("params:") or name == "parameters":
        return None
    dataset = catalog.get(name, fallback_to_runtime_pattern=True)
    return ((getattr(dataset, "metadata", None) or {}).get("kedro-viz") or {}).get("layer")


def test_every_persisted_dataset_has_a_known_layer(project) -> None:
    catalog, registered = project
    unknown = {
        (name, _layer(catalog, name))
        for pipeline in registered.values()
        for name in pipeline.datasets()
        if _layer(catalog, name) not in (None, *LAYERS)
    }
    assert not unknown, f"layers outside {LAYERS}: {sorted(unknown)}"


def test_kedro_viz_sorts_the_layers_of_every_registered_pipeline(project) -> None:
    catalog, registered = project
    result = kedro_viz_layers(catalog, registered)
    assert result.keys() == registered.keys()
    assert not cyclic(result), f"kedro-viz drops the layer view of: {cyclic(result)}"
    # the main job's lineage reads left to right: patches → generators → synthetic/classical sets → report
    main = [layer for layer in result["__default__"][0] if layer in LAYERS[LAYERS.index("model_input"):]]
    assert main == LAYERS[LAYERS.index("model_input"):], result["__default__"][0]


def _toy(classical_layer: str) -> tuple[DataCatalog, dict[str, Pipeline]]:
    """gan_training and augmentation in miniature: a namespace reading a generator writes classical copies."""
    layers = {"patches": "model_input", "gan.generator": "models", "aug.synthetic": "model_output",
              "aug.classical": classical_layer}
    catalog = DataCatalog({name: MemoryDataset(metadata={"kedro-viz": {"layer": layer}})
                           for name, layer in layers.items()})
    pipeline = Pipeline([
        Node(lambda p: p, "patches", "gan.generator", name="train", namespace="gan"),
        Node(lambda g: g, "gan.generator", "aug.synthetic", name="synthesise", namespace="aug"),
        Node(lambda p: p, "patches", "aug.classical", name="classical", namespace="aug"),  # no backward node
    ])
    return catalog, {"__default__": pipeline}


def test_the_check_sees_a_cycle_through_a_modular_pipeline() -> None:
    assert "__default__" in cyclic(kedro_viz_layers(*_toy("model_input")))
    layers, messages = kedro_viz_layers(*_toy("model_output"))["__default__"]
    assert not messages and layers == ["model_input", "models", "model_output"]
