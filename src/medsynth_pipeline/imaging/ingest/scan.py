"""Walk a raw-data tree and read DICOM headers: each file becomes a :class:`DicomHeader` or a rejection.

Only headers are read (``stop_before_pixels``); the pixel data element is located and its length
checked against the file size, so truncated files are caught without decoding anything. Only an
allow-list of header fields is kept; the values of direct identifiers are collected for the leak check
(see :mod:`dicom_deid`) and never stored in outputs.
"""

from __future__ import annotations

import contextlib
import logging
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydicom
import pydicom.config
from pydicom.datadict import tag_for_keyword
from pydicom.uid import UID

from medsynth_pipeline.imaging.ingest.deid import DIRECT_IDENTIFIER_KEYWORDS, identifier_values
from medsynth_pipeline.imaging.ingest.inventory import (  # noqa: F401  (re-exported: the scan's entry point)
    VOLUME_SUFFIXES,
    Inventory,
    take_inventory,
    volume_format,
)
from medsynth_pipeline.imaging.ingest.multiframe import (
    classic_frame_geometries,
    enhanced_frame_geometries,
    is_enhanced,
    number_of_frames,
)
from medsynth_pipeline.imaging.ingest.pixel_check import pixel_data_problem
from medsynth_pipeline.imaging.ingest.rejections import Reason, Rejection
from medsynth_pipeline.imaging.ingest.stack import SliceGeometry
from medsynth_pipeline.imaging.ingest.values import (
    as_list,
    float_or_none,
    floats,
    int_or_none,
    key_text,
    text,
)

#: Transfer syntaxes GDCM (inside SimpleITK) decodes; pydicom's available decoders are added below.
GDCM_TRANSFER_SYNTAXES: frozenset[str] = frozenset(
    {
        "1.2.840.10008.1.2",  # implicit VR little endian
        "1.2.840.10008.1.2.1",  # explicit VR little endian
        "1.2.840.10008.1.2.1.99",  # deflated explicit VR little endian
        "1.2.840.10008.1.2.2",  # explicit VR big endian (retired, still in archives)
        "1.2.840.10008.1.2.4.50",  # JPEG baseline
        "1.2.840.10008.1.2.4.51",  # JPEG extended
        "1.2.840.10008.1.2.4.57",  # JPEG lossless
        "1.2.840.10008.1.2.4.70",  # JPEG lossless, first-order prediction
        "1.2.840.10008.1.2.4.80",  # JPEG-LS lossless
        "1.2.840.10008.1.2.4.81",  # JPEG-LS near-lossless
        "1.2.840.10008.1.2.4.90",  # JPEG 2000 lossless
        "1.2.840.10008.1.2.4.91",  # JPEG 2000
        "1.2.840.10008.1.2.5",  # RLE lossless
    }
)
_DEFLATED = "1.2.840.10008.1.2.1.99"
_MEDIA_DIRECTORY = "1.2.840.10008.1.3.10"


#: The only elements parsed: the allow-list below, the identifiers (for the leak check) and the Siemens
#: private b-value. pydicom skips everything else by seeking, which keeps the scan fast.
HEADER_KEYWORDS: tuple[str, ...] = (
    "SpecificCharacterSet", "ImageType", "SOPClassUID", "Modality", "SeriesDescription", "ProtocolName",
    "PatientID", "StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "InstanceNumber",
    "AcquisitionNumber", "ImagesInAcquisition", "TemporalPositionIdentifier", "ImagePositionPatient", "ImageOrientationPatient",
    "PixelSpacing", "SliceThickness", "SpacingBetweenSlices", "EchoTime", "TriggerTime", "DiffusionBValue",
    "NumberOfFrames", "Rows", "Columns", "SamplesPerPixel", "PhotometricInterpretation", "BitsAllocated",
    "RescaleSlope", "RescaleIntercept", "DiffusionGradientOrientation",
    "SharedFunctionalGroupsSequence", "PerFrameFunctionalGroupsSequence", "DimensionIndexSequence",
    "DirectoryRecordSequence",
)  # fmt: skip
#: The "SIEMENS MR HEADER" block in any of its first three slots: creators, then (per slot) the number of
#: images in a mosaic (xx0A), the b-value (xx0C) and the diffusion gradient direction (xx0E).
_SIEMENS_PRIVATE = tuple(
    [0x00190010, 0x00190011, 0x00190012]
    + [0x00190000 | slot << 8 | element for slot in (0x10, 0x11, 0x12) for element in (0x0A, 0x0C, 0x0E)]
)
HEADER_TAGS: list[int] = sorted(
    {int(tag_for_keyword(k)) for k in HEADER_KEYWORDS + DIRECT_IDENTIFIER_KEYWORDS} | set(_SIEMENS_PRIVATE)
)


def _pydicom_decodable() -> frozenset[str]:
    from pydicom.pixels.decoders.base import _PIXEL_DATA_DECODERS

    return frozenset(uid for uid, decoder in _PIXEL_DATA_DECODERS.items() if decoder[0].is_available)


SUPPORTED_TRANSFER_SYNTAXES: frozenset[str] = GDCM_TRANSFER_SYNTAXES | _pydicom_decodable()


@dataclass(frozen=True)
class DicomHeader:
    """The allow-listed header fields of one DICOM image file."""

    path: str
    patient_id: str
    study_uid: str
    series_uid: str
    sop_class_uid: str
    sop_instance_uid: str
    modality: str
    description: str
    protocol: str
    image_type: tuple[str, ...]
    transfer_syntax: str
    n_frames: int
    enhanced: bool
    slices: tuple[SliceGeometry, ...]
    images_in_acquisition: int | None = None
    spacing_between_slices: float | None = None
    diffusion_b_value: float | None = None
    identifiers: frozenset[str] = field(default=frozenset(), repr=False, compare=False)


@contextlib.contextmanager
def quiet_pydicom() -> Iterator[None]:
    """No value validation while scanning: pydicom's warnings quote values, which may be identifiers."""
    previous = pydicom.config.settings.reading_validation_mode
    pydicom.config.settings.reading_validation_mode = pydicom.config.IGNORE
    # decoders log ERRORs for every plugin that fails; ingest turns the failure into a rejection instead
    level = pydicom.config.logger.level
    pydicom.config.logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        pydicom.config.settings.reading_validation_mode = previous
        pydicom.config.logger.setLevel(level)


def read_header(path: Path) -> DicomHeader | Rejection:
    """Read one file's header. Never raises for bad input: returns a :class:`Rejection` instead."""
    with quiet_pydicom():
        return _read_header(path)


def _read_header(path: Path) -> DicomHeader | Rejection:
    where = str(path)
    size = path.stat().st_size
    if size == 0:
        return Rejection(where, Reason.NOT_DICOM, "empty file (0 bytes; an interrupted copy?)")
    with open(path, "rb") as fp:
        head = fp.read(136)  # preamble, 'DICM' and the first tag after it
        part10 = len(head) >= 132 and head[128:132] == b"DICM"
        if not part10 and not _starts_like_dataset(head):
            return Rejection(
                where, Reason.NOT_DICOM, "no 'DICM' marker at byte 128 and no DICOM element at the start"
            )
        fp.seek(0)
        try:
            ds = pydicom.dcmread(fp, stop_before_pixels=True, force=True, specific_tags=HEADER_TAGS)
        except (EOFError, struct.error) as exc:
            return Rejection(
                where, Reason.TRUNCATED if part10 else Reason.NOT_DICOM, f"header ends early: {exc}"
            )
        except Exception as exc:
            reason = Reason.CORRUPT_HEADER if part10 else Reason.NOT_DICOM
            return Rejection(where, reason, f"header cannot be parsed: {type(exc).__name__}: {exc}")
        if not part10 and not any(k in ds for k in ("SOPClassUID", "SeriesInstanceUID", "Modality", "Rows")):
            return Rejection(
                where, Reason.NOT_DICOM, "no DICM marker and none of the DICOM identifying elements"
            )
        meta = getattr(ds, "file_meta", None) or pydicom.Dataset()
        if meta.get("MediaStorageSOPClassUID") == _MEDIA_DIRECTORY or "DirectoryRecordSequence" in ds:
            return Rejection(where, Reason.DICOMDIR, _dicomdir_detail(path, ds))
        if part10 and "TransferSyntaxUID" not in meta and (bad_meta := _missing_meta(head, size, ds)):
            return Rejection(where, *bad_meta)
        transfer_syntax = str(meta.get("TransferSyntaxUID") or "1.2.840.10008.1.2")
        problem = None if transfer_syntax == _DEFLATED else pixel_data_problem(fp, ds, size, transfer_syntax)
    if problem is not None:
        return Rejection(where, *problem)
    if transfer_syntax not in SUPPORTED_TRANSFER_SYNTAXES:
        return Rejection(where, Reason.UNSUPPORTED_TRANSFER_SYNTAX, _transfer_syntax_detail(transfer_syntax))
    return _header_from_dataset(where, ds, transfer_syntax)


def _missing_meta(head: bytes, size: int, ds: pydicom.Dataset) -> tuple[Reason, str] | None:
    """A DICM marker without file meta information: cut short right after it, or garbage after it."""
    if size < 132 + 12:
        return Reason.TRUNCATED, "the file ends right after the 'DICM' marker (no file meta information)"
    if head[132:134] == b"\x02\x00":  # a meta element begins, but none could be read: cut inside it
        if len(ds) == 0:
            return Reason.TRUNCATED, "the file ends inside the file meta information"
        return None
    if not any(k in ds for k in ("SOPClassUID", "SeriesInstanceUID", "Modality", "Rows")):
        return (
            Reason.CORRUPT_HEADER,
            "no file meta information and no DICOM element after the 'DICM' marker "
            "(garbage, or another format behind a DICOM preamble)",
        )
    return None


def _transfer_syntax_detail(uid: str) -> str:
    syntax = UID(uid)
    if not syntax.is_valid:
        return f"transfer syntax {uid!r} is not a valid UID"
    if syntax.name == uid:  # pydicom does not know it: a vendor's own encoding
        return f"transfer syntax {uid!r} is private or unknown (a vendor's own encoding); export as standard DICOM"
    return f"transfer syntax {uid!r} ({syntax.name}): no installed decoder reads it"


def _dicomdir_detail(path: Path, ds: pydicom.Dataset) -> str:
    """What a DICOMDIR lists, and how much of it is missing (its files are scanned as they are found)."""
    referenced = [
        as_list(record.get("ReferencedFileID"))
        for record in ds.get("DirectoryRecordSequence") or []
        if record.get("ReferencedFileID")
    ]
    missing = sum(not _media_file(path.parent, [str(p) for p in parts]) for parts in referenced)
    detail = "media index (DICOMDIR); the files it lists are scanned directly"
    if missing:
        detail += f"; {missing} of the {len(referenced)} files it lists are absent (copied without them?)"
    return detail


def _media_file(folder: Path, parts: list[str]) -> bool:
    # media file ids are upper case (ISO 9660); copies to other file systems often lower-case them
    return any((folder.joinpath(*variant)).is_file() for variant in (parts, [p.lower() for p in parts]))


def _header_from_dataset(where: str, ds: pydicom.Dataset, transfer_syntax: str) -> DicomHeader | Rejection:
    series_uid = text(ds.get("SeriesInstanceUID"))
    if not series_uid:
        return Rejection(where, Reason.MISSING_UID, "no SeriesInstanceUID")
    patient_id = text(ds.get("PatientID"))
    if not patient_id:
        return Rejection(where, Reason.MISSING_PATIENT_ID, "empty PatientID")
    image_type = tuple(str(v) for v in (as_list(ds.get("ImageType")) or []))
    if "MOSAIC" in (v.upper() for v in image_type):
        return Rejection(where, Reason.UNSUPPORTED_IMAGE, _mosaic_detail(ds))
    n_frames = number_of_frames(ds)
    enhanced = is_enhanced(ds)
    b_value = _b_value(ds)
    if enhanced:
        slices = enhanced_frame_geometries(ds, where)
    elif n_frames > 1:
        slices = classic_frame_geometries(ds, where)
    else:
        slices = [single_slice_geometry(ds, where, b_value)]
    return DicomHeader(
        path=where,
        patient_id=patient_id,
        study_uid=text(ds.get("StudyInstanceUID")),
        series_uid=series_uid,
        sop_class_uid=text(ds.get("SOPClassUID")),
        sop_instance_uid=text(ds.get("SOPInstanceUID")),
        modality=text(ds.get("Modality")),
        description=text(ds.get("SeriesDescription")),
        protocol=text(ds.get("ProtocolName")),
        image_type=image_type,
        transfer_syntax=transfer_syntax,
        n_frames=n_frames,
        enhanced=enhanced,
        slices=tuple(slices),
        images_in_acquisition=int_or_none(ds.get("ImagesInAcquisition")),
        spacing_between_slices=float_or_none(ds.get("SpacingBetweenSlices")),
        diffusion_b_value=b_value,
        # ProstateX names every patient after its pseudonymous id: a "name" inside the PatientID is no
        # more identifying than the id itself (which ingest outputs, or pseudonymises when asked to)
        identifiers=frozenset(v for v in identifier_values(ds) if v.lower() not in patient_id.lower()),
    )


def single_slice_geometry(ds: pydicom.Dataset, where: str, b_value: float | None = None) -> SliceGeometry:
    """Geometry and stack-separating values of a single-frame image (``b_value`` if already known)."""
    keys = {
        "b_value": b_value if b_value is not None else _b_value(ds),
        "diffusion_direction": _diffusion_direction(ds),
        "echo_time": ds.get("EchoTime"),
        "temporal_position": ds.get("TemporalPositionIdentifier"),
        "trigger_time": ds.get("TriggerTime"),
        "acquisition_number": ds.get("AcquisitionNumber"),
        "image_type": "\\".join(str(v) for v in as_list(ds.get("ImageType")) or []) or None,
    }
    return SliceGeometry(
        file=where,
        frame=None,
        position=floats(ds.get("ImagePositionPatient"), 3),
        orientation=floats(ds.get("ImageOrientationPatient"), 6),
        pixel_spacing=floats(ds.get("PixelSpacing"), 2),
        rows=int_or_none(ds.get("Rows")) or 0,
        columns=int_or_none(ds.get("Columns")) or 0,
        stack_keys=tuple((k, key_text(v)) for k, v in keys.items() if v is not None and v != ""),
        instance_number=int_or_none(ds.get("InstanceNumber")),
    )


def _starts_like_dataset(head: bytes) -> bool:
    """A file without preamble must start with a group 0002/0008 element (little or big endian)."""
    if len(head) < 8:
        return False
    groups = (struct.unpack("<H", head[:2])[0], struct.unpack(">H", head[:2])[0])
    return any(g in (0x0002, 0x0008) for g in groups)


def _b_value(ds: pydicom.Dataset) -> float | None:
    value = float_or_none(ds.get("DiffusionBValue"))
    if value is not None:
        return value
    # Siemens keeps it in a private element (real ProstateX diffusion series rely on it); look for the
    # creator in the first slots directly, private_block() would scan the whole group
    return float_or_none(_private_text(_siemens_value(ds, 0x0C, lambda v: v)))


def _diffusion_direction(ds: pydicom.Dataset) -> str | None:
    """The diffusion gradient direction as ``x/y/z`` (standard element, else Siemens' private one)."""
    value = ds.get("DiffusionGradientOrientation")
    if value is None:
        value = _siemens_value(ds, 0x0E, lambda v: struct.unpack("<3d", v[:24]) if len(v) >= 24 else None)
    direction = floats(value, 3)
    return "/".join(f"{v:.3g}" for v in direction) if direction is not None else None


def _mosaic_detail(ds: pydicom.Dataset) -> str:
    """Siemens tiles the slices of one acquisition into a single 2-D image ("mosaic")."""
    tiles = _siemens_value(ds, 0x0A, lambda v: struct.unpack("<H", v[:2])[0] if len(v) >= 2 else None)
    count = f"{tiles} slices" if tiles else "the slices"
    return (
        f"Siemens mosaic: {count} tiled in one {int_or_none(ds.get('Columns'))}x{int_or_none(ds.get('Rows'))} "
        "image, which ingest does not un-tile; convert the series to NIfTI (e.g. `dcm2niix`) and put the "
        ".nii.gz under raw_dir"
    )


def _siemens_value(ds: pydicom.Dataset, element: int, from_bytes: Any) -> Any:
    """A value of the "SIEMENS MR HEADER" private block (group 0019), whichever slot it was given."""
    for slot in (0x10, 0x11, 0x12):
        creator = ds.get((0x0019, slot))
        if creator is not None and text(creator.value) == "SIEMENS MR HEADER":
            found = ds.get((0x0019, (slot << 8) | element))
            if found is None:
                return None
            value = found.value
            return from_bytes(value) if isinstance(value, bytes) else value
    return None


def _private_text(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("ascii", "ignore").strip("\x00 ").split("\\")[0]
    return value
