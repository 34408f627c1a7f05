"""Reading ``registered_volumes`` partitions: grouping per patient without loading, and lazy loading."""

from __future__ import annotations

import pytest
import SimpleITK as sitk

from medsynth_pipeline.imaging.registration.volumes import load_volume, volumes_by_patient


def test_partitions_are_grouped_per_patient_without_loading() -> None:
    calls: list[str] = []

    def loader(name: str):
        return lambda: calls.append(name) or sitk.Image([2, 2, 2], sitk.sitkFloat32)

    image = sitk.Image([3, 3, 3], sitk.sitkFloat32)
    grouped = volumes_by_patient({"P2/adc": loader("P2/adc"), "P1/T2W": image, "P1/ADC": loader("P1/ADC")})
    assert list(grouped) == ["P1", "P2"]
    assert sorted(grouped["P1"]) == ["ADC", "T2W"] and list(grouped["P2"]) == ["ADC"]
    assert grouped["P1"]["T2W"] is image and calls == []
    assert load_volume(grouped["P1"]["T2W"]) is image
    assert load_volume(grouped["P2"]["ADC"]).GetSize() == (2, 2, 2) and calls == ["P2/adc"]


def test_a_partition_without_kind_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="partition 'P1_T2W' is not '<patient_id>/<KIND>'"):
        volumes_by_patient({"P1_T2W": sitk.Image([2, 2, 2], sitk.sitkFloat32)})
