"""What only the embedded SQLite engine does: its file, its old schemas, its full disk."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from aggregator.collectors import SourceState
from aggregator.errors import StoreError
from aggregator.models import post_to_dict
from aggregator.saved_values import FileBlobs
from aggregator.store.migrations import MIGRATIONS
from aggregator.store.sqlite import SqliteEngine, Store
from tests.store.builders import START, make_post


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    with Store(tmp_path) as store:
        assert store.schema_version == len(MIGRATIONS)
    connection = sqlite3.connect(tmp_path / "aggregator.sqlite3")
    connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    connection.close()
    with pytest.raises(StoreError, match="newer version"):
        Store(tmp_path)


def test_garbage_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "aggregator.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open the database: file is not a database"):
        Store(tmp_path)


def test_migration_from_the_first_schema_keeps_posts(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "aggregator.sqlite3")
    engine = SqliteEngine.__new__(SqliteEngine)  # only for its snippets: the statements of version 1
    for statement in MIGRATIONS[0].for_engine(engine):
        connection.execute(statement)
    connection.execute("PRAGMA user_version = 1")
    payload = json.dumps({**post_to_dict(make_post(1)), "source_names": []})
    connection.execute(
        "INSERT INTO posts (id, source, author_id, created_at, data, first_seen, updated_at)"
        " VALUES (?, 'bluesky', 'did:plc:alice', ?, ?, '', '')",
        (make_post(1).id, START.isoformat(), payload),
    )
    connection.commit()
    connection.close()
    with Store(tmp_path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert [p.id for p in store.posts()] == [make_post(1).id]
        assert store._engine.execute("SELECT url FROM posts").fetchone()[0] == make_post(1).url


def test_a_full_disk_is_named_and_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    """SQLite rolls back by itself on a full disk; the error raised is the full disk, not the
    'cannot rollback - no transaction is active' of a second rollback."""
    with Store(tmp_path) as store:
        store.save_collected("bsky", "bluesky", [make_post(1)], [], SourceState(cursor="1"))
        pages = store._engine.execute("PRAGMA page_count").fetchone()[0]
        store._engine.execute(f"PRAGMA max_page_count = {pages + 1}")  # the disk is full from here on
        many = [make_post(n, text="x" * 2000) for n in range(2, 200)]
        with pytest.raises(StoreError, match="database or disk is full") as raised:
            store.save_collected("bsky", "bluesky", many, [], SourceState(cursor="2"))
        assert "rollback" not in str(raised.value)
        assert isinstance(raised.value.__cause__, sqlite3.OperationalError)
        assert (store.count(), store.state("bsky").cursor) == (1, "1")
        store._engine.execute("PRAGMA max_page_count = 1073741823")  # space again: the store still works
        assert store.save_collected("bsky", "bluesky", many, [], SourceState(cursor="2")).new == len(many)


def test_saved_values_outside_a_store_are_files_readable_by_their_owner_only(tmp_path: Path) -> None:
    files = FileBlobs(tmp_path)
    files.save("bluesky-session-abc", b"secret")
    assert (tmp_path / "bluesky-session-abc").stat().st_mode & 0o777 == 0o600
    assert files.load("bluesky-session-abc") == b"secret" and files.saved_at("bluesky-session-abc") is not None
    files.forget("bluesky-session-abc")
    assert files.load("bluesky-session-abc") is None and files.saved_at("bluesky-session-abc") is None
