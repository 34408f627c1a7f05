"""Patch geometry (a lesion lands at the patch centre), channels, normalisation, negatives, labels."""

from __future__ import annotations

import numpy as np
import pytest
import SimpleITK as sitk

from medsynth_pipeline.imaging.patches.extract import (
    BackgroundSpec,
    PatchSpec,
    background_centres,
    extract_patch,
    normalise,
    patient_patches,
    snap_to_slice,
)

OBLIQUE = (np.cos(0.3), -np.sin(0.3), 0.0, np.sin(0.3), np.cos(0.3), 0.0, 0.0, 0.0, 1.0)


def _volume(blob_at=None, value=1.0, direction=OBLIQUE, sigma_mm=1.5) -> sitk.Image:
    """A registered-like crop (64×64 at 1 mm, 3 mm slices, oblique) with a Gaussian blob at ``blob_at``."""
    image = sitk.Image([64, 64, 10], sitk.sitkFloat32)
    image.SetSpacing((1.0, 1.0, 3.0))
    image.SetDirection(tuple(float(v) for v in direction))
    image.SetOrigin((-20.0, -35.0, -12.0))
    if blob_at is None:
        return image
    k, j, i = np.indices(image.GetSize()[::-1])
    index = np.stack([i, j, k], axis=-1).reshape(-1, 3).astype(float)
    d = np.asarray(direction, dtype=float).reshape(3, 3)
    points = np.asarray(image.GetOrigin()) + (index * np.asarray(image.GetSpacing())) @ d.T
    r2 = (((points - np.asarray(blob_at)) / np.array([sigma_mm, sigma_mm, 2.0])) ** 2).sum(axis=1)
    array = (value * np.exp(-r2 / 2)).reshape(image.GetSize()[::-1]).astype(np.float32)
    out = sitk.GetImageFromArray(array)
    out.CopyInformation(image)
    return out


def _on_slice(volume: sitk.Image, point) -> tuple[float, float, float]:
    return snap_to_slice(volume, point)


def _weighted_centre(patch: np.ndarray) -> tuple[float, float]:
    rows, cols = np.indices(patch.shape)
    weights = patch / patch.sum()
    return float((rows * weights).sum()), float((cols * weights).sum())


@pytest.mark.parametrize("size_px,size_mm", [(16, 16.0), (32, 32.0), (15, 30.0)])
def test_lesion_lands_at_patch_centre_within_one_pixel(size_px, size_mm):
    volume = _volume()
    lesion = _on_slice(volume, volume.TransformContinuousIndexToPhysicalPoint((27.3, 35.8, 4.0)))
    volume = _volume(blob_at=lesion)
    spec = PatchSpec(size_px=size_px, size_mm=size_mm, channels=("ADC",))
    patch, used, inside = extract_patch({"ADC": volume}, lesion, spec)
    assert patch.shape == (1, size_px, size_px)
    row, col = _weighted_centre(patch[0])
    centre = (size_px - 1) / 2
    assert abs(row - centre) < 1.0 and abs(col - centre) < 1.0
    assert np.unravel_index(np.argmax(patch[0]), patch[0].shape) in {
        (r, c) for r in (int(np.floor(centre)), int(np.ceil(centre))) for c in (int(np.floor(centre)), int(np.ceil(centre)))
    }
    assert used == pytest.approx(lesion) and inside == 1.0


def test_off_slice_lesion_snaps_to_nearest_slice():
    volume = _volume()
    on_slice = volume.TransformContinuousIndexToPhysicalPoint((30.0, 30.0, 5.0))
    above = (on_slice[0], on_slice[1], on_slice[2] + 1.2)  # 1.2 mm above slice 5, 1.8 mm below slice 6
    assert snap_to_slice(volume, above) == pytest.approx(on_slice)
    spec = PatchSpec(size_px=16, size_mm=16.0, channels=("ADC",))
    _, used, _ = extract_patch({"ADC": volume}, above, spec)
    assert used == pytest.approx(on_slice)
    _, used_raw, _ = extract_patch({"ADC": volume}, above, PatchSpec(16, 16.0, ("ADC",), snap_to_slice=False))
    assert used_raw == pytest.approx(above)


def test_channels_come_in_the_preset_order():
    base = _volume()
    volumes = {kind: sitk.Image(base) + value for kind, value in {"T2W": 0.1, "ADC": 0.5, "KTRANS": 0.9}.items()}
    for v in volumes.values():
        v.CopyInformation(base)
    centre = base.TransformContinuousIndexToPhysicalPoint((32.0, 32.0, 5.0))
    patch, _, _ = extract_patch(volumes, centre, PatchSpec(16, 16.0, ("KTRANS", "T2W", "ADC")))
    assert patch[:, 8, 8] == pytest.approx([0.9, 0.1, 0.5])
    with pytest.raises(ValueError, match=r"P3: missing registered sequence\(s\) \['DWI'\]"):
        extract_patch(volumes, centre, PatchSpec(16, 16.0, ("DWI",)), source="P3")


def test_patch_partly_outside_reports_its_inside_fraction():
    volume = _volume()
    corner = volume.TransformContinuousIndexToPhysicalPoint((0.0, 0.0, 5.0))
    _, _, inside = extract_patch({"ADC": volume}, corner, PatchSpec(16, 16.0, ("ADC",)))
    assert 0.2 < inside < 0.35  # about a quarter of the patch overlaps the volume


def test_spec_validation_and_spacing():
    spec = PatchSpec.from_params({"size_px": 32, "size_mm": 16.0, "channels": ["adc"], "centre_on": "lesion"})
    assert spec.spacing_mm == 0.5 and spec.channels == ("ADC",)
    with pytest.raises(ValueError, match="unknown keys"):
        PatchSpec.from_params({"size_px": 32, "size_mm": 16.0, "channels": ["ADC"], "size": 3})
    with pytest.raises(ValueError, match="centre_on"):
        PatchSpec(16, 16.0, ("ADC",), centre_on="prostate")
    with pytest.raises(ValueError, match="channel"):
        PatchSpec(16, 16.0, ())


def test_fixed_and_percentile_normalisation():
    image = sitk.GetImageFromArray(np.linspace(-500, 3500, 4000, dtype=np.float32).reshape(10, 20, 20))
    adc = sitk.GetArrayFromImage(normalise(image, {"method": "fixed", "low": 0, "high": 3000}))
    assert adc.min() == 0.0 and adc.max() == 1.0
    assert adc.flat[np.argmin(np.abs(np.linspace(-500, 3500, 4000) - 1500))] == pytest.approx(0.5, abs=1e-3)
    t2w = sitk.GetArrayFromImage(normalise(image, {"method": "percentile", "low": 1, "high": 99}))
    assert (t2w == 0).mean() == pytest.approx(0.01, abs=0.002) and (t2w == 1).mean() == pytest.approx(0.01, abs=0.002)
    with pytest.raises(ValueError, match="P1/T2W: empty intensity window"):
        normalise(sitk.Image([4, 4, 4], sitk.sitkFloat32), {"method": "percentile", "low": 1, "high": 99}, "P1/T2W")
    with pytest.raises(ValueError, match="'fixed' or 'percentile'"):
        normalise(image, {"method": "zscore"})


def test_background_centres_keep_away_from_lesions_and_stay_in_region():
    volume = _volume(direction=(1, 0, 0, 0, 1, 0, 0, 0, 1))
    centre = np.asarray(volume.TransformContinuousIndexToPhysicalPoint((31.5, 31.5, 4.5)))
    lesions = np.array([centre, centre + [8.0, 0.0, 0.0]])
    rng = np.random.default_rng(0)
    points = np.array(background_centres(volume, lesions, 20, (15.0, 12.0, 15.0), 12.0, rng))
    assert len(points) == 20
    distances = np.linalg.norm(points[:, None, :] - lesions[None], axis=2)
    assert distances.min() >= 12.0
    offsets = (points - centre) / np.array([15.0, 12.0, 15.0 + 1.5])  # + half a slice for the snap
    assert np.all((offsets**2).sum(axis=1) <= 1.0 + 1e-9)
    for p in points:  # every centre on a slice
        k = volume.TransformPhysicalPointToContinuousIndex(tuple(p))[2]
        assert k == pytest.approx(round(k))


def test_slice_only_background_uses_distinct_far_slices():
    volume = _volume()
    lesion = np.array([volume.TransformContinuousIndexToPhysicalPoint((20.0, 20.0, 5.0))])
    points = background_centres(volume, lesion, 10, (0.0, 0.0, 15.0), 8.0, np.random.default_rng(1), slice_only=True)
    slices = [round(volume.TransformPhysicalPointToContinuousIndex(p)[2]) for p in points]
    assert len(slices) == len(set(slices)) > 0
    assert all(abs(k - 5) * 3.0 >= 8.0 for k in slices)


def test_crowded_region_gives_fewer_negatives():
    volume = _volume()
    centre = volume.TransformContinuousIndexToPhysicalPoint((31.5, 31.5, 4.5))
    points = background_centres(volume, np.array([centre]), 5, (5.0, 5.0, 5.0), 30.0, np.random.default_rng(0))
    assert points == []


def _finding(fid, point, clin_sig, ggg, zone="PZ", gleason=None):
    return {"fid": fid, "pos_x": point[0], "pos_y": point[1], "pos_z": point[2], "clin_sig": clin_sig,
            "ggg": ggg, "gleason": gleason, "zone": zone}  # fmt: skip


def test_patient_patches_labels_and_negatives():
    volume = _volume()
    sig = volume.TransformContinuousIndexToPhysicalPoint((30.0, 30.0, 3.0))
    benign = volume.TransformContinuousIndexToPhysicalPoint((40.0, 26.0, 6.0))
    edge = volume.TransformContinuousIndexToPhysicalPoint((0.0, 0.0, 5.0))
    findings = [_finding(1, sig, True, 3, gleason="4+3"), _finding(2, benign, False, None, "TZ"), _finding(3, edge, False, 1),
                _finding(4, (np.nan, np.nan, np.nan), False, None)]  # fmt: skip
    spec = PatchSpec(16, 16.0, ("ADC",))
    back = BackgroundSpec(per_patient=2, semi_axes_mm=(10.0, 10.0, 10.0), min_lesion_distance_mm=5.0)
    images, rows, skipped = patient_patches("P9", {"ADC": volume}, findings, spec, back, np.random.default_rng(0))
    assert len(images) == len(rows) == 4 and images[0].shape == (1, 16, 16)
    lesion_rows = [r for r in rows if r["is_lesion"]]
    assert [(r["fid"], r["clin_sig"], r["ggg"], r["gleason_score"], r["zone"]) for r in lesion_rows] == [
        (1, True, 3, "4+3", "PZ"), (2, False, None, None, "TZ")
    ]  # fmt: skip
    assert (lesion_rows[0]["center_x"], lesion_rows[0]["center_y"]) == pytest.approx(sig[:2])
    negatives = [r for r in rows if not r["is_lesion"]]
    assert len(negatives) == 2 and all(r["fid"] is None and r["clin_sig"] is False for r in negatives)
    assert len(skipped) == 2 and "P9 finding 3" in skipped[0] and "inside" in skipped[0]
    assert skipped[1] == "P9 finding 4: no position"


def test_volume_centred_preset_makes_one_patch_per_slice_with_the_worst_finding():
    volume = _volume()
    a = volume.TransformContinuousIndexToPhysicalPoint((20.0, 30.0, 4.0))
    b = volume.TransformContinuousIndexToPhysicalPoint((40.0, 30.0, 4.1))
    findings = [_finding(1, a, False, 1), _finding(2, b, True, 4)]
    spec = PatchSpec(64, 64.0, ("ADC", "T2W"), centre_on="volume")
    back = BackgroundSpec(per_patient=0, semi_axes_mm=(0.0, 0.0, 10.0), min_lesion_distance_mm=8.0)
    images, rows, _ = patient_patches("P1", {"ADC": volume, "T2W": volume}, findings, spec, back, np.random.default_rng(0))
    assert len(images) == 1 and images[0].shape == (2, 64, 64)
    assert rows[0]["fid"] == 2 and rows[0]["clin_sig"] is True
    middle = volume.TransformContinuousIndexToPhysicalPoint((31.5, 31.5, 4.0))
    assert (rows[0]["center_x"], rows[0]["center_y"], rows[0]["center_z"]) == pytest.approx(middle)
