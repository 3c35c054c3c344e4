"""The embedded SQLite store: posts, their provenance, tombstones and per-source state.

One file in the data folder (WAL mode). Every collect of a source is one transaction,
so a crash leaves either the whole result or none of it. Upserts are idempotent and
keyed by the post's original id, so the same post arriving twice (again, or from
another source) is stored once with every provenance.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aggregator.collectors import SourceState
from aggregator.errors import StoreError
from aggregator.models import Post, post_from_dict, post_to_dict
from aggregator.sanitize import well_formed

DATABASE_NAME = "aggregator.sqlite3"

# Each entry moves the schema one version up; never edit a released one, append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE posts (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        author_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        data TEXT,
        content_hash TEXT NOT NULL DEFAULT '',
        first_seen TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT,
        deleted_reason TEXT
    );
    CREATE INDEX posts_created_at ON posts (created_at);
    CREATE INDEX posts_author ON posts (author_id);
    CREATE TABLE provenance (
        post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
        source_name TEXT NOT NULL,
        PRIMARY KEY (post_id, source_name)
    ) WITHOUT ROWID;
    CREATE INDEX provenance_source ON provenance (source_name);
    CREATE TABLE source_state (
        name TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        etag TEXT NOT NULL DEFAULT '',
        last_modified TEXT NOT NULL DEFAULT '',
        cursor TEXT NOT NULL DEFAULT '',
        last_success TEXT,
        last_attempt TEXT,
        last_error TEXT NOT NULL DEFAULT '',
        extra TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL DEFAULT 'running',
        detail TEXT NOT NULL DEFAULT '{}'
    );
    """,
    # 2: copies of a post (a bridged Bluesky copy of a Mastodon or blog post) point at their original.
    """
    ALTER TABLE posts ADD COLUMN url TEXT NOT NULL DEFAULT '';
    ALTER TABLE posts ADD COLUMN canonical_url TEXT NOT NULL DEFAULT '';
    ALTER TABLE posts ADD COLUMN duplicate_of TEXT;
    UPDATE posts SET url = coalesce(json_extract(data, '$.url'), ''),
        canonical_url = coalesce(json_extract(data, '$.canonical_url'), '') WHERE data IS NOT NULL;
    CREATE INDEX posts_url ON posts (url);
    CREATE INDEX posts_canonical_url ON posts (canonical_url) WHERE canonical_url != '';
    """,
)

# Opted-out posts come back to life if the author opts in again; deleted ones never do.
RATE_LIMITED_UNTIL = "rate_limited_until"  # SourceState.rate_limited_until, kept in the extra JSON
REASON_DELETED = "deleted"
REASON_OPTED_OUT = "opted-out"


@dataclass(frozen=True)
class UpsertCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    tombstoned: int = 0


class Store:
    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / DATABASE_NAME
        try:
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the database: {exc}") from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self.schema_version
        if current > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: made by a newer version of this tool (schema {current}, this one knows "
                f"{len(MIGRATIONS)}); upgrade the tool or point data_dir elsewhere"
            )
        for version in range(current, len(MIGRATIONS)):
            with self.transaction():
                for statement in _statements(MIGRATIONS[version]):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {version + 1}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction. A database error (disk full, read-only folder...) is a StoreError naming
        its real cause: SQLite may already have rolled back, so a failing ROLLBACK must not hide it."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._rollback()
                raise
            self._db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback()
            raise StoreError(f"{self.path}: cannot write to the database: {exc}") from exc

    def _rollback(self) -> None:
        if self._db.in_transaction:
            with suppress(sqlite3.Error):  # the error being raised says more than a failed rollback
                self._db.execute("ROLLBACK")

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
        counts = {"new": 0, "updated": 0, "unchanged": 0, "tombstoned": 0}
        now = _now()
        opted_out = {well_formed(i) for i in withheld}
        gone = [i for i in map(well_formed, deleted) if i not in opted_out]
        with self.transaction() as db:
            for post in posts:
                counts[self._upsert(db, post, source_name, now)] += 1
            counts["tombstoned"] = self._tombstone(db, gone, deleted_reason, now)
            counts["tombstoned"] += self._tombstone(db, opted_out, REASON_OPTED_OUT, now)
            self._write_state(db, source_name, source_type, state, now)
        return UpsertCounts(**counts)

    def _upsert(self, db: sqlite3.Connection, post: Post, source_name: str, now: str) -> str:
        data = _map_strings(post_to_dict(post))  # lone surrogates (JSON allows them) cannot be stored
        data["source_names"] = []  # provenance lives in its own table
        payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
        digest = hashlib.sha256(payload.encode()).hexdigest()
        post_id, url, canonical_url, author_id = data["id"], data["url"], data["canonical_url"], data["author"]["id"]
        row = db.execute("SELECT content_hash, deleted_reason FROM posts WHERE id = ?", (post_id,)).fetchone()
        if row is None:
            outcome = "new"
            db.execute(
                "INSERT INTO posts (id, source, author_id, created_at, data, content_hash, first_seen, updated_at,"
                " url, canonical_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (post_id, post.source, author_id, _iso(post.created_at), payload, digest, now, now, url, canonical_url),
            )  # fmt: skip
        elif row[1] == REASON_DELETED:
            return "unchanged"  # deleted upstream: a stale copy elsewhere must not resurrect it
        elif row[0] == digest and row[1] is None:
            outcome = "unchanged"
        else:
            outcome = "updated"
            db.execute(
                "UPDATE posts SET source = ?, author_id = ?, created_at = ?, data = ?, content_hash = ?,"
                " updated_at = ?, url = ?, canonical_url = ?, deleted_at = NULL, deleted_reason = NULL WHERE id = ?",
                (post.source, author_id, _iso(post.created_at), payload, digest, now, url, canonical_url, post_id),
            )  # fmt: skip
        db.execute("INSERT OR IGNORE INTO provenance (post_id, source_name) VALUES (?, ?)", (post_id, source_name))
        self._link_copies(db, post_id, url, canonical_url)
        return outcome

    def _link_copies(self, db: sqlite3.Connection, post_id: str, url: str, canonical_url: str) -> None:
        """Store a post and its copies once: a copy points at its original and lends it its provenance."""
        if canonical_url:
            # A deleted original counts too: its copy (a bridge lagging behind) must not show it again.
            original = db.execute(
                "SELECT id FROM posts WHERE (id = ? OR url = ?) AND id != ? AND duplicate_of IS NULL"
                " ORDER BY deleted_at IS NOT NULL LIMIT 1",
                (canonical_url, canonical_url, post_id),
            ).fetchone()
            if original:
                self._mark_copy(db, post_id, original[0])
        addresses = [a for a in (post_id, url) if a]
        marks = ",".join("?" * len(addresses))
        copies = db.execute(
            f"SELECT id FROM posts WHERE canonical_url IN ({marks}) AND id != ? AND duplicate_of IS NULL",
            (*addresses, post_id),
        ).fetchall()
        for (copy,) in copies:
            self._mark_copy(db, copy, post_id)

    @staticmethod
    def _mark_copy(db: sqlite3.Connection, copy: str, original: str) -> None:
        db.execute("UPDATE posts SET duplicate_of = ? WHERE id = ?", (original, copy))
        db.execute(
            "INSERT OR IGNORE INTO provenance (post_id, source_name) SELECT ?, source_name FROM provenance"
            " WHERE post_id = ?",
            (original, copy),
        )

    def _tombstone(self, db: sqlite3.Connection, ids: Iterable[str], reason: str, now: str) -> int:
        """Forget a post's content but remember that it is gone, so it never comes back by accident."""
        count = 0
        for post_id in ids:
            cursor = db.execute(
                "UPDATE posts SET data = NULL, content_hash = '', deleted_at = ?, deleted_reason = ?"
                " WHERE id = ? AND deleted_at IS NULL",
                (now, reason, post_id),
            )
            if cursor.rowcount == 0:
                db.execute(
                    "INSERT OR IGNORE INTO posts (id, source, author_id, created_at, first_seen, updated_at,"
                    " deleted_at, deleted_reason) VALUES (?, '', '', '', ?, ?, ?, ?)",
                    (post_id, now, now, now, reason),
                )
            count += cursor.rowcount
        return count

    def tombstone(self, ids: Iterable[str], reason: str = REASON_DELETED) -> int:
        with self.transaction() as db:
            return self._tombstone(db, ids, reason, _now())

    def posts(self, since: datetime | None = None, until: datetime | None = None) -> list[Post]:
        """Every live post (tombstones excluded), oldest first, with its provenance filled in."""
        query = "SELECT id, data FROM posts WHERE deleted_at IS NULL AND duplicate_of IS NULL"
        args: list[Any] = []
        if since is not None:
            query += " AND created_at >= ?"
            args.append(_iso(since))
        if until is not None:
            query += " AND created_at <= ?"
            args.append(_iso(until))
        provenance = self._provenance()
        posts = []
        for post_id, payload in self._db.execute(query + " ORDER BY created_at, id", args):
            data = json.loads(payload)
            data["source_names"] = provenance.get(post_id, [])
            posts.append(post_from_dict(data))
        return posts

    def _provenance(self) -> dict[str, list[str]]:
        names: dict[str, list[str]] = {}
        for post_id, source_name in self._db.execute("SELECT post_id, source_name FROM provenance ORDER BY 2"):
            names.setdefault(post_id, []).append(source_name)
        return names

    def post_ids(self, source_name: str | None = None) -> list[str]:
        if source_name is None:
            rows = self._db.execute(
                "SELECT id FROM posts WHERE deleted_at IS NULL AND duplicate_of IS NULL ORDER BY created_at"
            )
        else:
            rows = self._db.execute(
                "SELECT p.id FROM posts p JOIN provenance v ON v.post_id = p.id"
                " WHERE v.source_name = ? AND p.deleted_at IS NULL ORDER BY p.created_at",
                (source_name,),
            )
        return [row[0] for row in rows]

    def orphan_ids(self, service: str, owners: Iterable[str]) -> list[str]:
        """Live posts from ``service`` (a Post.source, e.g. 'bluesky') that none of the ``owners``
        (source names) collected: their own sources were removed from the configuration."""
        names = list(owners)
        rows = self._db.execute(
            "SELECT p.id FROM posts p WHERE p.source = ? AND p.deleted_at IS NULL AND NOT EXISTS"
            " (SELECT 1 FROM provenance v WHERE v.post_id = p.id"
            f" AND v.source_name IN ({', '.join('?' * len(names))})) ORDER BY p.created_at",
            (service, *names),
        )
        return [row[0] for row in rows]

    def count(self, include_deleted: bool = False) -> int:
        where = "" if include_deleted else " WHERE deleted_at IS NULL AND duplicate_of IS NULL"
        return int(self._db.execute("SELECT COUNT(*) FROM posts" + where).fetchone()[0])

    # --- runs (for logs now, health pages later) ---------------------------------------

    def start_run(self, kind: str) -> int:
        with self.transaction() as db:
            cursor = db.execute("INSERT INTO runs (kind, started_at) VALUES (?, ?)", (kind, _now()))
            return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, status: str, detail: dict[str, Any]) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET finished_at = ?, status = ?, detail = ? WHERE id = ?",
                (_now(), status, json.dumps(detail, sort_keys=True, default=str), run_id),
            )

    def last_runs(self, limit: int = 20) -> list[dict[str, Any]]:
        cursor = self._db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor]

    # --- source state ----------------------------------------------------------------

    def state(self, source_name: str) -> SourceState:
        row = self._db.execute(
            "SELECT etag, last_modified, cursor, last_success, last_error, extra FROM source_state WHERE name = ?",
            (source_name,),
        ).fetchone()
        if row is None:
            return SourceState()
        extra = json.loads(row[5])
        return SourceState(
            etag=row[0],
            last_modified=row[1],
            cursor=row[2],
            last_success=datetime.fromisoformat(row[3]) if row[3] else None,
            last_error=row[4],
            rate_limited_until=_moment(extra.pop(RATE_LIMITED_UNTIL, None)),
            extra=extra,
        )

    def record_failure(
        self, source_name: str, source_type: str, error: str, rate_limited_until: datetime | None = None
    ) -> None:
        """Note a failed read; ``rate_limited_until`` (kept in ``extra``) when a server asked us to wait."""
        now = _now()
        until = _iso(rate_limited_until) if rate_limited_until else None
        with self.transaction() as db:
            db.execute(
                "INSERT INTO source_state (name, type, last_attempt, last_error, extra) VALUES (?, ?, ?, ?,"
                " json_object(?, ?)) ON CONFLICT (name) DO UPDATE SET last_attempt = excluded.last_attempt,"
                " last_error = excluded.last_error, extra = json_set(extra, '$.' || ?, ?)",
                (source_name, source_type, now, error, RATE_LIMITED_UNTIL, until, RATE_LIMITED_UNTIL, until),
            )

    def _write_state(
        self, db: sqlite3.Connection, name: str, source_type: str, state: SourceState, now: str
    ) -> None:
        db.execute(
            "INSERT INTO source_state (name, type, etag, last_modified, cursor, last_success, last_attempt,"
            " last_error, extra) VALUES (?, ?, ?, ?, ?, ?, ?, '', ?)"
            " ON CONFLICT (name) DO UPDATE SET type = excluded.type, etag = excluded.etag,"
            " last_modified = excluded.last_modified, cursor = excluded.cursor,"
            " last_success = excluded.last_success, last_attempt = excluded.last_attempt,"
            " last_error = '', extra = excluded.extra",
            (
                name,
                source_type,
                state.etag,
                state.last_modified,
                state.cursor,
                now,
                now,
                json.dumps(_extra_with_typed_fields(state), sort_keys=True, default=str),
            ),
        )


def _extra_with_typed_fields(state: SourceState) -> dict[str, Any]:
    """``extra`` with the typed fields kept inside its JSON (no schema change for them)."""
    extra = {key: value for key, value in state.extra.items() if key != RATE_LIMITED_UNTIL}
    if state.rate_limited_until is not None:
        extra[RATE_LIMITED_UNTIL] = _iso(state.rate_limited_until)
    return extra


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _map_strings(value: Any) -> Any:
    if isinstance(value, str):
        return well_formed(value)
    if isinstance(value, dict):
        return {key: _map_strings(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_map_strings(item) for item in value)
    return value


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(moment: datetime) -> str:
    """UTC ISO text: sorts chronologically as a string."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
