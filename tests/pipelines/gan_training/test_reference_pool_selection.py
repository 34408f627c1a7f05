"""Reference pools of a gan_training model: training split only, the model's channels, clear errors."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import torch

from medsynth_pipeline.pipelines.gan_training.nodes import (
    select_reference_pools,
    select_training_images,
    train_gan,
)

from .conftest import tiny_patches


@pytest.fixture
def model(test_parameters: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(test_parameters["gan_training"]["mpmri_semi"])


def test_pool_rows_come_from_the_training_split_with_the_models_channels(model: dict[str, Any]) -> None:
    patches, meta = tiny_patches("mpmri_64")
    model["select"]["channels"] = ["T2W"]
    model["references"] = {"non_cs": {"rows": {"clin_sig": False}}, "benign": {"rows": {"gleason_score": "3+3"}}}
    pools = select_reference_pools(patches, meta, model)
    assert torch.equal(pools["non_cs"], patches["images"][[0, 4, 5, 8]][:, 1:])  # val row 9 is non-CS: left out
    assert torch.equal(pools["benign"], patches["images"][[0, 5]][:, 1:])
    assert select_reference_pools(patches, meta, {**model, "references": None}) == {}


@pytest.mark.parametrize("spec", [{"split": "test", "rows": {"clin_sig": False}}, {"rows": {}, "channels": ["ADC"]}])
def test_pools_refuse_other_splits_and_settings(model: dict[str, Any], spec: dict[str, Any]) -> None:
    patches, meta = tiny_patches("mpmri_64")
    with pytest.raises(ValueError, match=r"gan_training.mpmri_semi.references.non_cs: .*training split"):
        select_reference_pools(patches, meta, {**model, "references": {"non_cs": spec}})


def test_a_patient_in_two_splits_cannot_enter_a_pool(model: dict[str, Any]) -> None:
    patches, meta = tiny_patches("mpmri_64")
    meta.loc[9, "patient_id"] = meta.loc[8, "patient_id"]  # a non-CS training patient also has a val patch
    with pytest.raises(ValueError, match=r"patients \['PX-0002'\] also have validation/test patches"):
        select_reference_pools(patches, meta, model)


def test_a_system_that_needs_a_pool_does_not_train_without_it(model: dict[str, Any]) -> None:
    patches, meta = tiny_patches("mpmri_64")
    selected = select_training_images(patches, meta, model)
    with pytest.raises(ValueError, match=r"reference pool\(s\) \['non_cs'\].*gan_training.mpmri_semi.references"):
        train_gan(selected, model, {})
