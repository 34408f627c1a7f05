"""Spec presets and overrides; grid geometry helpers."""

from __future__ import annotations

import numpy as np
import pytest

from medsynth_pipeline.cohort import Grid, resolve_spec
from medsynth_pipeline.cohort.geometry import SAGITTAL
from medsynth_pipeline.cohort.spec import TissueSpec


def test_presets_and_nested_overrides() -> None:
    full, tiny = resolve_spec("prostatex"), resolve_spec("tiny")
    assert full.t2w.axial.pixel_spacing_mm[0] < 0.6 < 1.5 < full.dwi.series.pixel_spacing_mm[0]
    assert full.t2w.axial.matrix != full.dwi.series.matrix  # a different field of view
    assert (
        tiny.t2w.axial.matrix == (96, 96)
        and tiny.t2w.axial.pixel_spacing_mm[0] < tiny.dwi.series.pixel_spacing_mm[0]
    )
    spec = resolve_spec(
        "tiny", {"t2w": {"axial": {"n_slices": 9}}, "misalignment": {"max_rotation_deg": [1, 2, 3]}}
    )
    assert spec.t2w.axial.n_slices == 9 and spec.t2w.axial.matrix == (96, 96)  # the rest of the preset stays
    assert spec.misalignment.max_rotation_deg == (1, 2, 3)
    pz = resolve_spec(overrides={"anatomy": {"tissues": {"pz": {"adc": [1700, 1800]}}}}).anatomy.tissues["pz"]
    assert pz.adc == (1700, 1800) and pz.t2_ms == full.anatomy.tissues["pz"].t2_ms


def test_a_new_tissue_must_be_complete_and_unknown_keys_are_named() -> None:
    extra = {"pd": [1, 1], "t1_ms": [900, 900], "t2_ms": [80, 90], "adc": [900, 1000], "ktrans": [0.1, 0.2]}
    spec = resolve_spec(overrides={"anatomy": {"tissues": {"calcification": extra}}})
    assert isinstance(spec.anatomy.tissues["calcification"], TissueSpec)
    with pytest.raises(ValueError, match=r"\['matrixx'\] under 't2w\.axial'"):
        resolve_spec(overrides={"t2w": {"axial": {"matrixx": [1, 2]}}})
    with pytest.raises(ValueError, match="'anatomy.tissues.bone' needs the settings"):
        resolve_spec(overrides={"anatomy": {"tissues": {"bone": {"pd": [1, 1]}}}})
    with pytest.raises(ValueError, match="'dwi' takes a mapping"):
        resolve_spec(overrides={"dwi": 3})
    with pytest.raises(ValueError, match="unknown preset 'huge'"):
        resolve_spec("huge")


@pytest.mark.parametrize("direction", [None, SAGITTAL])
def test_grid_is_centred_and_world_matrix_maps_index_to_lps(direction) -> None:
    centre = np.array([5.0, 20.0, -40.0])
    kwargs = {"direction": direction} if direction else {}
    grid = Grid.centred(centre, (10, 8, 5), (0.5, 0.7, 3.0), **kwargs)
    np.testing.assert_allclose(grid.index_to_physical(np.array([4.5, 3.5, 2.0])), centre, atol=1e-3)
    index = np.array([3.0, 1.0, 4.0])
    np.testing.assert_allclose((grid.world_matrix() @ [*index, 1])[:3], grid.index_to_physical(index))
    np.testing.assert_allclose(grid.physical_to_index(grid.index_to_physical(index)), index, atol=1e-9)
    image = grid.to_image(np.zeros((5, 8, 10), np.float32))
    np.testing.assert_allclose(
        image.TransformContinuousIndexToPhysicalPoint(tuple(index)), grid.index_to_physical(index)
    )
    with pytest.raises(ValueError, match="does not fit"):
        grid.to_image(np.zeros((10, 8, 5), np.float32))
