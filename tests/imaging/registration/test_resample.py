"""Working grids, crops and resampling: geometry in millimetres, whatever the series' grids."""

from __future__ import annotations

import numpy as np
import pytest
import SimpleITK as sitk

from medsynth_pipeline.imaging.registration.resample import (
    choose_crop_centre,
    image_centre,
    inside_fraction,
    physical_region,
    resample_onto,
    working_grid,
)


def _t2w_like(direction=(1, 0, 0, 0, 1, 0, 0, 0, 1)) -> sitk.Image:
    image = sitk.Image([100, 80, 12], sitk.sitkFloat32)
    image.SetSpacing((0.5, 0.5, 3.0))
    image.SetOrigin((-20.0, -30.0, -15.0))
    image.SetDirection(tuple(float(v) for v in direction))
    return image


def test_image_centre_is_the_middle_of_the_field_of_view():
    assert image_centre(_t2w_like()) == pytest.approx((-20 + 49.5 * 0.5, -30 + 39.5 * 0.5, -15 + 5.5 * 3))


def test_crop_centre_rules():
    t2w = _t2w_like()
    findings = np.array([[1.0, 2.0, 3.0], [3.0, 4.0, 5.0], [np.nan, np.nan, np.nan]])
    assert choose_crop_centre("findings_centroid", t2w, findings) == ((2.0, 3.0, 4.0), "findings_centroid")
    assert choose_crop_centre("findings_centroid", t2w, np.empty((0, 3)))[1] == "image_centre"
    assert choose_crop_centre("image_centre", t2w, findings) == (image_centre(t2w), "image_centre")
    with pytest.raises(ValueError, match="crop centre rule"):
        choose_crop_centre("prostate_mask", t2w, findings)


def test_working_grid_centres_crop_and_keeps_t2w_slices():
    t2w = _t2w_like()
    centre = (5.0, -2.0, 1.2)  # between two T2w slices on purpose
    grid = working_grid(t2w, centre, (64, 64), 1.0)
    assert grid.GetSize() == (64, 64, 12)
    assert grid.GetSpacing() == (1.0, 1.0, 3.0)
    middle = grid.TransformContinuousIndexToPhysicalPoint((31.5, 31.5, 0))
    assert middle[:2] == pytest.approx(centre[:2])
    for k in range(12):  # every grid slice lies on a T2w slice
        assert grid.TransformIndexToPhysicalPoint((0, 0, k))[2] == pytest.approx(t2w.TransformIndexToPhysicalPoint((0, 0, k))[2])


def test_working_grid_depth_and_own_slice_spacing():
    t2w = _t2w_like()
    centre = image_centre(t2w)
    thin = working_grid(t2w, centre, (32, 32), 1.0, depth_mm=9.0)
    z = [thin.TransformIndexToPhysicalPoint((0, 0, k))[2] for k in range(thin.GetSize()[2])]
    assert all(abs(v - centre[2]) <= 4.5 + 1e-6 for v in z) and len(z) == 4  # slices at ±1.5 and ±4.5 mm
    fine = working_grid(t2w, centre, (32, 32), 1.0, spacing_z_mm=1.5)
    assert fine.GetSpacing()[2] == 1.5 and fine.GetSize()[2] == 23


def test_working_grid_follows_oblique_orientation():
    c, s = np.cos(np.radians(20)), np.sin(np.radians(20))
    t2w = _t2w_like(direction=(c, -s, 0, s, c, 0, 0, 0, 1))
    grid = working_grid(t2w, (0.0, 0.0, 0.0), (64, 64), 1.0)
    assert grid.GetDirection() == pytest.approx(t2w.GetDirection())


def test_physical_region_clips_and_rejects_outside():
    t2w = _t2w_like()
    roi = physical_region(t2w, image_centre(t2w), (20.0, 20.0, 6.0))
    # rounded outwards to whole voxels: 20 mm at 0.5 mm, 6 mm at 3 mm about a mid-slice centre
    assert roi.GetSize()[0] in (41, 42) and roi.GetSize()[2] == 4
    clipped = physical_region(t2w, (-20.0, -30.0, -15.0), (20.0, 20.0, 6.0))  # a corner: clipped to the image
    assert clipped.GetSize()[0] < roi.GetSize()[0]
    with pytest.raises(ValueError, match="lies outside the image"):
        physical_region(t2w, (500.0, 0.0, 0.0), (20.0, 20.0, 6.0), label="P7 T2W")


def test_resample_puts_a_point_where_the_transform_says():
    moving = sitk.Image([60, 60, 20], sitk.sitkFloat32)
    moving.SetSpacing((2.0, 2.0, 2.0))
    moving.SetOrigin((-60.0, -60.0, -20.0))
    bright = moving.TransformPhysicalPointToIndex((10.0, 6.0, 4.0))
    moving[bright] = 1000.0
    shift = sitk.TranslationTransform(3, (4.0, -2.0, 2.0))  # fixed point p shows moving point p + shift
    grid = sitk.Image([40, 40, 20], sitk.sitkFloat32)
    grid.SetOrigin((-20.0, -20.0, -20.0))
    grid.SetSpacing((1.0, 1.0, 2.0))
    out = sitk.GetArrayFromImage(resample_onto(moving, grid, shift, antialias=False))
    k, j, i = np.unravel_index(np.argmax(out), out.shape)
    assert grid.TransformIndexToPhysicalPoint((int(i), int(j), int(k))) == pytest.approx((6.0, 8.0, 2.0))


def test_antialias_smooths_fine_texture_but_keeps_the_mean():
    rng = np.random.default_rng(0)
    fine = sitk.GetImageFromArray(rng.normal(100, 20, (10, 80, 80)).astype(np.float32))
    fine.SetSpacing((0.5, 0.5, 3.0))
    grid = working_grid(fine, image_centre(fine), (32, 32), 1.0)
    plain = sitk.GetArrayFromImage(resample_onto(fine, grid, antialias=False))
    smooth = sitk.GetArrayFromImage(resample_onto(fine, grid, antialias=True))
    assert smooth.std() < 0.8 * plain.std()
    assert smooth.mean() == pytest.approx(plain.mean(), rel=0.02)


def test_inside_fraction_of_a_half_covered_grid():
    image = sitk.Image([10, 10, 10], sitk.sitkFloat32)  # covers 0..9 mm
    grid = sitk.Image([20, 10, 10], sitk.sitkFloat32)  # covers 0..19 mm in x
    assert inside_fraction(image, grid) == pytest.approx(0.5)
    assert inside_fraction(image, grid, sitk.TranslationTransform(3, (100.0, 0.0, 0.0))) == 0.0
