"""What differs between database engines, behind one small interface.

The store's SQL is written once, portably, with ``?`` placeholders (:mod:`aggregator.store.sql`);
an :class:`Engine` runs it on its driver, translating what must be translated, and turns every
driver error into a :class:`~aggregator.errors.StoreError` that names the real cause.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, ClassVar, Protocol

from aggregator.errors import StoreError
from aggregator.store.holders import holder_alive

log = logging.getLogger(__name__)

Params = Sequence[Any]


class Cursor(Protocol):
    """The part of a DB-API cursor the store uses (sqlite3 and psycopg both provide it)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Engine(ABC):
    """One open connection to one database."""

    name: ClassVar[str]
    # DDL that differs between engines, substituted into the migrations' {placeholders}
    snippets: ClassVar[Mapping[str, str]]
    begin_sql: ClassVar[str] = "BEGIN"
    snapshot_sql: ClassVar[str] = "BEGIN"  # a read-only transaction: one consistent view, no write lock

    def __init__(self, location: str) -> None:
        self.location = location

    def processes_alive(self) -> Callable[[str], bool]:
        """Which processes ('host pid N') may still run, asked without any lock: by default this
        machine's live ones, and any other machine's (nothing here can tell)."""
        return holder_alive

    def holder_check(self) -> Callable[[str], bool]:
        """Which recorded run holders may still be running, asked while holding the run's lock."""
        return self.processes_alive()

    # --- to implement ------------------------------------------------------------------

    @abstractmethod
    def _run(self, sql: str, params: Params) -> Cursor:
        """Run one statement on the driver (errors are the driver's own)."""

    @abstractmethod
    def _run_many(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement once per row of parameters, in as few round trips as the driver can."""

    @abstractmethod
    def _driver_errors(self) -> tuple[type[BaseException], ...]: ...

    @abstractmethod
    def describe(self, exc: BaseException) -> tuple[str, bool]:
        """A driver error as (what happened, whether running the transaction again may succeed)."""

    @abstractmethod
    def in_transaction(self) -> bool: ...

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def schema_version(self) -> int: ...

    @abstractmethod
    def record_version(self, version: int, description: str, now: str) -> None:
        """Inside the migration's transaction: the schema is now ``version``."""

    @abstractmethod
    def prepare_migration(self) -> None:
        """Inside a migration's transaction, before reading the version: exclude other migrators."""

    @abstractmethod
    def lock(self, scopes: Iterable[str]) -> AbstractContextManager[None]: ...

    # --- shared ------------------------------------------------------------------------

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        try:
            return self._run(sql, params)
        except self._driver_errors() as exc:
            raise self.error(exc) from exc

    def execute_many(self, sql: str, rows: Sequence[Params]) -> None:
        if not rows:
            return
        try:
            self._run_many(sql, rows)
        except self._driver_errors() as exc:
            raise self.error(exc) from exc

    def error(self, exc: BaseException, doing: str = "") -> StoreError:
        reason, retryable = self.describe(exc)
        prefix = f"{self.location}: {doing}: " if doing else f"{self.location}: "
        return StoreError(prefix + reason, retryable=retryable)

    def transaction(self) -> AbstractContextManager[None]:
        """All or nothing. The error that broke the transaction is the one raised, even when the
        engine already rolled back by itself (SQLite does on a full disk)."""
        return self._transaction(self.begin_sql)

    def snapshot(self) -> AbstractContextManager[None]:
        """Several reads that see the same state of the database, while collectors write."""
        return self._transaction(self.snapshot_sql)

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[None]:
        self.execute(begin)
        try:
            yield
        except BaseException:
            self._rollback()
            raise
        try:
            self._run("COMMIT", ())
        except self._driver_errors() as exc:
            self._rollback()
            raise self.error(exc, "cannot commit") from exc

    def _rollback(self) -> None:
        if not self.in_transaction():
            return
        try:
            self._run("ROLLBACK", ())
        except self._driver_errors() as exc:  # the error being raised is the one that matters
            log.warning("%s: rollback failed too: %s", self.location, self.describe(exc)[0])
