"""Why a file, series, volume or finding could not be used: a short fixed vocabulary plus a free detail.

``rejected_files`` (see docs/ARCHITECTURE.md) holds one row per :class:`Rejection`; the reason codes are
stable so that users can filter and count them, the detail says what exactly was wrong.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum

import pandas as pd


class Reason(StrEnum):
    """Reason codes of ``rejected_files.reason``."""

    NOT_DICOM = "not_dicom"
    UNREADABLE_FILE = "unreadable_file"
    BAD_FILE_NAME = "bad_file_name"
    COMPRESSED_FILE = "compressed_file"
    TRUNCATED = "truncated"
    CORRUPT_HEADER = "corrupt_header"
    NO_PIXEL_DATA = "no_pixel_data"
    DICOMDIR = "dicomdir"
    UNSUPPORTED_TRANSFER_SYNTAX = "unsupported_transfer_syntax"
    DECODE_FAILED = "decode_failed"
    UNSUPPORTED_IMAGE = "unsupported_image"
    MISSING_UID = "missing_uid"
    MISSING_PATIENT_ID = "missing_patient_id"
    MISSING_GEOMETRY = "missing_geometry"
    INVALID_GEOMETRY = "invalid_geometry"
    INCONSISTENT_SERIES = "inconsistent_series"
    INCONSISTENT_GEOMETRY = "inconsistent_geometry"
    MISSING_SLICES = "missing_slices"
    DUPLICATE_SLICES = "duplicate_slices"
    DUPLICATE_INSTANCE = "duplicate_instance"
    UNREADABLE_VOLUME = "unreadable_volume"
    NOT_3D = "not_3d"
    BAD_FINDING = "bad_finding"
    UNEXPECTED_ERROR = "unexpected_error"


#: One sentence per reason, for the Markdown summary a person reads.
REASON_TEXT: dict[Reason, str] = {
    Reason.NOT_DICOM: "not a DICOM file (no DICM marker and no DICOM data elements)",
    Reason.UNREADABLE_FILE: "the file cannot be opened or read (permissions, I/O error, broken link, not a file)",
    Reason.BAD_FILE_NAME: "a file or folder name that is not valid UTF-8; outputs cannot record it, rename it",
    Reason.COMPRESSED_FILE: "a gzip/bzip2/xz-compressed DICOM file (.dcm.gz); decompress it to have it read",
    Reason.TRUNCATED: "the file ends before its data does (interrupted copy or download)",
    Reason.CORRUPT_HEADER: "a DICOM file whose header cannot be parsed",
    Reason.NO_PIXEL_DATA: "a DICOM object without an image (structured report, presentation state, ...)",
    Reason.DICOMDIR: "a DICOMDIR media index, not an image; the files it lists are scanned directly",
    Reason.UNSUPPORTED_TRANSFER_SYNTAX: "pixel data encoded in a transfer syntax no installed decoder reads",
    Reason.DECODE_FAILED: "pixel data that the decoders could not decompress, or that the header does not describe",
    Reason.UNSUPPORTED_IMAGE: "an image layout ingest does not read (Siemens mosaic); convert it to NIfTI first",
    Reason.MISSING_UID: "no SeriesInstanceUID, so the file cannot be grouped into a series",
    Reason.MISSING_PATIENT_ID: "no PatientID and none derivable from the path",
    Reason.MISSING_GEOMETRY: "no image position/orientation/pixel spacing, so no volume geometry",
    Reason.INVALID_GEOMETRY: "impossible geometry: pixel spacing not positive, orientation not two unit perpendicular vectors",
    Reason.INCONSISTENT_SERIES: "files sharing one SeriesInstanceUID belong to different patients or studies",
    Reason.INCONSISTENT_GEOMETRY: "slices disagree on orientation, size, pixel spacing or slice spacing",
    Reason.MISSING_SLICES: "a gap in the slice positions: at least one slice of the series is absent",
    Reason.DUPLICATE_SLICES: "several slices at one position that no tag separates into stacks",
    Reason.DUPLICATE_INSTANCE: "a second copy of an image already indexed (same SOPInstanceUID); the first is used",
    Reason.UNREADABLE_VOLUME: "a volume file (.mhd/.mha/.nii) SimpleITK cannot read",
    Reason.NOT_3D: "an image that is not a single 2-D or 3-D scalar volume",
    Reason.BAD_FINDING: "a findings-table row with an unusable patient id, fid or position",
    Reason.UNEXPECTED_ERROR: "an input no check foresaw made ingest fail; it was skipped (please report the detail)",
}


@dataclass(frozen=True)
class Rejection:
    """One unusable input. ``level`` is ``file``, ``series``, ``volume`` or ``finding``."""

    path: str
    reason: Reason
    detail: str
    level: str = "file"


REJECTION_COLUMNS = ["path", "reason", "detail", "level"]


def rejections_frame(rejections: list[Rejection]) -> pd.DataFrame:
    """The ``rejected_files`` table: one row per rejection, sorted by path for stable diffs."""
    rows = [{**asdict(r), "reason": str(r.reason)} for r in rejections]
    frame = pd.DataFrame(rows, columns=REJECTION_COLUMNS).astype(str)
    return frame.sort_values(["path", "reason"], kind="stable").reset_index(drop=True)
