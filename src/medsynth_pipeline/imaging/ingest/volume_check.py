"""Does a volume file (.nii, .nii.gz, .mha, .mhd) hold as many voxel bytes as its header promises?

SimpleITK reads a NIfTI file cut short without complaint (the missing voxels come back as zeros), and
reports a cut MetaImage as "No such file or directory"; a header promising terabytes makes it try to
allocate them. So the header is read first, and the stored bytes (decompressed when compressed, as a
stream, so nothing large is held in memory) are compared with what the header needs.
"""

from __future__ import annotations

import gzip
import math
import re
import zlib
from pathlib import Path

import SimpleITK as sitk

from medsynth_pipeline.imaging.ingest.rejections import Reason

_NIFTI_HEADER_BYTES = 348  # NIfTI-1; the voxels start at vox_offset >= 352
_CHUNK = 1 << 20
_BITS = re.compile(r"(\d+)-bit")


def volume_problem(path: Path) -> tuple[Reason, str] | None:
    """(reason, detail) when ``path`` is not a complete volume file, else None (it may still fail to read)."""
    reader = sitk.ImageFileReader()
    reader.SetFileName(str(path))
    try:
        reader.ReadImageInformation()
    except RuntimeError as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        return Reason.UNREADABLE_VOLUME, f"header cannot be read: {lines[-1] if lines else exc}"
    needed = _voxel_bytes(reader)
    name = path.name.lower()
    try:
        if name.endswith(".nii.gz"):
            stored = _gzip_size(path) - _NIFTI_HEADER_BYTES
        elif name.endswith(".nii"):
            stored = path.stat().st_size - _NIFTI_HEADER_BYTES
        else:
            stored = _metaimage_data_bytes(path)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        return Reason.TRUNCATED, f"the compressed voxel data is cut short or damaged ({exc})"
    except FileNotFoundError as exc:
        return Reason.UNREADABLE_VOLUME, f"its data file {Path(exc.filename).name!r} is missing"
    if stored is not None and needed is not None and stored < needed:
        return (
            Reason.TRUNCATED,
            f"the header promises {needed} bytes of voxels ({'x'.join(map(str, reader.GetSize()))}), "
            f"the file holds {max(stored, 0)}",
        )
    return None


def _voxel_bytes(reader: sitk.ImageFileReader) -> int | None:
    kind = sitk.GetPixelIDValueAsString(reader.GetPixelID())
    bits = _BITS.search(kind)
    if bits is None:
        return None
    per_value = int(bits.group(1)) // 8 * (2 if "complex" in kind else 1)
    return math.prod(reader.GetSize()) * reader.GetNumberOfComponents() * per_value


def _gzip_size(path: Path) -> int:
    """Decompressed length of a gzip file, read as a stream; raises EOFError when it is cut short."""
    total = 0
    with gzip.open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
    return total


def _metaimage_data_bytes(path: Path) -> int | None:
    """Voxel bytes stored for a MetaImage (.mha: after the header; .mhd: in its data file)."""
    header, offset = _metaimage_header(path)
    data_file = header.get("elementdatafile", "")
    if data_file.upper() == "LOCAL":
        source, start = path, offset
    elif data_file and not data_file.upper().startswith("LIST") and "%" not in data_file:
        source, start = path.parent / data_file, 0
        if not source.is_file():
            raise FileNotFoundError(2, "missing", str(source))
    else:  # slice lists and file patterns: SimpleITK checks them itself
        return None
    if header.get("compresseddata", "false").lower() != "true":
        return source.stat().st_size - start
    return _zlib_size(source, start)


def _metaimage_header(path: Path) -> tuple[dict[str, str], int]:
    """Its ``key = value`` lines up to ElementDataFile (lower-case keys), and where the data begins."""
    header: dict[str, str] = {}
    offset = 0
    with open(path, "rb") as stream:
        for line in stream:
            offset += len(line)
            key, _, value = line.decode("latin-1").partition("=")
            header[key.strip().lower()] = value.strip()
            if key.strip().lower() == "elementdatafile" or offset > _CHUNK:
                break
    return header, offset


def _zlib_size(path: Path, start: int) -> int:
    decompressor = zlib.decompressobj()
    total = 0
    with open(path, "rb") as stream:
        stream.seek(start)
        while not decompressor.eof:
            pending = decompressor.unconsumed_tail or stream.read(_CHUNK)
            if not pending:
                break
            total += len(decompressor.decompress(pending, _CHUNK))  # bounded output: no zip bomb in memory
    if not decompressor.eof:
        raise EOFError("the zlib stream has no end")
    return total
