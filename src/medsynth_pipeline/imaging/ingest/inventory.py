"""List the files under a raw-data tree: DICOM candidates, volume files, files ignored by name, and
entries that cannot be used at all (broken links, pipes, names that are not UTF-8).

Real archives are often reached through symbolic links (``data/01_raw/PROSTATEx -> /mnt/big/...``), so
linked folders are followed, each real folder once (a link loop cannot make the walk endless).
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from medsynth_pipeline.imaging.ingest.rejections import Reason, Rejection

#: Volume files read with SimpleITK, by suffix, and their ``source_format``.
VOLUME_SUFFIXES: dict[str, str] = {".nii.gz": "nifti", ".nii": "nifti", ".mhd": "mhd", ".mha": "mha"}
#: DICOM files compressed one by one (test suites and some exports ship them so); never read compressed.
_COMPRESSED_DICOM = re.compile(r"\.(dcm|dicom|ima)\.(gz|bz2|xz|z)$", re.IGNORECASE)
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".7z", ".rar")


@dataclass
class Inventory:
    """Files under the raw directory, sorted into DICOM candidates, volumes, ignored and unusable entries."""

    dicom_candidates: list[Path] = field(default_factory=list)
    volumes: list[tuple[Path, str]] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


def volume_format(path: Path) -> str | None:
    """``source_format`` of a volume file by its suffix, or None for anything else."""
    name = path.name.lower()
    return next((fmt for suffix, fmt in VOLUME_SUFFIXES.items() if name.endswith(suffix)), None)


def printable_path(path: Path | str) -> str:
    """``path`` as valid UTF-8 text: bytes that are not UTF-8 are shown as ``\\xe9`` escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def is_utf8_name(path: Path | str) -> bool:
    """Whether the path's bytes are valid UTF-8 (Python keeps other bytes as unencodable surrogates)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def take_inventory(root: Path, ignore_globs: list[str]) -> Inventory:
    """Every file under ``root`` (hidden files and folders skipped), in a stable order.

    Entries that cannot be read as files become rejections here, so that every name under ``root`` is
    either indexed, rejected with a reason or ignored by an ``ignore_globs`` pattern.
    """
    if root.is_file() and root.name.lower().endswith(ARCHIVE_SUFFIXES):
        raise NotADirectoryError(
            f"ingest.raw_dir '{root}' is an archive: unpack it (e.g. `unzip` or `tar -xf`) and point "
            "ingest.raw_dir at the folder it gives"
        )
    if not root.is_dir():
        raise FileNotFoundError(
            f"ingest.raw_dir '{root}' is not a directory: generate the embedded cohort "
            "(`make cohort` or `kedro run --pipelines=cohort`) or point ingest.raw_dir at your DICOM tree"
        )
    inventory = Inventory()
    patterns = [g.lower() for g in ignore_globs]
    linked: list[Path] = []
    for path in walk_files(root, onerror=_walk_error(inventory)):
        if path.is_symlink() and not _not_a_regular_file(path):
            linked.append(path)  # after the real files: a copy seen twice keeps the real path
        else:
            _sort_file(path, patterns, inventory)
    for path in linked:
        _sort_file(path, patterns, inventory)
    return inventory


def walk_files(root: Path, onerror: Callable[[OSError], None] | None = None) -> Iterator[Path]:
    """Every non-hidden name under ``root`` that is not a folder, in a stable order; linked folders are
    followed, each real folder once."""
    visited: set[tuple[int, int]] = set()
    for folder, dirs, files in os.walk(root, followlinks=True, onerror=onerror):
        identity = _identity(folder)
        if identity in visited:  # reached again through a link: its files are already listed
            dirs[:] = []
            continue
        visited.add(identity)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield from (Path(folder) / name for name in sorted(files) if not name.startswith("."))


def _sort_file(path: Path, patterns: list[str], inventory: Inventory) -> None:
    if not is_utf8_name(path):
        inventory.rejections.append(
            Rejection(
                printable_path(path),
                Reason.BAD_FILE_NAME,
                "the file or folder name is not valid UTF-8 (e.g. Latin-1 from an old archive); rename it, "
                "for instance with `convmv -f latin1 -t utf8 -r --notest <folder>`",
            )
        )
        return
    problem = _not_a_regular_file(path)
    if problem:
        inventory.rejections.append(Rejection(str(path), Reason.UNREADABLE_FILE, problem))
        return
    fmt = volume_format(path)
    if fmt is not None:
        inventory.volumes.append((path, fmt))
    elif _COMPRESSED_DICOM.search(path.name):
        inventory.rejections.append(
            Rejection(
                str(path),
                Reason.COMPRESSED_FILE,
                "a compressed DICOM file; decompress it (e.g. `gunzip -r <folder>`) to have it read",
            )
        )
    elif any(fnmatch.fnmatch(path.name.lower(), p) for p in patterns):
        inventory.ignored.append(path)
    else:
        inventory.dicom_candidates.append(path)


def _not_a_regular_file(path: Path) -> str | None:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return f"broken symbolic link (its target {os.readlink(path)!r} does not exist)"
    except OSError as exc:
        if path.is_symlink():
            return f"symbolic link that cannot be followed ({exc.strerror or exc}; a link loop?)"
        return f"cannot be examined: {exc.strerror or exc}"
    if not stat.S_ISREG(mode):
        kind = "named pipe" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"
        return f"not a regular file but a {kind}; reading it could block forever"
    return None


def _identity(folder: str) -> tuple[int, int]:
    try:
        info = os.stat(folder)
    except OSError:
        return (-1, hash(folder))
    return (info.st_dev, info.st_ino)


def _walk_error(inventory: Inventory):
    def record(error: OSError) -> None:
        where = printable_path(error.filename or "")
        inventory.rejections.append(
            Rejection(where, Reason.UNREADABLE_FILE, f"folder cannot be listed: {error.strerror or error}")
        )

    return record
