"""Does the pixel data fit in the file? Checked from the header alone, without decoding anything.

Header parsing stops at the pixel data element; from there its length (or its fragments, when
compressed) is compared with the file size. A file that ends before any pixel data element is either
cut short or an object without an image; the file position and the image elements present tell which.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

import pydicom
from pydicom.uid import UID

from medsynth_pipeline.imaging.ingest.multiframe import number_of_frames
from medsynth_pipeline.imaging.ingest.rejections import Reason
from medsynth_pipeline.imaging.ingest.values import text

#: Uncompressed transfer syntaxes, whose pixel data length follows from rows, columns and bits.
NATIVE_TRANSFER_SYNTAXES = frozenset(
    {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99"}
)
_PIXEL_TAGS = {0x7FE00010, 0x7FE00009, 0x7FE00008}
_UNDEFINED = 0xFFFFFFFF
#: Unparseable bytes after the pixel data tolerated before the file is rejected (a stray pad is harmless).
MAX_TRAILING_GARBAGE = 64 * 1024


def pixel_data_problem(fp: BinaryIO, ds: pydicom.Dataset, size: int, ts: str) -> tuple[Reason, str] | None:
    """A (reason, detail) when the pixel data element at ``fp``'s position does not fit the file, else None.

    ``fp`` must stand where ``dcmread(stop_before_pixels=True)`` stopped; ``ds`` is what it read.
    """
    position = fp.tell()
    little = ds.original_encoding[1] is not False
    endian = "<" if little else ">"
    header = fp.read(8)
    if len(header) < 8:
        return _no_pixel_element(ds, position, size)
    group, element = struct.unpack(endian + "HH", header[:4])
    if (group << 16 | element) not in _PIXEL_TAGS:
        return Reason.CORRUPT_HEADER, f"unparseable data at byte {position} (tag {group:04X},{element:04X})"
    # the VR bytes tell explicit from implicit, as pydicom itself does: files lie about their syntax
    if header[4:6] in (b"OB", b"OW", b"OF", b"OD", b"UN"):
        extra = fp.read(4)
        if len(extra) < 4:
            return Reason.TRUNCATED, "the file ends inside the pixel data element header"
        (length,) = struct.unpack(endian + "I", extra)
        value_start = position + 12
    else:
        (length,) = struct.unpack(endian + "I", header[4:8])
        value_start = position + 8
    if length == _UNDEFINED:
        if ts in NATIVE_TRANSFER_SYNTAXES:
            return (
                Reason.CORRUPT_HEADER,
                "pixel data of undefined length in an uncompressed transfer syntax (a mislabelled file?)",
            )
        return _encapsulated_problem(fp, value_start, size, endian)
    if value_start + length > size:
        return Reason.TRUNCATED, f"pixel data needs {length} bytes, the file holds {size - value_start}"
    if ts in NATIVE_TRANSFER_SYNTAXES:
        needed = _native_size(ds)
        if needed and length < needed:
            return Reason.DECODE_FAILED, f"pixel data holds {length} bytes, the image needs {needed}"
        if needed and length - needed >= max(_row_size(ds), 2):
            return (
                Reason.DECODE_FAILED,
                f"pixel data holds {length} bytes but Rows x Columns x frames x bits need only {needed}: "
                "the header does not describe the pixels",
            )
    return _trailing_problem(fp, value_start + length, size, endian)


def _trailing_problem(fp: BinaryIO, end: int, size: int, endian: str) -> tuple[Reason, str] | None:
    """Bytes after the pixel data must be DICOM elements (padding, signatures); decoders otherwise parse
    them one empty element at a time, which takes minutes for a file padded to gigabytes."""
    if size - end < MAX_TRAILING_GARBAGE:
        return None
    fp.seek(end)
    head = fp.read(4)
    group, element = struct.unpack(endian + "HH", head) if len(head) == 4 else (0, 0)
    if (group << 16 | element) > 0x7FE00010:
        return None
    return (
        Reason.CORRUPT_HEADER,
        f"{size - end} bytes after the pixel data are not DICOM elements (a file padded or joined to another)",
    )


def _no_pixel_element(ds: pydicom.Dataset, position: int, size: int) -> tuple[Reason, str]:
    """Parsing reached the end of the file without a pixel data element: cut short, or none to begin with."""
    # skipped elements are seeked over, so a value running past the end leaves the position beyond it
    short = _short_element(ds)
    if short or position > size:
        return (
            Reason.TRUNCATED,
            short or f"the file ends {position - size} bytes before its last element does",
        )
    meta = getattr(ds, "file_meta", None) or pydicom.Dataset()
    sop = UID(text(ds.get("SOPClassUID")) or text(meta.get("MediaStorageSOPClassUID")))
    if "Rows" in ds or "Image Storage" in sop.name:
        absent = [k for k in ("SeriesInstanceUID", "Rows", "Columns") if k not in ds]
        if absent:  # the header of an image stops before elements every image has
            return (
                Reason.TRUNCATED,
                f"the file ends inside the header of an image ({', '.join(absent)} never reached)",
            )
        return (
            Reason.NO_PIXEL_DATA,
            f"a complete image header ({sop.name or 'Rows/Columns'}) but no pixel data",
        )
    return Reason.NO_PIXEL_DATA, f"no pixel data ({sop.name or sop or 'no SOP class'})"


def _encapsulated_problem(fp: BinaryIO, start: int, size: int, endian: str) -> tuple[Reason, str] | None:
    """Walk the fragment items by seeking; the sequence delimiter must be reached inside the file."""
    offset = start
    while True:
        fp.seek(offset)
        item = fp.read(8)
        if len(item) < 8:
            return Reason.TRUNCATED, "the file ends inside the compressed pixel data (no sequence delimiter)"
        group, element, length = struct.unpack(endian + "HHI", item)
        tag = group << 16 | element
        if tag == 0xFFFEE0DD:
            return _trailing_problem(fp, offset + 8, size, endian)
        if tag != 0xFFFEE000 or length == _UNDEFINED:
            return Reason.CORRUPT_HEADER, f"bad fragment item at byte {offset} of the compressed pixel data"
        offset += 8 + length
        if offset > size:
            return Reason.TRUNCATED, "the file ends inside a compressed pixel data fragment"


def _short_element(ds: pydicom.Dataset) -> str | None:
    for elem in ds.elements():
        value = getattr(elem, "value", None)
        length = getattr(elem, "length", None)
        if isinstance(value, bytes) and length not in (None, _UNDEFINED) and len(value) < length:
            return f"the file ends inside element {elem.tag} ({len(value)} of {length} bytes)"
    return None


def _row_size(ds: pydicom.Dataset) -> int:
    """Bytes of one row of one frame; excess pixel data this large means Rows/Columns/bits are wrong."""
    try:
        return (int(ds.Columns) * int(ds.get("SamplesPerPixel", 1)) * int(ds.BitsAllocated) + 7) // 8
    except (AttributeError, TypeError, ValueError):
        return 0


def _native_size(ds: pydicom.Dataset) -> int:
    try:
        bits = int(ds.BitsAllocated)
        samples = int(ds.get("SamplesPerPixel", 1))
        pixels = int(ds.Rows) * int(ds.Columns) * number_of_frames(ds)
    except (AttributeError, TypeError, ValueError):
        return 0
    if text(ds.get("PhotometricInterpretation")) == "YBR_FULL_422":  # chroma subsampled: 2 values per pixel
        samples = 2
    return (pixels * samples * bits + 7) // 8
