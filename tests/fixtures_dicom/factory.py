"""Write tiny but valid DICOM files in many encodings, plus the broken files real archives contain.

Every file carries the direct identifiers below, so tests can check that none of them reaches an output.
Pixel values follow :func:`volume_values`, so tests can check that decoding gave the right numbers.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pydicom
import SimpleITK as sitk
from PIL import Image
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.sequence import Sequence as DicomSequence
from pydicom.uid import (
    DeflatedExplicitVRLittleEndian,
    EnhancedMRImageStorage,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGBaseline8Bit,
    JPEGLSLossless,
    MRImageStorage,
    RLELossless,
    generate_uid,
)

#: Identifiers written into every fixture; none may appear in any ingest output, log or MLflow entry.
IDENTIFIERS = {
    "PatientName": "Quixotebury^Philomena^Ann",
    "PatientBirthDate": "19470312",
    "PatientAddress": "17 Wrenfield Lane, Lower Gossington",
    "OtherPatientNames": "Marchbanks^Philomena",
    "ReferringPhysicianName": "Thistlewood^Barnaby",
    "InstitutionAddress": "1 Fennimore Road, Upper Gossington",
    "InstitutionName": "Gossington Royal Infirmary",
    "OperatorsName": "Pemberton^Ludmila",
}
AXIAL = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
SAGITTAL = (0.0, 1.0, 0.0, 0.0, 0.0, -1.0)


def volume_values(n_slices: int, rows: int = 32, columns: int = 32, offset: int = 0) -> np.ndarray:
    """Distinct, smooth-ish uint16 values [z, y, x] that every lossless encoder must give back."""
    z, y, x = np.meshgrid(np.arange(n_slices), np.arange(rows), np.arange(columns), indexing="ij")
    return (offset + 100 * z + 7 * y + 3 * x + 50).astype(np.uint16)


def mr_dataset(
    *,
    pixels: np.ndarray,
    patient_id: str,
    study_uid: str,
    series_uid: str,
    description: str,
    position: Sequence[float],
    orientation: Sequence[float] = AXIAL,
    pixel_spacing: Sequence[float] = (0.5, 0.5),
    instance: int = 1,
    **extra: object,
) -> Dataset:
    """One single-frame MR image (uncompressed, explicit VR little endian until saved otherwise)."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = MRImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID, ds.SOPInstanceUID = MRImageStorage, ds.file_meta.MediaStorageSOPInstanceUID
    ds.Modality, ds.PatientID = "MR", patient_id
    for keyword, value in IDENTIFIERS.items():
        setattr(ds, keyword, value)
    ds.StudyInstanceUID, ds.SeriesInstanceUID = study_uid, series_uid
    ds.SeriesDescription, ds.ProtocolName, ds.InstanceNumber = description, description, instance
    ds.StudyDate, ds.StudyTime, ds.StudyID, ds.SeriesNumber = "20120101", "120000", "1", 1
    ds.ImagePositionPatient = [float(v) for v in position]
    ds.ImageOrientationPatient = [float(v) for v in orientation]
    ds.PixelSpacing = [float(v) for v in pixel_spacing]
    ds.SliceThickness = 3.0
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 16
    ds.HighBit, ds.PixelRepresentation = 15, 0
    ds.PixelData = pixels.astype("<u2").tobytes()
    for keyword, value in extra.items():
        setattr(ds, keyword, list(value) if isinstance(value, tuple | np.ndarray) else value)
    return ds


def save(ds: Dataset, path: Path, syntax: str = ExplicitVRLittleEndian) -> Path:
    """Write ``ds`` in ``syntax`` (uncompressed, big endian, implicit, deflated, RLE, JPEG family)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if syntax in (RLELossless, JPEG2000Lossless, JPEGLSLossless):
        ds.compress(syntax)
    elif syntax == JPEGBaseline8Bit:
        _jpeg_baseline(ds)
    elif syntax == ExplicitVRBigEndian:
        pixels = np.frombuffer(ds.PixelData, "<u2")
        ds.PixelData = pixels.astype(">u2").tobytes()
        ds.file_meta.TransferSyntaxUID = syntax
        ds.save_as(path, enforce_file_format=True, implicit_vr=False, little_endian=False)
        return path
    elif syntax in (ImplicitVRLittleEndian, DeflatedExplicitVRLittleEndian):
        ds.file_meta.TransferSyntaxUID = syntax
    ds.save_as(path, enforce_file_format=True)
    return path


def _jpeg_baseline(ds: Dataset) -> None:
    """Lossy 8-bit JPEG (pydicom cannot encode it; Pillow does, pydicom encapsulates)."""
    pixels = np.frombuffer(ds.PixelData, "<u2").reshape(ds.Rows, ds.Columns)
    eight_bit = np.clip(pixels, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(eight_bit).save(buffer, format="JPEG", quality=95)
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelData = encapsulate([buffer.getvalue()])
    ds["PixelData"].VR = "OB"
    ds.file_meta.TransferSyntaxUID = JPEGBaseline8Bit


def write_series(
    folder: Path,
    *,
    n_slices: int = 4,
    rows: int = 32,
    columns: int = 32,
    syntax: str = ExplicitVRLittleEndian,
    patient_id: str = "ProstateX-0000",
    study_uid: str | None = None,
    series_uid: str | None = None,
    description: str = "t2_tse_tra",
    origin: Sequence[float] = (-4.0, -4.0, -6.0),
    orientation: Sequence[float] = AXIAL,
    pixel_spacing: Sequence[float] = (0.5, 0.5),
    slice_spacing: float = 3.0,
    skip: Sequence[int] = (),
    offset: int = 0,
    file_name: str = "1-{index:02d}.dcm",
    per_slice: dict[str, Sequence[object]] | None = None,
) -> tuple[list[Path], np.ndarray]:
    """A stack of single-frame files in ``folder``; returns the written paths and the full volume [z, y, x].

    ``skip`` leaves slice indices out (a series with missing slices); ``per_slice`` sets a keyword to a
    different value on each slice (e.g. a mixed orientation or a b-value).
    """
    study_uid, series_uid = study_uid or generate_uid(), series_uid or generate_uid()
    values = volume_values(n_slices, rows, columns, offset)
    row, column = np.asarray(orientation[:3]), np.asarray(orientation[3:])
    normal = np.cross(row, column)
    paths = []
    for index in range(n_slices):
        if index in skip:
            continue
        extra = {k: v[index] for k, v in (per_slice or {}).items()}
        ds = mr_dataset(
            pixels=values[index], patient_id=patient_id, study_uid=study_uid, series_uid=series_uid,
            description=description, position=np.asarray(origin) + index * slice_spacing * normal,
            orientation=orientation, pixel_spacing=pixel_spacing, instance=index + 1, **extra,
        )  # fmt: skip
        paths.append(save(ds, folder / file_name.format(index=index + 1), syntax))
    return paths, values


def write_enhanced_mr(
    path: Path,
    *,
    n_slices: int = 5,
    rows: int = 32,
    columns: int = 32,
    b_values: Sequence[float] = (),
    patient_id: str = "ProstateX-0001",
    description: str = "ep2d_diff_tra",
    origin: Sequence[float] = (-4.0, -4.0, -6.0),
    pixel_spacing: Sequence[float] = (2.0, 2.0),
    slice_spacing: float = 3.0,
    syntax: str = ExplicitVRLittleEndian,
) -> tuple[Path, np.ndarray]:
    """One Enhanced MR object; frames written in reverse slice order, one stack per b-value if given.

    Returns the path and the values [stack, z, y, x] (one stack without b-values).
    """
    stacks = list(b_values) or [None]
    values = np.stack([volume_values(n_slices, rows, columns, offset=1000 * k) for k in range(len(stacks))])
    ds = mr_dataset(
        pixels=values[0, 0], patient_id=patient_id, study_uid=generate_uid(), series_uid=generate_uid(),
        description=description, position=origin, pixel_spacing=pixel_spacing,
    )  # fmt: skip
    for keyword in ("ImagePositionPatient", "ImageOrientationPatient", "PixelSpacing", "SliceThickness"):
        delattr(ds, keyword)
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = EnhancedMRImageStorage
    shared = Dataset()
    shared.PixelMeasuresSequence = DicomSequence(
        [_item(PixelSpacing=list(pixel_spacing), SliceThickness=3.0)]
    )
    shared.PlaneOrientationSequence = DicomSequence([_item(ImageOrientationPatient=list(AXIAL))])
    ds.SharedFunctionalGroupsSequence = DicomSequence([shared])
    per_frame, frames = [], []
    for k, b_value in enumerate(stacks):
        for z in reversed(range(n_slices)):
            group = Dataset()
            group.PlanePositionSequence = DicomSequence(
                [_item(ImagePositionPatient=[origin[0], origin[1], origin[2] + z * slice_spacing])]
            )
            group.FrameContentSequence = DicomSequence(
                [_item(StackID=str(k + 1), InStackPositionNumber=z + 1)]
            )
            if b_value is not None:
                group.MRDiffusionSequence = DicomSequence([_item(DiffusionBValue=float(b_value))])
            per_frame.append(group)
            frames.append(values[k, z])
    ds.PerFrameFunctionalGroupsSequence = DicomSequence(per_frame)
    ds.NumberOfFrames = len(frames)
    ds.PixelData = np.stack(frames).astype("<u2").tobytes()
    return save(ds, path, syntax), values


def _item(**elements: object) -> Dataset:
    item = Dataset()
    for keyword, value in elements.items():
        setattr(item, keyword, value)
    return item


def write_structured_report(path: Path, *, patient_id: str = "ProstateX-0000") -> Path:
    """A Basic Text SR: a valid DICOM object without pixel data."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.88.11"
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID, ds.SOPInstanceUID = (
        ds.file_meta.MediaStorageSOPClassUID,
        ds.file_meta.MediaStorageSOPInstanceUID,
    )
    ds.Modality, ds.PatientID = "SR", patient_id
    for keyword, value in IDENTIFIERS.items():
        setattr(ds, keyword, value)
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.ValueType, ds.ContentSequence = "CONTAINER", DicomSequence([])
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, enforce_file_format=True)
    return path


def write_dicomdir(folder: Path, **series_kwargs: object) -> tuple[Path, list[Path]]:
    """A media folder: a series written through pydicom's FileSet, with its DICOMDIR index."""
    from pydicom.fileset import FileSet

    staging = folder.parent / (folder.name + "_staging")
    paths, _ = write_series(staging, **series_kwargs)  # type: ignore[arg-type]
    fileset = FileSet()
    for path in paths:
        fileset.add(pydicom.dcmread(path))
    fileset.write(folder)
    for path in paths:
        path.unlink()
    staging.rmdir()
    written = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "DICOMDIR")
    return folder / "DICOMDIR", written


def truncate(path: Path, keep_fraction: float = 0.6) -> Path:
    """Cut a file short, as an interrupted copy would."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep_fraction)])
    return path


def set_transfer_syntax(path: Path, uid: str) -> Path:
    """Re-label a file with another (e.g. video or made-up) transfer syntax, its pixels as one fragment."""
    ds = pydicom.dcmread(path)
    ds.PixelData = encapsulate([ds.PixelData])
    ds["PixelData"].VR = "OB"
    with warnings.catch_warnings():  # a made-up UID is the point of this fixture
        warnings.simplefilter("ignore")
        ds.file_meta.TransferSyntaxUID = uid
        ds.save_as(path, implicit_vr=False, little_endian=True, enforce_file_format=True)
    return path


def write_volume(path: Path, values: np.ndarray, *, spacing=(1.0, 1.0, 3.0), origin=(0.0, 0.0, 0.0)) -> Path:
    """A ``.mhd``/``.mha``/``.nii.gz`` volume with SimpleITK (``values`` is [z, y, x])."""
    image = sitk.GetImageFromArray(values)
    image.SetSpacing(spacing)
    image.SetOrigin(origin)
    path.parent.mkdir(parents=True, exist_ok=True)
    sitk.WriteImage(image, str(path))
    return path


def rewrite(paths: Sequence[Path], change) -> list[Path]:
    """Apply ``change(dataset)`` to each written file and save it again (odd headers, other pixel formats)."""
    for path in paths:
        ds = pydicom.dcmread(path)
        change(ds)
        ds.save_as(path, enforce_file_format=True)
    return list(paths)


def write_siemens_mosaic(
    path: Path, *, tiles: int = 9, tile: int = 8, patient_id: str = "ProstateX-0002"
) -> Path:
    """A Siemens-style mosaic: ``tiles`` slices of ``tile``² pixels tiled in one image, ImageType MOSAIC and
    NumberOfImagesInMosaic in the "SIEMENS MR HEADER" private block, as Siemens scanners export EPI."""
    side = int(np.ceil(np.sqrt(tiles))) * tile
    ds = mr_dataset(
        pixels=np.zeros((side, side), np.uint16), patient_id=patient_id, study_uid=generate_uid(),
        series_uid=generate_uid(), description="ep2d_diff_tra", position=(-100.0, -100.0, 0.0),
        ImageType=["ORIGINAL", "PRIMARY", "DIFFUSION", "NONE", "ND", "MOSAIC"],
    )  # fmt: skip
    block = ds.private_block(0x0019, "SIEMENS MR HEADER", create=True)
    block.add_new(0x0A, "US", tiles)
    block.add_new(0x0C, "IS", "800")
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, enforce_file_format=True)
    return path
