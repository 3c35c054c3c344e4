"""Saved values (programme copy, Bluesky session) live in the database on every engine, and the
files an earlier version left in the data folder are imported once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from aggregator.store.protocol import PostStore
from tests.store.conftest import Opener


def test_a_saved_value_is_shared_by_every_connection(open_store: Opener) -> None:
    one, other = open_store(), open_store()
    one.blobs.save("programme.cache", b"<schedule/>")
    one.blobs.save("programme.cache", b"<schedule>2</schedule>")
    assert other.blobs.load("programme.cache") == b"<schedule>2</schedule>"
    saved_at = other.blobs.saved_at("programme.cache")
    assert saved_at is not None and abs(datetime.now(UTC) - saved_at) < timedelta(minutes=1)
    assert "programme.cache" in other.blobs.where("programme.cache")
    other.blobs.forget("programme.cache")
    assert one.blobs.load("programme.cache") is None and one.blobs.saved_at("programme.cache") is None


def test_files_of_an_earlier_version_are_imported_on_first_read(
    store: PostStore, open_store: Opener, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    (folder / "bluesky-session-0123456789abcdef").write_bytes(b"session string")
    (folder / "programme.cache").write_bytes(b"<schedule/>")
    assert store.blobs.load("bluesky-session-0123456789abcdef") == b"session string"
    assert store.blobs.saved_at("programme.cache") is not None  # asking when also imports
    assert not (folder / "bluesky-session-0123456789abcdef").exists() and not (folder / "programme.cache").exists()
    again = open_store()
    assert again.blobs.load("bluesky-session-0123456789abcdef") == b"session string"
    assert again.blobs.load("programme.cache") == b"<schedule/>"


def test_a_value_without_a_row_or_a_file_is_none(store: PostStore) -> None:
    assert store.blobs.load("bluesky-session-none") is None
    assert store.blobs.saved_at("bluesky-session-none") is None
