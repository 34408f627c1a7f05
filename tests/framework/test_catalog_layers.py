"""kedro-viz shows the layer view only when the layers form no cycle: no node may write to an earlier layer
than one it reads. Checked over every registered pipeline with the base catalog (factories resolved)."""

from __future__ import annotations

import pytest
from kedro.framework.project import pipelines
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project

LAYERS = ["raw", "intermediate", "primary", "feature", "model_input", "models", "model_output", "reporting"]


@pytest.fixture(scope="module")
def catalog_and_pipelines(project_root):
    bootstrap_project(project_root)
    with KedroSession.create(project_path=project_root, env="base") as session:
        catalog = session.load_context().catalog
    return catalog, dict(pipelines)


def _layer(catalog, name: str) -> str | None:
    if name.startswith("params:") or name == "parameters":
        return None
    dataset = catalog.get(name, fallback_to_runtime_pattern=True)
    return ((getattr(dataset, "metadata", None) or {}).get("kedro-viz") or {}).get("layer")


def test_every_persisted_dataset_has_a_known_layer(catalog_and_pipelines) -> None:
    catalog, registered = catalog_and_pipelines
    unknown = {
        (name, _layer(catalog, name))
        for pipeline in registered.values()
        for name in pipeline.datasets()
        if _layer(catalog, name) not in (None, *LAYERS)
    }
    assert not unknown, f"layers outside {LAYERS}: {sorted(unknown)}"


def test_no_node_writes_to_an_earlier_layer(catalog_and_pipelines) -> None:
    catalog, registered = catalog_and_pipelines
    backwards = sorted(
        (node.name, source, _layer(catalog, source), target, _layer(catalog, target))
        for pipeline in registered.values()
        for node in pipeline.nodes
        for source in node.inputs
        for target in node.outputs
        if _layer(catalog, source) and _layer(catalog, target)
        and LAYERS.index(_layer(catalog, source)) > LAYERS.index(_layer(catalog, target))
    )
    assert not backwards, f"(node, input, its layer, output, its layer) going backwards: {backwards[:10]}"
