"""What the pipeline needs from a store, whatever the engine behind it (SQLite, PostgreSQL).

Code outside this package types its store as :class:`PostStore` and opens it with
:func:`aggregator.store.open_store`; new queries (health pages, a scheduler's status) are
added here first, then once in :class:`aggregator.store.sql.SqlStore`, which both engines share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from aggregator.collectors import SourceState
from aggregator.models import Post
from aggregator.saved_values import Blobs
from aggregator.store.health import Attempt, SourceHealth
from aggregator.store.identity import ConferenceIdentity

# Opted-out posts come back to life if the author opts in again; deleted ones never do.
REASON_DELETED = "deleted"
REASON_OPTED_OUT = "opted-out"


@dataclass(frozen=True)
class UpsertCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    tombstoned: int = 0


@runtime_checkable
class PostStore(Protocol):
    """Posts, their provenance and tombstones, per-source state and the run record."""

    @property
    def location(self) -> str:
        """Where the data is, for messages (a path, or a URL without its password)."""
        ...

    @property
    def schema_version(self) -> int: ...

    @property
    def blobs(self) -> Blobs: ...

    def lock(self, scopes: Iterable[str] = ()) -> AbstractContextManager[None]:
        """Hold ``scopes`` (source names; none: the whole store) for this process alone, or raise
        LockedError. SQLite has one writer per file and locks the whole data folder whatever the scopes."""
        ...

    def save_collected(
        self,
        source_name: str,
        source_type: str,
        posts: Iterable[Post],
        deleted: Iterable[str],
        state: SourceState,
        deleted_reason: str = REASON_DELETED,
        withheld: Iterable[str] = (),
    ) -> UpsertCounts: ...

    def tombstone(self, ids: Iterable[str], reason: str = REASON_DELETED) -> int: ...

    def posts(self, since: datetime | None = None, until: datetime | None = None) -> list[Post]: ...

    def post_ids(self, source_name: str | None = None) -> list[str]: ...

    def orphan_ids(self, service: str, owners: Iterable[str]) -> list[str]: ...

    def change_marker(self) -> str:
        """A digest that changes whenever anything a build reads from the store changes."""
        ...

    def count(self, include_deleted: bool = False) -> int: ...

    def start_run(self, kind: str) -> int: ...

    def finish_run(self, run_id: int, status: str, detail: dict[str, Any]) -> None: ...

    def last_runs(self, limit: int = 20) -> list[dict[str, Any]]: ...

    def state(self, source_name: str) -> SourceState: ...

    def record_failure(
        self,
        source_name: str,
        source_type: str,
        error: str,
        rate_limited_until: datetime | None = None,
        error_class: str = "",
    ) -> None: ...

    def record_attempt(self, attempt: Attempt) -> None: ...

    def attempts(self, source_name: str | None = None, limit: int = 50) -> list[Attempt]: ...

    def source_health(self) -> list[SourceHealth]:
        """Every source the store has state for (the remote programme as "programme" too), by name."""
        ...

    def meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str | None) -> None: ...

    def close_abandoned_runs(self) -> int: ...

    def processes_alive(self) -> Callable[[str], bool]:
        """Which processes ('host pid N') may still run, as far as this store can tell without a lock."""
        ...

    def conference(self) -> ConferenceIdentity | None: ...

    def claim_conference(self, wanted: ConferenceIdentity) -> None:
        """Record the conference the first time; raise ConferenceMismatch for another one after."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> PostStore: ...

    def __exit__(self, *exc_info: object) -> None: ...
