"""Every node of the main job sits in its stage's namespace, and no in-memory dataset crosses from one stage to
another. Then kedro-viz shows each stage as one modular pipeline, and `kedro airflow create --group-by
namespace` (one Airflow task per stage, `GROUP_BY=namespace ops/airflow.sh`) is as safe as `--group-by memory`:
a task never needs a dataset that only lived in another task's memory."""

from __future__ import annotations

from pathlib import Path

import pytest
from kedro.framework.project import pipelines
from kedro.framework.session import KedroSession
from kedro.framework.startup import bootstrap_project
from kedro.io import MemoryDataset
from kedro.pipeline import Node, Pipeline

from medsynth_pipeline.pipelines.prostate_gan import STAGES

ROOT = Path(__file__).resolve().parents[2]


def stage_of(node: Node) -> str:
    return (node.namespace or "").split(".")[0]


def in_memory_crossings(pipeline: Pipeline, is_in_memory) -> list[str]:
    """``dataset: producer stage → consumer stage`` for every in-memory dataset read outside its stage."""
    producer = {output: node for node in pipeline.nodes for output in node.outputs}
    return sorted(
        {
            f"{name}: {stage_of(producer[name])} → {stage_of(node)}"
            for node in pipeline.nodes
            for name in node.inputs
            if name in producer and stage_of(producer[name]) != stage_of(node) and is_in_memory(name)
        }
    )


def test_a_crossing_is_caught() -> None:
    def one(x):
        return x

    made = Pipeline([Node(one, "a", "b", name="make", namespace="first"), Node(one, "b", "c", name="use", namespace="second")])
    assert in_memory_crossings(made, lambda name: True) == ["b: first → second"]
    assert in_memory_crossings(made, lambda name: False) == []


@pytest.mark.parametrize("env", ["test", "demo", "base"])
def test_every_node_is_in_a_stage_and_no_memory_dataset_crosses_stages(env: str) -> None:
    bootstrap_project(ROOT)
    main_job = pipelines["prostate_gan"]
    assert {stage_of(node) for node in main_job.nodes} == set(STAGES), "a node outside its stage's namespace"
    with KedroSession.create(project_path=ROOT, env=env) as session:
        catalog = session.load_context().catalog

        def is_in_memory(name: str) -> bool:
            dataset = catalog.get(name)
            return dataset is None or isinstance(dataset, MemoryDataset)

        assert in_memory_crossings(main_job, is_in_memory) == []
