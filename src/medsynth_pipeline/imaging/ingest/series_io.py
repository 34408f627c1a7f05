"""Read a ``series_index`` row (a DICOM stack, a multi-frame object or a volume file) as a SimpleITK image.

SimpleITK (GDCM) reads classic DICOM series and volume files. Enhanced multi-frame objects, and any
series GDCM fails on, are assembled from pydicom's decoded frames with the geometry of their headers,
so both paths give the same physical grid: origin at the first slice, axes along the row, column and
slice-normal directions. Scalar images come back as float32 with the rescale slope/intercept applied.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
import SimpleITK as sitk

from medsynth_pipeline.imaging.ingest.multiframe import (
    classic_frame_geometries,
    enhanced_frame_geometries,
    frame_rescale,
    is_enhanced,
)
from medsynth_pipeline.imaging.ingest.rejections import Reason
from medsynth_pipeline.imaging.ingest.scan import quiet_pydicom, single_slice_geometry
from medsynth_pipeline.imaging.ingest.stack import SliceGeometry, slice_normal
from medsynth_pipeline.imaging.ingest.values import float_or_none, int_or_none
from medsynth_pipeline.imaging.ingest.volume_check import volume_problem

VOLUME_FORMATS = ("mhd", "mha", "nifti")
DICOM_FORMATS = ("dicom", "dicom_multiframe")


class VolumeReadError(RuntimeError):
    """A series or volume that cannot be read as one scalar 3-D image; ``reason`` is a :class:`Reason`."""

    def __init__(self, reason: Reason, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def read_volume(row: Mapping[str, Any]) -> sitk.Image:
    """The image of one ``series_index`` row (float32, physical geometry from the files).

    Uses ``source_format``, ``files`` (slice files in order, or the one volume/multi-frame file) and,
    for a split multi-frame object, ``frames`` (0-based frame numbers). Raises :class:`VolumeReadError`.
    """
    fmt = str(row["source_format"])
    files = [str(f) for f in _as_sequence(row.get("files"))] or [str(row["path"])]
    frames = [int(f) for f in _as_sequence(row.get("frames"))]
    if fmt in VOLUME_FORMATS:
        return read_volume_file(Path(files[0]))
    if fmt == "dicom_multiframe":
        return read_multiframe(files[0], frames or None)
    if fmt == "dicom":
        return read_dicom_series(files)
    raise ValueError(f"series_index row for '{row.get('path')}' has unknown source_format {fmt!r}")


def read_dicom_series(files: Sequence[str]) -> sitk.Image:
    """Single-frame files, already sorted along the slice normal, as one volume."""
    if _gdcm_misreads(_peek(files[0])):
        return _assemble_single_frames(files)
    try:
        with _quiet_itk():
            reader = sitk.ImageSeriesReader()
            reader.SetFileNames([str(f) for f in files])
            image = reader.Execute()
    except RuntimeError as itk_error:
        try:
            return _assemble_single_frames(files)
        except VolumeReadError:
            raise
        except Exception as exc:
            raise VolumeReadError(
                Reason.DECODE_FAILED,
                f"SimpleITK: {_short_message(itk_error)}; pydicom: {_short_message(exc)}",
            ) from exc
    return _scalar_float(image)


def read_multiframe(file: str, frames: Sequence[int] | None = None) -> sitk.Image:
    """A multi-frame object, or the listed frames of it, as one volume."""
    with quiet_pydicom():
        try:
            ds = pydicom.dcmread(file, force=True)
        except Exception as exc:
            raise VolumeReadError(Reason.CORRUPT_HEADER, _short_message(exc)) from exc
    if not is_enhanced(ds) and frames is None and not _gdcm_misreads(ds):
        with contextlib.suppress(RuntimeError), _quiet_itk():
            return _scalar_float(sitk.ReadImage(file))
    geometries = (
        enhanced_frame_geometries(ds, file) if is_enhanced(ds) else classic_frame_geometries(ds, file)
    )
    chosen = list(frames) if frames is not None else list(range(len(geometries)))
    pixels = _decoded(ds, file)
    if pixels.ndim == 2:
        pixels = pixels[np.newaxis]
    planes = [pixels[f].astype(np.float32) * s + i for f in chosen for s, i in [frame_rescale(ds, f)]]
    return image_from_slices([geometries[f] for f in chosen], planes, _slice_step_hint(ds))


def read_volume_file(path: Path) -> sitk.Image:
    """An ``.mhd``/``.mha``/``.nii(.gz)`` volume as a 3-D float32 image (2-D becomes one slice)."""
    with _quiet_itk():
        problem = volume_problem(Path(path))
    if problem is not None:
        raise VolumeReadError(*problem)
    try:
        with _quiet_itk():
            image = sitk.ReadImage(str(path))
    except RuntimeError as exc:
        raise VolumeReadError(Reason.UNREADABLE_VOLUME, _short_message(exc)) from exc
    if image.GetDimension() == 2:
        image = sitk.JoinSeries([image])
    elif image.GetDimension() == 4 and image.GetSize()[3] == 1:
        image = sitk.Extract(image, [*image.GetSize()[:3], 0], [0, 0, 0, 0])
    elif image.GetDimension() != 3:
        raise VolumeReadError(Reason.NOT_3D, f"{image.GetDimension()}-D image of size {image.GetSize()}")
    return _scalar_float(image)


def image_from_slices(
    slices: Sequence[SliceGeometry], planes: Sequence[np.ndarray], step_hint: float | None = None
) -> sitk.Image:
    """Stack 2-D planes at the given slice geometries into one image (sorted along the slice normal)."""
    if not slices or any(
        s.position is None or s.orientation is None or s.pixel_spacing is None for s in slices
    ):
        raise VolumeReadError(
            Reason.MISSING_GEOMETRY, "a slice has no position, orientation or pixel spacing"
        )
    normal = slice_normal(slices[0].orientation)
    along = np.array([np.dot(s.position, normal) for s in slices])
    order = np.argsort(along, kind="stable")
    step = float(np.median(np.diff(along[order]))) if len(slices) > 1 else (step_hint or 1.0)
    volume = np.stack([planes[i] for i in order]).astype(np.float32)
    image = sitk.GetImageFromArray(volume)
    row_spacing, column_spacing = slices[0].pixel_spacing
    image.SetSpacing((column_spacing, row_spacing, step))
    image.SetOrigin(tuple(float(v) for v in slices[order[0]].position))
    row, column = np.asarray(slices[0].orientation[:3]), np.asarray(slices[0].orientation[3:])
    image.SetDirection(tuple(float(v) for v in np.column_stack([row, column, normal]).ravel()))
    return image


_JPEG_EXTENDED = "1.2.840.10008.1.2.4.51"


def _peek(file: str) -> pydicom.Dataset:
    with quiet_pydicom():
        try:
            return pydicom.dcmread(
                file, stop_before_pixels=True, force=True,
                specific_tags=["PhotometricInterpretation", "BitsAllocated"],
            )  # fmt: skip
        except Exception:  # SimpleITK and pydicom below will say what is wrong with the file
            return pydicom.Dataset()


def _gdcm_misreads(ds: pydicom.Dataset) -> bool:
    """Images GDCM (in SimpleITK) decodes to other values than the stored ones, or only noisily:
    MONOCHROME1 comes back inverted and 1-bit pixels as 0/255, and GDCM's 8-bit JPEG codec prints an
    error for every 12-bit JPEG extended frame before failing. pydicom reads them as stored."""
    meta = getattr(ds, "file_meta", None) or pydicom.Dataset()
    photometric = str(ds.get("PhotometricInterpretation") or "").strip()
    bits = int_or_none(ds.get("BitsAllocated")) or 0
    return (
        photometric == "MONOCHROME1"
        or bits == 1
        or (str(meta.get("TransferSyntaxUID") or "") == _JPEG_EXTENDED and bits > 8)
    )


def _assemble_single_frames(files: Sequence[str]) -> sitk.Image:
    geometries, planes, hint = [], [], None
    with quiet_pydicom():
        for file in files:
            ds = pydicom.dcmread(file, force=True)
            geometries.append(single_slice_geometry(ds, file))
            slope, intercept = frame_rescale(ds, 0)
            planes.append(_decoded(ds, file).astype(np.float32) * slope + intercept)
            hint = hint or _slice_step_hint(ds)
    if any(p.ndim != 2 for p in planes):
        raise VolumeReadError(Reason.NOT_3D, "colour or multi-frame pixel data in a single-frame series")
    return image_from_slices(geometries, planes, hint)


def _decoded(ds: pydicom.Dataset, file: str) -> np.ndarray:
    if int(ds.get("SamplesPerPixel", 1) or 1) != 1:
        raise VolumeReadError(Reason.NOT_3D, f"{ds.SamplesPerPixel}-component (colour) pixels in {file}")
    try:
        return ds.pixel_array
    except Exception as exc:
        raise VolumeReadError(Reason.DECODE_FAILED, f"{file}: {_short_message(exc)}") from exc


def _scalar_float(image: sitk.Image) -> sitk.Image:
    if image.GetNumberOfComponentsPerPixel() != 1:
        raise VolumeReadError(
            Reason.NOT_3D,
            f"{image.GetNumberOfComponentsPerPixel()}-component (colour or vector) image, expected scalar",
        )
    return sitk.Cast(image, sitk.sitkFloat32)


def _slice_step_hint(ds: pydicom.Dataset) -> float | None:
    return float_or_none(ds.get("SpacingBetweenSlices")) or float_or_none(ds.get("SliceThickness"))


@contextlib.contextmanager
def _quiet_itk() -> Iterator[None]:
    """ITK prints warnings straight to stderr; failures still raise and are reported as rejections."""
    previous = sitk.ProcessObject.GetGlobalWarningDisplay()
    sitk.ProcessObject.SetGlobalWarningDisplay(False)
    try:
        yield
    finally:
        sitk.ProcessObject.SetGlobalWarningDisplay(previous)


def _short_message(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return f"{type(exc).__name__}: {lines[-1] if lines else ''}"


def _as_sequence(value: Any) -> list[Any]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return list(value)
