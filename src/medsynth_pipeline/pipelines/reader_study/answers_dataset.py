"""The reader-study answers database (SQLite, written by the app) as a read-only Kedro dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from kedro.io.core import AbstractDataset, DatasetError

from medsynth_pipeline.reader_study.store import load_answers


class ReaderStudyAnswersDataset(AbstractDataset[None, pd.DataFrame]):
    """Loads every answer with its reader, plus a ``study_fingerprint`` column naming the study answered.

    Only the app writes answers; saving through Kedro is refused.
    """

    def __init__(self, *, filepath: str, metadata: dict[str, Any] | None = None) -> None:
        self._filepath = Path(filepath)
        self.metadata = metadata

    def load(self) -> pd.DataFrame:
        try:
            answers, fingerprint = load_answers(self._filepath)
        except (OSError, ValueError) as exc:
            raise DatasetError(str(exc)) from exc
        if answers.empty:
            raise DatasetError(f"{self._filepath}: no reader has answered yet (serve the app first)")
        return answers.assign(study_fingerprint=fingerprint)

    def save(self, data: None) -> None:
        raise DatasetError(f"{self._filepath}: reader-study answers are written by the app, not by a pipeline")

    def _exists(self) -> bool:
        return self._filepath.is_file()

    def _describe(self) -> dict[str, Any]:
        return {"filepath": str(self._filepath)}
