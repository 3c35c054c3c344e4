"""The store's logic and SQL, written once for every engine.

Every collect of a source is one transaction, so a crash leaves either the whole result or
none of it. Upserts are idempotent and keyed by the post's original id, so the same post
arriving twice (again, or from another source) is stored once with every provenance. Writes
use ``INSERT … ON CONFLICT`` and conditional ``UPDATE``s, never a read followed by a write, so
several collectors may write at once (PostgreSQL); a transaction that lost a race with another
one (a deadlock) is run again. Every statement a save runs per post is an index lookup
(tests/store/test_query_plans.py proves it on both engines).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self, TypeVar

from aggregator.clock import stored_moment
from aggregator.collectors import SourceState, progress_class
from aggregator.collectors.progress import CollectorProgress
from aggregator.errors import StoreError
from aggregator.models import Post, post_from_dict, post_to_dict
from aggregator.sanitize import well_formed
from aggregator.saved_values import Blobs, FileBlobs
from aggregator.store.engine import Engine
from aggregator.store.health import TROUBLED_SQL, Attempt, SourceHealth
from aggregator.store.holders import holder
from aggregator.store.identity import CONFERENCE_KEY, ConferenceIdentity, refuse_other
from aggregator.store.migrations import MIGRATIONS, migrate
from aggregator.store.protocol import REASON_DELETED, REASON_OPTED_OUT, PostStore, UpsertCounts

log = logging.getLogger(__name__)
T = TypeVar("T")
ATTEMPTS = 3  # a transaction that lost a race with a concurrent writer is run again this often

POST_COLUMNS = "source, author_id, created_at, data, content_hash, updated_at, url, canonical_url"
INSERT_POST = (
    f"INSERT INTO posts (id, {POST_COLUMNS}, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (id) DO NOTHING"
)
# Changed, or withheld (opted out) and now allowed again; a post deleted upstream never comes back.
UPDATE_CHANGED_POST = (
    "UPDATE posts SET source = ?, author_id = ?, created_at = ?, data = ?, content_hash = ?, updated_at = ?,"
    " url = ?, canonical_url = ?, deleted_at = NULL, deleted_reason = NULL"
    f" WHERE id = ? AND (deleted_reason IS NULL OR deleted_reason != '{REASON_DELETED}')"
    " AND (content_hash != ? OR deleted_reason IS NOT NULL)"
)
ADD_PROVENANCE = "INSERT INTO provenance (post_id, source_name) VALUES (?, ?) ON CONFLICT DO NOTHING"
FIND_ORIGINAL = (
    # A deleted original counts too: its copy (a bridge lagging behind) must not show it again.
    "SELECT id FROM posts WHERE (id = ? OR url = ?) AND id != ? AND duplicate_of IS NULL"
    " ORDER BY deleted_at IS NOT NULL LIMIT 1"
)
# `canonical_url != ''` lets the planner use the partial index for bound values (issue #13).
FIND_COPIES = (
    "SELECT id, canonical_url FROM posts WHERE canonical_url IN ({marks}) AND canonical_url != ''"
    " AND duplicate_of IS NULL ORDER BY id"
)
CHUNK = 500  # ids bound in one IN (...) query: well under every engine's limit on parameters
MARK_COPY = "UPDATE posts SET duplicate_of = ? WHERE id = ? AND (duplicate_of IS NULL OR duplicate_of != ?)"
LEND_PROVENANCE = (
    "INSERT INTO provenance (post_id, source_name) SELECT ?, source_name FROM provenance WHERE post_id = ?"
    " ON CONFLICT DO NOTHING"
)
TOMBSTONE = (
    "UPDATE posts SET data = NULL, content_hash = '', deleted_at = ?, deleted_reason = ?"
    " WHERE id = ? AND deleted_at IS NULL"
)
INSERT_TOMBSTONE = (
    "INSERT INTO posts (id, source, author_id, created_at, first_seen, updated_at, deleted_at, deleted_reason)"
    " VALUES (?, '', '', '', ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"
)
LIVE = "deleted_at IS NULL AND duplicate_of IS NULL"
LIVE_P = "p.deleted_at IS NULL AND p.duplicate_of IS NULL"
RUN_COLUMNS = ("id", "kind", "started_at", "finished_at", "status", "detail")
WRITE_STATE = (
    "INSERT INTO source_state (name, type, etag, last_modified, cursor, last_success, last_attempt,"
    " last_error, extra, rate_limited_until) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?)"
    " ON CONFLICT (name) DO UPDATE SET type = excluded.type, etag = excluded.etag,"
    " last_modified = excluded.last_modified, cursor = excluded.cursor,"
    " last_success = excluded.last_success, last_attempt = excluded.last_attempt,"
    " last_error = '', error_class = '', failing_since = NULL, extra = excluded.extra,"
    " rate_limited_until = excluded.rate_limited_until"
)
# failing_since stays at the first failure after the last success
RECORD_FAILURE = (
    "INSERT INTO source_state (name, type, last_attempt, last_error, error_class, failing_since, rate_limited_until)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (name) DO UPDATE SET last_attempt = excluded.last_attempt, last_error = excluded.last_error,"
    " error_class = excluded.error_class, rate_limited_until = excluded.rate_limited_until,"
    " failing_since = coalesce(source_state.failing_since, excluded.failing_since)"
)
ATTEMPT_COLUMNS = (
    "run_id, source, started_at, finished_at, outcome, error_class, message, http_status, new, updated, removed, seconds"
)
HEALTH_QUERY = (
    "SELECT s.name, s.type, s.last_success, s.last_attempt, s.last_error, s.error_class, s.failing_since,"
    " s.rate_limited_until,"
    " (SELECT COUNT(*) FROM provenance v JOIN posts p ON p.id = v.post_id WHERE v.source_name = s.name AND {live}),"
    " coalesce((SELECT a.outcome FROM attempts a WHERE a.source = s.name ORDER BY a.id DESC LIMIT 1), '')"
    " FROM source_state s ORDER BY s.name"
)
# Every write of posts counts itself here, in its own transaction: timestamps have whole seconds,
# and collectors on several machines have several clocks, so max(updated_at) alone can miss one.
POST_WRITES = "post_writes"
COUNT_POST_WRITE = (
    "INSERT INTO meta (key, value, updated_at) VALUES (?, '1', ?) ON CONFLICT (key)"
    " DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT), updated_at = excluded.updated_at"
)
# What a change to the posts, their provenance or the sources' health as the site shows it moves
# (see change_marker). Not a source's cursor, validators or the time of each successful read: a
# collect that finds nothing new must leave the site as it is (the site shows when a source last
# worked only while it fails; `aggregator status` shows every read).
CHANGE_MARKER_QUERIES = (
    f"SELECT value FROM meta WHERE key = '{POST_WRITES}'",
    "SELECT COUNT(*), MAX(updated_at), COUNT(deleted_at), MAX(deleted_at), COUNT(duplicate_of) FROM posts",
    "SELECT COUNT(*) FROM provenance",
    "SELECT name, type, last_success IS NULL,"
    f" CASE WHEN {TROUBLED_SQL} THEN last_success END,"
    " last_error, error_class, failing_since, rate_limited_until FROM source_state ORDER BY name",
)
RUNNING = "running"
ABANDONED = "abandoned"


@dataclass(frozen=True)
class _Row:
    """A post as the posts table holds it."""

    id: str
    source: str
    author_id: str
    created_at: str
    payload: str
    digest: str
    url: str
    canonical_url: str

    @classmethod
    def of(cls, post: Post) -> _Row:
        data = post_to_dict(post)
        data["source_names"] = []  # provenance lives in its own table
        payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
        if well_formed(payload) != payload:  # lone surrogates (JSON allows them) cannot be stored
            data = _map_strings(data)
            payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
        return cls(
            id=data["id"],
            source=post.source,
            author_id=data["author"]["id"],
            created_at=_iso(post.created_at),
            payload=payload,
            digest=hashlib.sha256(payload.encode()).hexdigest(),
            url=data["url"],
            canonical_url=data["canonical_url"],
        )

    def values(self, now: str) -> tuple[str, ...]:
        """In the order of POST_COLUMNS."""
        return (self.source, self.author_id, self.created_at, self.payload, self.digest, now, self.url,
                self.canonical_url)  # fmt: skip


class SqlStore(PostStore):
    """A :class:`PostStore` on any :class:`Engine`; the schema is brought up to date on opening."""

    def __init__(self, engine: Engine, legacy_folder: Path | None = None) -> None:
        self._engine = engine
        self._legacy_folder = legacy_folder  # where earlier versions kept saved values as files
        try:
            migrate(engine)
        except BaseException:
            engine.close()
            raise

    @property
    def location(self) -> str:
        return self._engine.location

    @property
    def schema_version(self) -> int:
        return self._engine.schema_version()

    @property
    def known_schema_version(self) -> int:
        return len(MIGRATIONS)

    @property
    def blobs(self) -> Blobs:
        return TableBlobs(self._engine, self._legacy_folder)

    def lock(self, scopes: Iterable[str] = ()) -> AbstractContextManager[None]:
        return self._engine.lock(scopes)

    def close(self) -> None:
        self._engine.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _write(self, work: Callable[[], T]) -> T:
        """Run ``work`` in one transaction, again when it lost a race with a concurrent writer."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self._engine.transaction():
                    return work()
            except StoreError as exc:
                if not exc.retryable or attempt == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    # --- posts -------------------------------------------------------------------------

    def save_collected(
        self,
        source_name: str,
        source_type: str,
        posts: Iterable[Post],
        deleted: Iterable[str],
        state: SourceState,
        deleted_reason: str = REASON_DELETED,
        withheld: Iterable[str] = (),
    ) -> UpsertCounts:
        """Store one source's result and its new state in a single transaction.

        ``withheld`` (a part of ``deleted``) are tombstoned as opted out: they may come back.
        """
        rows = sorted({row.id: row for row in map(_Row.of, posts)}.values(), key=lambda row: row.id)  # one lock order
        opted_out = sorted({well_formed(i) for i in withheld})
        gone = sorted({i for i in map(well_formed, deleted) if i not in opted_out})

        def work() -> UpsertCounts:
            now = _now()
            plan = _UpsertPlan.of(rows, self._stored_versions([row.id for row in rows]))
            self._engine.execute_many(INSERT_POST, [(row.id, *row.values(now), now) for row in plan.new])
            self._engine.execute_many(UPDATE_CHANGED_POST, [(*row.values(now), row.id, row.digest) for row in plan.changed])
            self._engine.execute_many(ADD_PROVENANCE, [(row.id, source_name) for row in plan.kept])
            linked = self._link_copies(plan.kept)
            tombstoned = self._tombstone(gone, deleted_reason, now) + self._tombstone(opted_out, REASON_OPTED_OUT, now)
            self._write_state(source_name, source_type, state, now)
            if plan.new or plan.changed or linked or tombstoned:  # a read that changed nothing leaves the marker
                self._engine.execute(COUNT_POST_WRITE, (POST_WRITES, now))  # last: its row lock is held until commit
            return UpsertCounts(
                new=len(plan.new), updated=len(plan.changed), unchanged=plan.unchanged, tombstoned=tombstoned
            )

        return self._write(work)

    def _stored_versions(self, ids: Sequence[str]) -> dict[str, tuple[str, str | None]]:
        """Post id → (content hash, deleted reason) of those of ``ids`` already stored."""
        found: dict[str, tuple[str, str | None]] = {}
        for chunk in _chunks(ids):
            query = f"SELECT id, content_hash, deleted_reason FROM posts WHERE id IN ({_marks(len(chunk))})"
            found.update((row[0], (row[1], row[2])) for row in self._engine.execute(query, chunk))
        return found

    def _link_copies(self, rows: Sequence[_Row]) -> int:
        """Store a post and its copies once: a copy points at its original and lends it its provenance.
        Returns how many copies were newly pointed at an original."""
        copies_by_address = self._copies_pointing_at([a for row in rows for a in (row.id, row.url) if a])
        marked: set[str] = set()
        linked = 0
        for row in rows:
            if row.canonical_url and row.id not in marked:
                original = self._engine.execute(FIND_ORIGINAL, (row.canonical_url, row.canonical_url, row.id)).fetchone()
                if original:
                    linked += self._mark_copy(row.id, original[0])
                    marked.add(row.id)
            for address in dict.fromkeys(a for a in (row.id, row.url) if a):
                for copy in copies_by_address.get(address, ()):
                    if copy != row.id and copy not in marked:
                        linked += self._mark_copy(copy, row.id)
                        marked.add(copy)
        return linked

    def _copies_pointing_at(self, addresses: Sequence[str]) -> dict[str, list[str]]:
        """Address → the ids of uncounted copies whose canonical_url is that address."""
        copies: dict[str, list[str]] = {}
        for chunk in _chunks(sorted(set(addresses))):
            for copy, address in self._engine.execute(FIND_COPIES.format(marks=_marks(len(chunk))), chunk):
                copies.setdefault(address, []).append(copy)
        return copies

    def _mark_copy(self, copy: str, original: str) -> int:
        changed = int(self._engine.execute(MARK_COPY, (original, copy, original)).rowcount)
        self._engine.execute(LEND_PROVENANCE, (original, copy))
        return changed

    def _tombstone(self, ids: Iterable[str], reason: str, now: str) -> int:
        """Forget a post's content but remember that it is gone, so it never comes back by accident."""
        count = 0
        for post_id in ids:
            changed = self._engine.execute(TOMBSTONE, (now, reason, post_id)).rowcount
            if changed == 0:
                self._engine.execute(INSERT_TOMBSTONE, (post_id, now, now, now, reason))
            count += changed
        return count

    def tombstone(self, ids: Iterable[str], reason: str = REASON_DELETED) -> int:
        chosen = sorted(set(ids))
        def work() -> int:
            now = _now()
            count = self._tombstone(chosen, reason, now)
            self._engine.execute(COUNT_POST_WRITE, (POST_WRITES, now))
            return count

        return self._write(work)

    def posts(self, since: datetime | None = None, until: datetime | None = None) -> list[Post]:
        """Every live post (tombstones excluded), oldest first, with its provenance filled in."""
        query = f"SELECT id, data FROM posts WHERE {LIVE}"
        args: list[Any] = []
        if since is not None:
            query += " AND created_at >= ?"
            args.append(_iso(since))
        if until is not None:
            query += " AND created_at <= ?"
            args.append(_iso(until))
        with self._engine.snapshot():
            provenance = self._provenance()
            rows = self._engine.execute(query + " ORDER BY created_at, id", args).fetchall()
        posts = []
        for post_id, payload in rows:
            data = json.loads(payload)
            data["source_names"] = provenance.get(post_id, [])
            posts.append(post_from_dict(data))
        return posts

    def _provenance(self) -> dict[str, list[str]]:
        names: dict[str, list[str]] = {}
        for post_id, source_name in self._engine.execute("SELECT post_id, source_name FROM provenance ORDER BY 2"):
            names.setdefault(post_id, []).append(source_name)
        return names

    def post_ids(self, source_name: str | None = None) -> list[str]:
        if source_name is None:
            rows = self._engine.execute(f"SELECT id FROM posts WHERE {LIVE} ORDER BY created_at, id")
        else:
            rows = self._engine.execute(
                "SELECT p.id FROM posts p JOIN provenance v ON v.post_id = p.id"
                " WHERE v.source_name = ? AND p.deleted_at IS NULL ORDER BY p.created_at, p.id",
                (source_name,),
            )
        return [row[0] for row in rows]

    def orphan_ids(self, service: str, owners: Iterable[str]) -> list[str]:
        """Live posts from ``service`` (a Post.source, e.g. 'bluesky') that none of the ``owners``
        (source names) collected: their own sources were removed from the configuration."""
        names = list(owners)
        owned = f"v.source_name IN ({_marks(len(names))})" if names else "1 = 0"
        rows = self._engine.execute(
            "SELECT p.id FROM posts p WHERE p.source = ? AND p.deleted_at IS NULL AND NOT EXISTS"
            f" (SELECT 1 FROM provenance v WHERE v.post_id = p.id AND {owned}) ORDER BY p.created_at, p.id",
            (service, *names),
        )
        return [row[0] for row in rows]

    def change_marker(self) -> str:
        """A digest that moves whenever a post is added, changed, deleted, opted out or marked a copy,
        gains a source, or a source starts or stops failing (or fails otherwise): the count of post
        writes and a few aggregates (no post is read). A successful read that brings nothing new
        leaves it as it is."""
        digest = hashlib.sha256()
        with self._engine.snapshot():
            for query in CHANGE_MARKER_QUERIES:
                digest.update(repr([tuple(row) for row in self._engine.execute(query).fetchall()]).encode())
        return digest.hexdigest()

    def count(self, include_deleted: bool = False) -> int:
        where = "" if include_deleted else f" WHERE {LIVE}"
        return int(self._engine.execute("SELECT COUNT(*) FROM posts" + where).fetchone()[0])

    # --- runs (for logs now, health pages later) ---------------------------------------

    def start_run(self, kind: str) -> int:
        def work() -> int:
            cursor = self._engine.execute(
                "INSERT INTO runs (kind, started_at, holder) VALUES (?, ?, ?) RETURNING id", (kind, _now(), holder())
            )
            return int(cursor.fetchall()[0][0])

        return self._write(work)

    def finish_run(self, run_id: int, status: str, detail: dict[str, Any]) -> None:
        text = json.dumps(detail, sort_keys=True, default=str)
        self._write(
            lambda: self._engine.execute(
                "UPDATE runs SET finished_at = ?, status = ?, detail = ? WHERE id = ?", (_now(), status, text, run_id)
            )
        )

    def last_runs(self, limit: int = 20) -> list[dict[str, Any]]:
        cursor = self._engine.execute(f"SELECT {', '.join(RUN_COLUMNS)} FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        return [dict(zip(RUN_COLUMNS, row, strict=True)) for row in cursor]

    # --- source state ----------------------------------------------------------------

    def state(self, source_name: str) -> SourceState:
        row = self._engine.execute(
            "SELECT etag, last_modified, cursor, last_success, last_error, extra, type, rate_limited_until"
            " FROM source_state WHERE name = ?",
            (source_name,),
        ).fetchone()
        if row is None:
            return SourceState()
        saved = json.loads(row[5])
        return SourceState(
            etag=row[0],
            last_modified=row[1],
            cursor=row[2],
            last_success=stored_moment(row[3]),
            last_error=row[4],
            rate_limited_until=stored_moment(row[7]),
            progress=_progress(row[6], saved),
        )

    def record_failure(
        self,
        source_name: str,
        source_type: str,
        error: str,
        rate_limited_until: datetime | None = None,
        error_class: str = "",
    ) -> None:
        """Note a failed read; ``rate_limited_until`` when a server asked us to wait."""
        now = _now()
        until = _iso(rate_limited_until) if rate_limited_until is not None else None
        values = (source_name, source_type, now, error, error_class, now, until)
        self._write(lambda: self._engine.execute(RECORD_FAILURE, values))

    def _write_state(self, name: str, source_type: str, state: SourceState, now: str) -> None:
        extra = json.dumps(_extra_json(state), sort_keys=True, default=str)
        until = _iso(state.rate_limited_until) if state.rate_limited_until is not None else None
        self._engine.execute(
            WRITE_STATE, (name, source_type, state.etag, state.last_modified, state.cursor, now, now, extra, until)
        )

    # --- health, meta values, the conference -----------------------------------------

    def record_attempt(self, attempt: Attempt) -> None:
        values = (
            attempt.run_id, attempt.source, _iso(attempt.started), _iso(attempt.finished), attempt.outcome,
            attempt.error_class, attempt.message, attempt.http_status, attempt.new, attempt.updated,
            attempt.removed, attempt.seconds,
        )  # fmt: skip
        sql = f"INSERT INTO attempts ({ATTEMPT_COLUMNS}) VALUES ({_marks(len(values))})"
        self._write(lambda: self._engine.execute(sql, values))

    def attempts(self, source_name: str | None = None, limit: int = 50) -> list[Attempt]:
        """The latest attempts, newest first (of one source, or of all)."""
        where, args = ("WHERE source = ?", [source_name]) if source_name is not None else ("", [])
        rows = self._engine.execute(
            f"SELECT {ATTEMPT_COLUMNS} FROM attempts {where} ORDER BY id DESC LIMIT ?", (*args, limit)
        ).fetchall()
        return [_attempt(row) for row in rows]

    def source_health(self) -> list[SourceHealth]:
        rows = self._engine.execute(HEALTH_QUERY.format(live=LIVE_P)).fetchall()
        return [
            SourceHealth(
                name=row[0], type=row[1], last_success=stored_moment(row[2]), last_attempt=stored_moment(row[3]),
                last_error=row[4], error_class=row[5], failing_since=stored_moment(row[6]),
                rate_limited_until=stored_moment(row[7]), posts=int(row[8]), last_outcome=row[9],
            )  # fmt: skip
            for row in rows
        ]

    def meta(self, key: str) -> str | None:
        row = self._engine.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str | None) -> None:
        """Keep ``value`` under ``key``; None forgets it."""
        if value is None:
            self._write(lambda: self._engine.execute("DELETE FROM meta WHERE key = ?", (key,)))
            return
        self._write(
            lambda: self._engine.execute(
                "INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                (key, value, _now()),
            )
        )

    def close_abandoned_runs(self) -> int:
        """Mark 'abandoned' the runs left 'running' by a process that died (killed, power cut).
        Call it holding the lock: with SQLite every such run is dead; on PostgreSQL, those whose
        process (on any machine) no longer has a connection to the database."""
        rows = self._engine.execute("SELECT id, holder FROM runs WHERE status = ?", (RUNNING,)).fetchall()
        alive = self._engine.holder_check()
        dead = [run_id for run_id, who in rows if not alive(who)]
        if dead:
            rows_now = [(ABANDONED, _now(), run_id, RUNNING) for run_id in dead]
            sql = "UPDATE runs SET status = ?, finished_at = ? WHERE id = ? AND status = ?"
            self._write(lambda: self._engine.execute_many(sql, rows_now))
        return len(dead)

    def processes_alive(self) -> Callable[[str], bool]:
        return self._engine.processes_alive()

    def conference(self) -> ConferenceIdentity | None:
        value = self.meta(CONFERENCE_KEY)
        return ConferenceIdentity.from_json(value) if value else None

    def claim_conference(self, wanted: ConferenceIdentity) -> None:
        """Record ``wanted`` as this store's conference the first time; refuse another one after."""
        recorded = self.conference()
        if recorded is not None:
            refuse_other(recorded, wanted, self.location)
        if recorded != wanted:
            self.set_meta(CONFERENCE_KEY, wanted.to_json())


class TableBlobs:
    """Saved values in the ``blobs`` table; a value an earlier version left as a file in
    ``legacy_folder`` is imported on its first read, then the file is removed."""

    def __init__(self, engine: Engine, legacy_folder: Path | None = None) -> None:
        self._engine = engine
        self._legacy = FileBlobs(legacy_folder) if legacy_folder is not None else None

    def load(self, key: str) -> bytes | None:
        row = self._engine.execute("SELECT value FROM blobs WHERE key = ?", (key,)).fetchone()
        return bytes(row[0]) if row is not None else self._imported(key)

    def save(self, key: str, value: bytes) -> None:
        with self._engine.transaction():
            self._engine.execute(
                "INSERT INTO blobs (key, value, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                (key, value, _now()),
            )

    def forget(self, key: str) -> None:
        with self._engine.transaction():
            self._engine.execute("DELETE FROM blobs WHERE key = ?", (key,))
        if self._legacy is not None:
            self._legacy.forget(key)

    def saved_at(self, key: str) -> datetime | None:
        row = self._engine.execute("SELECT updated_at FROM blobs WHERE key = ?", (key,)).fetchone()
        if row is None and self._imported(key) is not None:
            return self.saved_at(key)
        return datetime.fromisoformat(row[0]) if row is not None else None

    def where(self, key: str) -> str:
        return f"{self._engine.location} (saved value {key!r})"

    def _imported(self, key: str) -> bytes | None:
        value = self._legacy.load(key) if self._legacy is not None else None
        if value is None or self._legacy is None:
            return None
        self.save(key, value)
        log.info("%s imported into %s and removed", self._legacy.where(key), self.where(key))
        self._legacy.forget(key)
        return value


@dataclass(frozen=True)
class _UpsertPlan:
    """What one source's rows do to the posts table, decided from what it holds already."""

    new: tuple[_Row, ...]
    changed: tuple[_Row, ...]  # content changed, or withheld and now allowed again
    kept: tuple[_Row, ...]  # every row but those deleted upstream: they get provenance
    unchanged: int

    @classmethod
    def of(cls, rows: Sequence[_Row], stored: dict[str, tuple[str, str | None]]) -> _UpsertPlan:
        new = tuple(row for row in rows if row.id not in stored)
        deleted_upstream = {i for i, (_, reason) in stored.items() if reason == REASON_DELETED}
        changed = tuple(
            row for row in rows
            if row.id in stored and row.id not in deleted_upstream
            and (stored[row.id][0] != row.digest or stored[row.id][1] is not None)
        )  # fmt: skip
        kept = tuple(row for row in rows if row.id not in deleted_upstream)
        return cls(new, changed, kept, unchanged=len(rows) - len(new) - len(changed))


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _marks(count: int) -> str:
    return ", ".join("?" * count)


def _map_strings(value: Any) -> Any:
    if isinstance(value, str):
        return well_formed(value)
    if isinstance(value, dict):
        return {key: _map_strings(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_map_strings(item) for item in value)
    return value


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(moment: datetime) -> str:
    """UTC ISO text: sorts chronologically as a string."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _attempt(row: Any) -> Attempt:
    return Attempt(
        run_id=row[0], source=row[1], started=_required_moment(row[2]), finished=_required_moment(row[3]),
        outcome=row[4], error_class=row[5], message=row[6], http_status=row[7], new=row[8], updated=row[9],
        removed=row[10],
    )  # fmt: skip


def _required_moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


# SourceState's typed progress is kept in the ``extra`` JSON column under this key
PROGRESS = "progress"


def _extra_json(state: SourceState) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if state.progress is not None:
        extra[PROGRESS] = state.progress.to_json()
    return extra


def _progress(source_type: str, saved: dict[str, Any]) -> CollectorProgress | None:
    """The typed progress of a row; rows written before it was typed kept its keys at the top."""
    kind = progress_class(source_type)
    raw = saved.get(PROGRESS, saved)
    return kind.from_json(raw) if kind is not None and isinstance(raw, dict) else None

