"""Image-folder and BraTS loaders on tiny generated collections."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk
from PIL import Image

from medsynth_pipeline.imaging.image_folders import find_brats_cases, load_brats_slices, load_image_folder


def write_png(path: Path, array: np.ndarray, fmt: str = "PNG") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path, format=fmt)


@pytest.fixture
def kaggle(tmp_path: Path) -> Path:
    root = tmp_path / "brain_tumor_dataset"
    write_png(root / "yes/Y1.png", np.full((40, 30), 200, np.uint8))
    write_png(root / "yes/Y2.jpg", np.full((30, 30, 3), 255, np.uint8), fmt="JPEG")
    write_png(root / "no/N1.png", np.zeros((20, 20), np.uint8))
    (root / "no/broken.jpg").write_bytes(b"not a jpeg")
    (root / "no/notes.txt").write_text("x")
    return root


def test_yes_no_folders(kaggle: Path) -> None:
    data = load_image_folder(kaggle, classes={"no": 0, "yes": 1}, size=(16, 16))
    assert data.images.shape == (3, 1, 16, 16) and data.images.dtype == np.float32
    assert data.labels.tolist() == [0, 1, 1] and data.class_names == ["no", "yes"]
    assert data.images[0].max() == 0.0 and data.images[2].max() == pytest.approx(1.0)
    # the 40x30 image is padded to a square: its left and right columns are background
    assert data.images[1, 0, 8, 0] == 0.0 and data.images[1, 0, 8, 8] == pytest.approx(200 / 255, abs=0.01)
    assert sorted(Path(p).name for p, _ in data.rejected) == ["broken.jpg", "notes.txt"]
    assert "unreadable" in dict((Path(p).name, r) for p, r in data.rejected)["broken.jpg"]


def test_classes_from_folder_names_and_colour(kaggle: Path) -> None:
    data = load_image_folder(kaggle, size=(8, 8), grayscale=False)
    assert data.class_names == ["no", "yes"] and data.images.shape == (3, 3, 8, 8)


def test_missing_class_folder_named(kaggle: Path) -> None:
    with pytest.raises(FileNotFoundError, match="maybe"):
        load_image_folder(kaggle, classes=["no", "maybe"])


def write_case(root: Path, case: str, *, tumour_slices: range, sep: str = "_", t1c: str = "t1ce") -> None:
    volume = np.zeros((10, 24, 20), np.float32)
    volume[:, 4:20, 4:16] = np.linspace(100, 300, 10)[:, None, None]  # brain in every slice
    seg = np.zeros_like(volume, dtype=np.uint8)
    seg[tumour_slices, 8:12, 8:12] = 1
    folder = root / case
    folder.mkdir(parents=True)
    for name, array in ((t1c, volume), ("seg", seg)):
        image = sitk.GetImageFromArray(array)
        image.SetSpacing((1.0, 1.0, 1.0))
        sitk.WriteImage(image, str(folder / f"{case}{sep}{name}.nii.gz"))


def test_brats_slices_labelled_by_segmentation(tmp_path: Path) -> None:
    write_case(tmp_path, "BraTS_001", tumour_slices=range(3, 6))
    write_case(tmp_path, "BraTS-GLI-00002-000", tumour_slices=range(0, 0), sep="-", t1c="t1ce")
    (tmp_path / "BraTS_003").mkdir()  # a case without the modality is not a case
    assert [c for c, _, _ in find_brats_cases(tmp_path)] == ["BraTS-GLI-00002-000", "BraTS_001"]
    data = load_brats_slices(tmp_path, slice_range=(2, 7), pad_to=32)
    assert data.images.shape == (12, 1, 32, 32) and 0.0 <= data.images.min() and data.images.max() <= 1.0
    by_case = {
        c: data.labels[[i for i, k in enumerate(data.case_ids) if k == c]].tolist()
        for c in set(data.case_ids)
    }
    assert by_case["BraTS_001"] == [0, 1, 1, 1, 0, 0] and by_case["BraTS-GLI-00002-000"] == [0] * 6
    assert data.slice_index[:6].tolist() == [2, 3, 4, 5, 6, 7]
    # zero padding 24x20 -> 32x32 keeps the image centred: the border is background
    assert data.images[:, :, 0, :].max() == 0.0


def test_brats_ambiguous_small_tumours_left_out_and_missing_seg_reported(tmp_path: Path) -> None:
    write_case(tmp_path, "case1", tumour_slices=range(3, 6))
    data = load_brats_slices(
        tmp_path, slice_range=None, ambiguous_below_pixels=100, pad_to=None, size=(12, 12)
    )
    assert data.labels.sum() == 0 and len(data.labels) == 7 and data.images.shape[-2:] == (12, 12)
    (tmp_path / "case1" / "case1_seg.nii.gz").unlink()
    with pytest.raises(ValueError, match="no usable"):
        load_brats_slices(tmp_path)
