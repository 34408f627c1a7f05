"""The answers database of a reader study: one SQLite file, written only by the app.

Each reader gets a random reader token and, per study image, a random image token; the tokens are all a
browser ever sees. The file remembers the fingerprint of the study it belongs to, so answers are never
scored against another study's key.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

ANSWER_COLUMNS = ["reader", "item_id", "position", "answered_real", "answered_lesion", "answered_at"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS readers (
    reader_id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, token TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS assignments (
    token TEXT PRIMARY KEY, reader_id INTEGER NOT NULL REFERENCES readers(reader_id),
    position INTEGER NOT NULL, item_id INTEGER NOT NULL, UNIQUE (reader_id, item_id), UNIQUE (reader_id, position)
);
CREATE TABLE IF NOT EXISTS answers (
    reader_id INTEGER NOT NULL REFERENCES readers(reader_id), item_id INTEGER NOT NULL,
    answered_real INTEGER NOT NULL, answered_lesion INTEGER NOT NULL, answered_at TEXT NOT NULL,
    PRIMARY KEY (reader_id, item_id)
);
"""


class StudyMismatchError(RuntimeError):
    """The answers database was made for a different study."""


class AnswerStore:
    """Readers, their randomised orders and their answers in ``path`` (created on first use)."""

    def __init__(self, path: str | Path, fingerprint: str, n_items: int) -> None:
        self.path = Path(path)
        self.n_items = n_items
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.executescript(_SCHEMA)
            row = con.execute("SELECT value FROM meta WHERE key = 'study_fingerprint'").fetchone()
            if row is None:
                con.execute("INSERT INTO meta VALUES ('study_fingerprint', ?)", (fingerprint,))
                con.execute("INSERT INTO meta VALUES ('n_items', ?)", (str(n_items),))
            elif row[0] != fingerprint:
                raise StudyMismatchError(
                    f"{self.path}: holds answers for study {row[0][:12]}…, not for this study "
                    f"{fingerprint[:12]}…; use a new answers file for a new study"
                )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=10)
        try:
            with con:  # commits, or rolls back on error
                yield con
        finally:
            con.close()

    def reader_token(self, name: str) -> str:
        """The token of reader ``name``; a new reader gets a fresh random order of all items."""
        name = name.strip()
        if not name or len(name) > 80:
            raise ValueError("reader name must be 1 to 80 characters")
        with self._connect() as con:
            row = con.execute("SELECT token FROM readers WHERE name = ?", (name,)).fetchone()
            if row:
                return row[0]
            token = secrets.token_urlsafe(18)
            cur = con.execute(
                "INSERT INTO readers (name, token, created_at) VALUES (?, ?, ?)",
                (name, token, datetime.now(UTC).isoformat(timespec="seconds")),
            )
            order = list(range(self.n_items))
            secrets.SystemRandom().shuffle(order)
            con.executemany(
                "INSERT INTO assignments VALUES (?, ?, ?, ?)",
                [(secrets.token_urlsafe(18), cur.lastrowid, pos, item) for pos, item in enumerate(order)],
            )
            return token

    def _reader_id(self, con: sqlite3.Connection, reader_token: str) -> int | None:
        row = con.execute("SELECT reader_id FROM readers WHERE token = ?", (reader_token,)).fetchone()
        return None if row is None else int(row[0])

    def next_item(self, reader_token: str) -> tuple[str, int, int] | None:
        """``(image token, answered so far, total)`` of the reader's next unanswered image, or None when done.

        Raises ``KeyError`` for an unknown reader token.
        """
        with self._connect() as con:
            reader_id = self._reader_id(con, reader_token)
            if reader_id is None:
                raise KeyError(reader_token)
            done = con.execute("SELECT COUNT(*) FROM answers WHERE reader_id = ?", (reader_id,)).fetchone()[0]
            row = con.execute(
                "SELECT a.token FROM assignments a LEFT JOIN answers x "
                "ON x.reader_id = a.reader_id AND x.item_id = a.item_id "
                "WHERE a.reader_id = ? AND x.item_id IS NULL ORDER BY a.position LIMIT 1",
                (reader_id,),
            ).fetchone()
            return None if row is None else (row[0], int(done), self.n_items)

    def item_for_token(self, image_token: str) -> int | None:
        """The study item behind an image token (None when the token is unknown)."""
        with self._connect() as con:
            row = con.execute("SELECT item_id FROM assignments WHERE token = ?", (image_token,)).fetchone()
            return None if row is None else int(row[0])

    def record(self, reader_token: str, image_token: str, answered_real: bool, answered_lesion: bool) -> None:
        """Stores one answer; the first answer to an image counts (a resubmitted form changes nothing)."""
        with self._connect() as con:
            reader_id = self._reader_id(con, reader_token)
            row = con.execute(
                "SELECT item_id FROM assignments WHERE token = ? AND reader_id = ?", (image_token, reader_id)
            ).fetchone()
            if reader_id is None or row is None:
                raise KeyError(image_token)
            con.execute(
                "INSERT OR IGNORE INTO answers VALUES (?, ?, ?, ?, ?)",
                (reader_id, row[0], int(answered_real), int(answered_lesion),
                 datetime.now(UTC).isoformat(timespec="seconds")),
            )


def load_answers(path: str | Path) -> tuple[pd.DataFrame, str]:
    """All answers of an answers database and the fingerprint of its study.

    Columns: ``reader, item_id, position, answered_real, answered_lesion, answered_at``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no reader-study answers yet (serve the app and let readers answer)")
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        fingerprint = con.execute("SELECT value FROM meta WHERE key = 'study_fingerprint'").fetchone()
        answers = pd.read_sql_query(
            "SELECT r.name AS reader, x.item_id, a.position, x.answered_real, x.answered_lesion, x.answered_at "
            "FROM answers x JOIN readers r USING (reader_id) "
            "JOIN assignments a ON a.reader_id = x.reader_id AND a.item_id = x.item_id "
            "ORDER BY r.name, a.position",
            con,
        )
    except sqlite3.DatabaseError as exc:
        raise ValueError(f"{path}: not a reader-study answers database ({exc})") from exc
    finally:
        con.close()
    if fingerprint is None:
        raise ValueError(f"{path}: not a reader-study answers database (no study fingerprint)")
    answers["answered_real"] = answers["answered_real"].astype(bool)
    answers["answered_lesion"] = answers["answered_lesion"].astype(bool)
    return answers[ANSWER_COLUMNS], fingerprint[0]
