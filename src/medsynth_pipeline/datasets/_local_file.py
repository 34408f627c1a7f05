"""Base for the project's file datasets: local paths, optional Kedro versioning.

SimpleITK and pydicom read and write local paths (``.mhd`` even writes a pair of files), so these datasets
work on the local filesystem only; fsspec would add nothing but a copy.
"""

from __future__ import annotations

import abc
import glob
import os
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from kedro.io.core import AbstractVersionedDataset, DatasetError, Version

_T = TypeVar("_T")


class LocalFileDataset(AbstractVersionedDataset[_T, _T]):
    """One file on the local disk, read and written by ``_read``/``_write`` of a subclass."""

    def __init__(
        self,
        *,
        filepath: str,
        load_args: dict[str, Any] | None = None,
        save_args: dict[str, Any] | None = None,
        version: Version | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self._load_args = dict(load_args or {})
        self._save_args = dict(save_args or {})
        self.metadata = metadata
        super().__init__(
            filepath=PurePosixPath(Path(filepath).as_posix()),
            version=version,
            exists_function=os.path.exists,
            glob_function=glob.glob,
        )

    @abc.abstractmethod
    def _read(self, path: Path) -> _T: ...

    @abc.abstractmethod
    def _write(self, data: _T, path: Path) -> None: ...

    def load(self) -> _T:
        path = Path(str(self._get_load_path()))
        try:
            return self._read(path)
        except DatasetError:
            raise
        except Exception as exc:  # the reader's own message, with the file named
            raise DatasetError(f"{type(self).__name__} could not read '{path}': {exc}") from exc

    def save(self, data: _T) -> None:
        path = Path(str(self._get_save_path()))
        path.parent.mkdir(parents=True, exist_ok=True)
        self._write(data, path)

    def _exists(self) -> bool:
        try:
            path = self._get_load_path()
        except DatasetError:
            return False
        return Path(str(path)).exists()

    def _describe(self) -> dict[str, Any]:
        return {
            "filepath": str(self._filepath),
            "load_args": self._load_args,
            "save_args": self._save_args,
            "version": self._version,
        }

    def _release(self) -> None:
        super()._release()

    def _invalidate_cache(self) -> None:
        self._version_cache.clear()
