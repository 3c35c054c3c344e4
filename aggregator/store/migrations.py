"""Versioned schema migrations, one list for every engine, and the runner that applies them.

Each migration moves the schema one version up, in its own transaction, as a tuple of
statements (never a script split on ``;``). The few words that differ between engines are
``{placeholders}`` filled from :attr:`Engine.snippets`. Never edit a released migration:
append a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from aggregator.errors import StoreError
from aggregator.store.engine import Engine


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]

    def for_engine(self, engine: Engine) -> tuple[str, ...]:
        return tuple(statement.format_map(engine.snippets) for statement in self.statements)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "posts, provenance, per-source state and runs",
        (
            """CREATE TABLE posts (
                id {text} PRIMARY KEY,
                source {text} NOT NULL,
                author_id {text} NOT NULL,
                created_at {text} NOT NULL,
                data {text},
                content_hash {text} NOT NULL DEFAULT '',
                first_seen {text} NOT NULL,
                updated_at {text} NOT NULL,
                deleted_at {text},
                deleted_reason {text}
            )""",
            "CREATE INDEX posts_created_at ON posts (created_at)",
            "CREATE INDEX posts_author ON posts (author_id)",
            """CREATE TABLE provenance (
                post_id {text} NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                source_name {text} NOT NULL,
                PRIMARY KEY (post_id, source_name)
            ){without_rowid}""",
            "CREATE INDEX provenance_source ON provenance (source_name)",
            """CREATE TABLE source_state (
                name {text} PRIMARY KEY,
                type {text} NOT NULL,
                etag {text} NOT NULL DEFAULT '',
                last_modified {text} NOT NULL DEFAULT '',
                cursor {text} NOT NULL DEFAULT '',
                last_success {text},
                last_attempt {text},
                last_error {text} NOT NULL DEFAULT '',
                extra {text} NOT NULL DEFAULT '{{}}'
            )""",
            """CREATE TABLE runs (
                id {row_id},
                kind {text} NOT NULL,
                started_at {text} NOT NULL,
                finished_at {text},
                status {text} NOT NULL DEFAULT 'running',
                detail {text} NOT NULL DEFAULT '{{}}'
            )""",
        ),
    ),
    Migration(
        2,
        "copies of a post (a bridged Bluesky copy of a Mastodon or blog post) point at their original",
        (
            "ALTER TABLE posts ADD COLUMN url {text} NOT NULL DEFAULT ''",
            "ALTER TABLE posts ADD COLUMN canonical_url {text} NOT NULL DEFAULT ''",
            "ALTER TABLE posts ADD COLUMN duplicate_of {text}",
            "UPDATE posts SET url = coalesce({json_url}, ''), canonical_url = coalesce({json_canonical_url}, '')"
            " WHERE data IS NOT NULL",
            "CREATE INDEX posts_url ON posts (url)",
            "CREATE INDEX posts_canonical_url ON posts (canonical_url) WHERE canonical_url != ''",
        ),
    ),
    Migration(
        3,
        "small named values kept between runs (programme copy, login session) for engines without a data folder",
        ("CREATE TABLE blobs (key {text} PRIMARY KEY, value {blob} NOT NULL, updated_at {text} NOT NULL)",),
    ),
    Migration(
        4,
        "source health (error class, failing since, rate limit as a column), every source attempt, meta values",
        (
            "ALTER TABLE source_state ADD COLUMN error_class {text} NOT NULL DEFAULT ''",
            "ALTER TABLE source_state ADD COLUMN failing_since {text}",
            "ALTER TABLE source_state ADD COLUMN rate_limited_until {text}",
            "UPDATE source_state SET rate_limited_until = {json_rate_limited_until},"
            " extra = {extra_without_rate_limit}",
            "UPDATE source_state SET failing_since = last_attempt WHERE last_error != ''",
            """CREATE TABLE attempts (
                id {row_id},
                run_id INTEGER,
                source {text} NOT NULL,
                started_at {text} NOT NULL,
                finished_at {text} NOT NULL,
                outcome {text} NOT NULL,
                error_class {text} NOT NULL DEFAULT '',
                message {text} NOT NULL DEFAULT '',
                http_status INTEGER,
                new INTEGER NOT NULL DEFAULT 0,
                updated INTEGER NOT NULL DEFAULT 0,
                removed INTEGER NOT NULL DEFAULT 0,
                seconds {float} NOT NULL DEFAULT 0
            )""",
            "CREATE INDEX attempts_source ON attempts (source, id)",
            "ALTER TABLE runs ADD COLUMN holder {text} NOT NULL DEFAULT ''",
            "CREATE TABLE meta (key {text} PRIMARY KEY, value {text} NOT NULL, updated_at {text} NOT NULL)",
        ),
    ),
)


def migrate(engine: Engine, migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    """Bring the schema up to date; safe when several processes open a new database at once.
    Returns how many migrations were applied."""
    applied = 0
    while True:
        with engine.transaction():
            engine.prepare_migration()
            current = engine.schema_version()
            _refuse_newer(engine, current, len(migrations))
            if current == len(migrations):
                return applied
            migration = migrations[current]
            for statement in migration.for_engine(engine):
                engine.execute(statement)
            engine.record_version(migration.version, migration.description, _now())
        applied += 1


def _refuse_newer(engine: Engine, current: int, known: int) -> None:
    if current > known:
        raise StoreError(
            f"{engine.location}: made by a newer version of this tool (schema {current}, this one knows "
            f"{known}); upgrade the tool or point the store elsewhere"
        )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
