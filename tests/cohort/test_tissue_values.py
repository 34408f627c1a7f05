"""Tissue values land in realistic ranges, in the spec and in the written images."""

from __future__ import annotations

import numpy as np
import pytest
import SimpleITK as sitk

from medsynth_pipeline.cohort import PatientPlan, plan_cohort, resolve_spec
from medsynth_pipeline.cohort.geometry import Grid


def _read(path) -> np.ndarray:
    if path.suffix == ".mhd":
        return sitk.GetArrayFromImage(sitk.ReadImage(str(path)))
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(reader.GetGDCMSeriesFileNames(str(path)))
    return sitk.GetArrayFromImage(reader.Execute()).astype(float)


def _zone_masks(patient: PatientPlan, grid: Grid, kind: str) -> dict[str, np.ndarray]:
    """Voxels of ``grid`` deep inside PZ or TZ (in the anatomy they show), away from every lesion."""
    nx, ny, nz = grid.size
    index = np.indices((nz, ny, nx)).reshape(3, -1)[::-1].T
    points = index @ grid.voxel_to_physical.T + np.asarray(grid.origin)
    offset = patient.offset_of(kind)
    anatomy_points = points if offset is None else offset.inverse_apply(points)
    a = patient.anatomy
    gland = a.prostate.normalised_radius(anatomy_points) < 0.85
    clear = np.ones(len(points), bool)
    for lesion in patient.lesions:
        clear &= (
            np.linalg.norm(anatomy_points - np.asarray(lesion.centre), axis=1) > 1.5 * lesion.radius_mm + 3
        )
    tz = a.tz.normalised_radius(anatomy_points)
    outside_afms = a.afms.normalised_radius(anatomy_points) > 1.3
    masks = {"PZ": gland & clear & (tz > 1.35) & outside_afms, "TZ": gland & clear & (tz < 0.7)}
    return {zone: m.reshape(nz, ny, nx) for zone, m in masks.items()}


def test_spec_ranges_are_the_literature_ranges() -> None:
    spec = resolve_spec()
    tissues, cancer = spec.anatomy.tissues, spec.lesions.appearance["cancer"]
    assert 1600 <= tissues["pz"].adc[0] < tissues["pz"].adc[1] <= 2000
    assert 1100 <= tissues["tz"].adc[0] < tissues["tz"].adc[1] <= 1400
    for zone in ("pz", "tz"):
        assert 0.1 <= tissues[zone].ktrans[0] < tissues[zone].ktrans[1] <= 0.2
    assert all(600 <= v <= 1100 for v in cancer.adc) and list(cancer.adc) == sorted(cancer.adc, reverse=True)
    assert all(0.3 <= v <= 0.7 for v in cancer.ktrans) and list(cancer.ktrans) == sorted(cancer.ktrans)
    assert max(cancer.t2_ms) < tissues["pz"].t2_ms[0]  # cancer is T2-hypointense to the peripheral zone


def test_lesions_vary_in_size_shape_zone_and_grade() -> None:
    lesions = [les for p in plan_cohort(resolve_spec(), 40, 5).patients for les in p.lesions]
    radii = [les.radius_mm for les in lesions]
    assert max(radii) - min(radii) > 5.0
    assert {les.zone for les in lesions} == {"PZ", "TZ", "AS"}
    assert len({les.ggg for les in lesions if les.kind == "cancer"}) >= 4
    assert {les.kind for les in lesions} == {"cancer", "bph_nodule", "prostatitis", "benign"}
    assert len({len(les.structure.shapes) for les in lesions}) > 1  # irregular (multi-lobed) and round ones
    for les in lesions:
        assert les.clin_sig == (les.ggg >= 2) and (les.gleason != "") == (les.ggg > 0)


def test_written_images_show_zone_values_in_range(tiny_cohort) -> None:
    values: dict[tuple[str, str], list[float]] = {}
    for patient in tiny_cohort.plan.patients:
        for kind in ("ADC", "KTRANS", "T2W"):
            series = patient.series_of(kind)
            path = tiny_cohort.raw / (series.path + ".mhd" if kind == "KTRANS" else series.path)
            volume = _read(path)
            for zone, mask in _zone_masks(patient, series.grid, kind).items():
                if mask.sum() >= 5:  # a gland crowded with lesions may leave no clear zone tissue
                    values.setdefault((kind, zone), []).append(float(np.median(volume[mask])))
    assert all(len(v) >= 2 for v in values.values()), {k: len(v) for k, v in values.items()}
    adc_pz, adc_tz = np.median(values["ADC", "PZ"]), np.median(values["ADC", "TZ"])
    assert 1450 < adc_pz < 2150 and 950 < adc_tz < 1500 and adc_pz > adc_tz + 250
    assert all(0.07 < v < 0.25 for v in values["KTRANS", "PZ"] + values["KTRANS", "TZ"])
    assert np.median(values["T2W", "PZ"]) > 1.3 * np.median(values["T2W", "TZ"])


@pytest.mark.parametrize("kind", ["T2W", "ADC"])
def test_cancers_are_darker_than_their_peripheral_zone(tiny_cohort, kind: str) -> None:
    checked = 0
    for patient in tiny_cohort.plan.patients:
        series = patient.series_of(kind)
        volume = _read(tiny_cohort.raw / series.path)
        pz_mask = _zone_masks(patient, series.grid, kind)["PZ"]
        if pz_mask.sum() < 5:
            continue
        pz = np.median(volume[pz_mask])
        offset = patient.offset_of(kind)
        for lesion in (
            les for les in patient.lesions if les.kind == "cancer" and les.zone == "PZ" and les.ggg >= 2
        ):
            where = np.asarray(lesion.centre) if offset is None else offset.apply(np.asarray(lesion.centre))
            i, j, k = np.rint(series.grid.physical_to_index(where)).astype(int)
            core = volume[k, max(j - 1, 0) : j + 2, max(i - 1, 0) : i + 2]
            assert np.median(core) < 0.85 * pz, (patient.patient_id, lesion.fid)
            checked += 1
    assert checked >= 1
