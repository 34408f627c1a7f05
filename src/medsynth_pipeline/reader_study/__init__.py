"""Visual Turing Test (seed 004, Sect. 3.4 and Table 2) for reader studies. No Kedro imports.

- ``study``: draw the blinded, shuffled image set and its key.
- ``render``: metadata-free PNGs, identical encoding for every image.
- ``store``: the SQLite answers database.
- ``app``: the Flask app readers use (``python -m medsynth_pipeline.reader_study``).
- ``results`` / ``figures``: Table 2 confusion matrices from the answers.
"""

from medsynth_pipeline.reader_study.results import table_markdown, visual_turing_table
from medsynth_pipeline.reader_study.store import AnswerStore, load_answers
from medsynth_pipeline.reader_study.study import StudyInputError, select_study_items, study_fingerprint

__all__ = [
    "AnswerStore",
    "StudyInputError",
    "load_answers",
    "select_study_items",
    "study_fingerprint",
    "table_markdown",
    "visual_turing_table",
]
