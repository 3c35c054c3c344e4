"""The embedded engine: one SQLite file in the data folder (WAL mode); nothing to install.

One writer at a time: the data folder's file lock (:mod:`aggregator.store.lock`) is the run
lock, whatever the scopes asked for. Saved values (programme copy, login session) are files
beside the database, readable by their owner only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import ClassVar

from aggregator.errors import StoreError
from aggregator.store.engine import Cursor, Engine, Params
from aggregator.store.lock import run_lock
from aggregator.store.migrations import MIGRATIONS
from aggregator.store.sql import SqlStore

DATABASE_NAME = "aggregator.sqlite3"

__all__ = ["DATABASE_NAME", "MIGRATIONS", "SqliteEngine", "Store"]


class SqliteEngine(Engine):
    name = "sqlite"
    snippets: ClassVar[dict[str, str]] = {
        "text": "TEXT",
        "blob": "BLOB",
        "row_id": "INTEGER PRIMARY KEY",
        "without_rowid": " WITHOUT ROWID",
        "json_url": "json_extract(data, '$.url')",
        "json_canonical_url": "json_extract(data, '$.canonical_url')",
        "float": "REAL",
        "json_rate_limited_until": "json_extract(extra, '$.rate_limited_until')",
        "extra_without_rate_limit": "json_remove(extra, '$.rate_limited_until')",
    }
    begin_sql = "BEGIN IMMEDIATE"  # take the write lock now, not halfway through

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / DATABASE_NAME
        super().__init__(str(self.path))
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{self.path}: cannot open the database: {exc}") from exc
        try:
            for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
                self._db.execute(f"PRAGMA {pragma}")
            self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as exc:
            self._db.close()
            raise self.error(exc, "cannot open the database") from exc

    def _run(self, sql: str, params: Params) -> Cursor:
        return self._db.execute(sql, params)

    def _run_many(self, sql: str, rows: Sequence[Params]) -> None:
        self._db.executemany(sql, rows)

    def _driver_errors(self) -> tuple[type[BaseException], ...]:
        return (sqlite3.Error,)

    def describe(self, exc: BaseException) -> tuple[str, bool]:
        code = getattr(exc, "sqlite_errorname", "")
        return (f"{exc} ({code})" if code else str(exc)), False

    def in_transaction(self) -> bool:
        return self._db.in_transaction

    def close(self) -> None:
        self._db.close()

    def schema_version(self) -> int:
        return int(self.execute("PRAGMA user_version").fetchone()[0])

    def record_version(self, version: int, description: str, now: str) -> None:
        self.execute(f"PRAGMA user_version = {int(version)}")  # part of the transaction

    def prepare_migration(self) -> None:
        """BEGIN IMMEDIATE already excludes every other writer."""

    def lock(self, scopes: Iterable[str]) -> AbstractContextManager[None]:
        return run_lock(self.data_dir)

    def holder_check(self) -> Callable[[str], bool]:
        """Nobody: the lock is the whole store's, so a run left 'running' while we hold it has died."""
        return lambda _who: False


class Store(SqlStore):
    """The embedded SQLite store in ``data_dir``."""

    def __init__(self, data_dir: Path) -> None:
        engine = SqliteEngine(data_dir)
        self.path = engine.path
        super().__init__(engine, legacy_folder=data_dir)
