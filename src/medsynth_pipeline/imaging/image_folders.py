"""Plain loaders for 2-D image collections: class folders of PNG/JPG and BraTS-style NIfTI cases.

Kaggle's brain-tumour set keeps ``yes/`` and ``no/`` folders of images (seed 003); BraTS keeps one folder
per case with ``<case>_t1ce.nii.gz`` and ``<case>_seg.nii.gz`` (seed 004: T1c axial slices #30-#130,
tumour/non-tumour by the segmentation, zero-padded 240 -> 256). Both loaders return float32 arrays
[N, C, H, W] in [0, 1] with integer labels; files they cannot use are listed with a reason, not raised.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import SimpleITK as sitk
from PIL import Image, UnidentifiedImageError

logger = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff")
NIFTI_SUFFIXES = (".nii.gz", ".nii")


@dataclass
class LabelledImages:
    """Images [N, C, H, W] float32 in [0, 1], labels [N] int64, and where each came from."""

    images: np.ndarray
    labels: np.ndarray
    class_names: list[str]
    sources: list[str]
    rejected: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class BratsSlices(LabelledImages):
    """Axial slices of BraTS-style cases; label 1 = tumour in the slice. ``slice_index`` is the z index."""

    case_ids: list[str] = field(default_factory=list)
    slice_index: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


def load_image_folder(
    root: Path,
    *,
    classes: Mapping[str, int] | Sequence[str] | None = None,
    size: tuple[int, int] = (64, 64),
    grayscale: bool = True,
    pad_to_square: bool = True,
) -> LabelledImages:
    """Every image under ``root/<class>/`` resized to ``size`` (H, W).

    ``classes``: folder name -> label (``{"no": 0, "yes": 1}``), a list (label = position), or None for
    all sub-folders in sorted order. ``pad_to_square`` zero-pads before resizing so anatomy keeps its
    aspect ratio.
    """
    root = Path(root)
    mapping = _class_mapping(root, classes)
    images, labels, sources, rejected = [], [], [], []
    for name, label in mapping.items():
        folder = root / name
        if not folder.is_dir():
            raise FileNotFoundError(f"image folder '{folder}' (class {name!r}) does not exist")
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if path.suffix.lower() not in IMAGE_SUFFIXES:
                rejected.append((str(path), "not an image file (by extension)"))
                continue
            try:
                with Image.open(path) as opened:
                    picture = opened.convert("L" if grayscale else "RGB")
            except (UnidentifiedImageError, OSError, ValueError) as exc:
                rejected.append((str(path), f"unreadable image: {exc}"))
                continue
            array = np.asarray(picture, np.float32) / 255.0
            images.append(_fit(array if array.ndim == 3 else array[..., None], size, pad_to_square))
            labels.append(label)
            sources.append(str(path))
    if not images:
        raise ValueError(f"no readable images under '{root}' in class folders {list(mapping)}")
    logger.info(
        "image folder %s: %d images in %d classes, %d files skipped",
        root,
        len(images),
        len(mapping),
        len(rejected),
    )
    names = [n for n, _ in sorted(mapping.items(), key=lambda item: item[1])]
    return LabelledImages(np.stack(images), np.asarray(labels, np.int64), names, sources, rejected)


def find_brats_cases(root: Path, modality: str = "t1ce") -> list[tuple[str, Path, Path | None]]:
    """``(case_id, image, segmentation or None)`` for every case folder holding the modality's NIfTI."""
    cases = []
    for folder in sorted(p for p in Path(root).iterdir() if p.is_dir()):
        image = _nifti_with_suffix(folder, modality)
        if image is not None:
            cases.append((folder.name, image, _nifti_with_suffix(folder, "seg")))
    return cases


def load_brats_slices(
    root: Path,
    *,
    modality: str = "t1ce",
    slice_range: tuple[int, int] | None = (30, 130),
    min_tumour_pixels: int = 1,
    ambiguous_below_pixels: int = 0,
    min_foreground_fraction: float = 0.05,
    pad_to: int | None = 256,
    size: tuple[int, int] | None = None,
    clip_percentiles: tuple[float, float] = (0.5, 99.5),
) -> BratsSlices:
    """Axial slices of every case; label 1 when the segmentation marks ``min_tumour_pixels`` or more.

    Slices outside ``slice_range`` (inclusive, z index), with less than ``min_foreground_fraction``
    non-zero pixels, or with a tumour area in ``(0, ambiguous_below_pixels)`` are left out. Intensities
    are clipped to the volume's foreground percentiles and scaled to [0, 1]. ``pad_to`` zero-pads (or
    centre-crops) to a square; ``size`` resizes instead.
    """
    images, labels, cases, indices, rejected = [], [], [], [], []
    for case_id, image_path, seg_path in find_brats_cases(root, modality):
        if seg_path is None:
            rejected.append((str(image_path), "no segmentation (<case>_seg.nii.gz) next to it"))
            continue
        try:
            volume = _axial_array(image_path)
            seg = _axial_array(seg_path)
        except RuntimeError as exc:
            rejected.append((str(image_path), f"unreadable NIfTI: {str(exc).strip().splitlines()[-1]}"))
            continue
        if volume.shape != seg.shape:
            rejected.append(
                (str(seg_path), f"segmentation shape {seg.shape} differs from image {volume.shape}")
            )
            continue
        scaled = _scale(volume, clip_percentiles)
        first, last = slice_range if slice_range else (0, volume.shape[0] - 1)
        for z in range(max(first, 0), min(last, volume.shape[0] - 1) + 1):
            tumour = int((seg[z] > 0).sum())
            if (volume[z] != 0).mean() < min_foreground_fraction or 0 < tumour < ambiguous_below_pixels:
                continue
            plane = scaled[z][..., None]
            images.append(_pad(plane, pad_to) if size is None else _fit(plane, size, True))
            labels.append(int(tumour >= max(min_tumour_pixels, 1)))
            cases.append(case_id)
            indices.append(z)
    if not images:
        raise ValueError(f"no usable {modality} slices in BraTS-style cases under '{root}'")
    logger.info(
        "BraTS %s: %d slices (%d tumour) from %d cases", root, len(images), sum(labels), len(set(cases))
    )
    return BratsSlices(
        np.stack(images), np.asarray(labels, np.int64), ["non-tumour", "tumour"],
        [f"{c}:{z}" for c, z in zip(cases, indices, strict=True)], rejected,
        case_ids=cases, slice_index=np.asarray(indices, np.int64),
    )  # fmt: skip


def _class_mapping(root: Path, classes: Mapping[str, int] | Sequence[str] | None) -> dict[str, int]:
    if classes is None:
        names = sorted(p.name for p in Path(root).iterdir() if p.is_dir() and not p.name.startswith("."))
        if not names:
            raise FileNotFoundError(f"'{root}' has no class sub-folders")
        return {n: i for i, n in enumerate(names)}
    if isinstance(classes, Mapping):
        return {str(k): int(v) for k, v in classes.items()}
    return {str(n): i for i, n in enumerate(classes)}


def _nifti_with_suffix(folder: Path, suffix: str) -> Path | None:
    pattern = re.compile(rf"[_-]{re.escape(suffix)}\.nii(\.gz)?$", re.IGNORECASE)
    matches = sorted(p for p in folder.iterdir() if p.is_file() and pattern.search(p.name))
    return matches[0] if matches else None


def _axial_array(path: Path) -> np.ndarray:
    """[z, y, x] with z from inferior to superior whatever the file's orientation."""
    image = sitk.DICOMOrient(sitk.ReadImage(str(path)), "LPS")
    return sitk.GetArrayFromImage(image).astype(np.float32)


def _scale(volume: np.ndarray, percentiles: tuple[float, float]) -> np.ndarray:
    foreground = volume[volume != 0]
    if foreground.size == 0:
        return np.zeros_like(volume)
    low, high = np.percentile(foreground, percentiles)
    scaled = (np.clip(volume, low, high) - low) / max(high - low, 1e-6)
    return np.where(volume != 0, scaled, 0.0).astype(np.float32)


def _fit(array: np.ndarray, size: tuple[int, int], pad_to_square: bool) -> np.ndarray:
    """[H, W, C] in [0, 1] -> [C, size_h, size_w] float32."""
    if pad_to_square:
        array = _pad(array, max(array.shape[:2])).transpose(1, 2, 0)
    channels = [
        np.asarray(
            Image.fromarray(array[..., c].astype(np.float32)).resize(size[::-1], Image.Resampling.BILINEAR)
        )
        for c in range(array.shape[-1])
    ]
    return np.clip(np.stack(channels), 0.0, 1.0).astype(np.float32)


def _pad(array: np.ndarray, side: int | None) -> np.ndarray:
    """[H, W, C] -> [C, side, side], centred, zero-padded or centre-cropped."""
    if side is None:
        return array.transpose(2, 0, 1).astype(np.float32)
    out = np.zeros((array.shape[2], side, side), np.float32)
    h, w = array.shape[:2]
    src_y, src_x = max((h - side) // 2, 0), max((w - side) // 2, 0)
    dst_y, dst_x = max((side - h) // 2, 0), max((side - w) // 2, 0)
    ch, cw = min(h, side), min(w, side)
    out[:, dst_y : dst_y + ch, dst_x : dst_x + cw] = array[src_y : src_y + ch, src_x : src_x + cw].transpose(
        2, 0, 1
    )
    return out
