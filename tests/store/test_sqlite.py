from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aggregator.collectors import SourceState
from aggregator.errors import StoreError
from aggregator.models import Author, LinkCard, Media, Post, post_to_dict
from aggregator.store.sqlite import MIGRATIONS, Store

START = datetime(2027, 3, 2, 15, 0, tzinfo=UTC)


def make_post(n: int, **changes) -> Post:
    post = Post(
        id=f"at://did:plc:alice/app.bsky.feed.post/{n}",
        source="bluesky",
        url=f"https://bsky.app/profile/alice.example/post/{n}",
        author=Author(id="did:plc:alice", handle="alice.example", display_name="Alice"),
        created_at=START + timedelta(minutes=n),
        text=f"post {n} #c4l27",
        html=f"<p>post {n} #c4l27</p>",
        hashtags=("c4l27",),
        media=(Media(kind="image", url="https://cdn.example/i.jpg", alt="A slide"),),
        card=LinkCard(url="https://slides.example/1", title="Slides"),
    )
    return replace(post, **changes)


def test_collecting_twice_stores_nothing_twice(store: Store) -> None:
    posts = [make_post(n) for n in range(5)]
    first = store.save_collected("bsky", "bluesky", posts, [], SourceState(cursor="a"))
    second = store.save_collected("bsky", "bluesky", posts, [], SourceState(cursor="b"))
    assert (first.new, second.new, second.unchanged) == (5, 0, 5)
    assert store.count() == 5
    assert store.state("bsky").cursor == "b"


def test_round_trip_keeps_every_field(store: Store) -> None:
    quoted = make_post(99, text="quoted")
    original = make_post(1, quote=quoted, quote_id=quoted.id, reply_parent="x", labels=("nudity",))
    store.save_collected("bsky", "bluesky", [original], [], SourceState())
    [loaded] = store.posts()
    assert loaded == replace(original, source_names=("bsky",))


def test_edited_post_is_updated(store: Store) -> None:
    store.save_collected("bsky", "bluesky", [make_post(1)], [], SourceState())
    counts = store.save_collected("bsky", "bluesky", [make_post(1, text="edited")], [], SourceState())
    assert counts.updated == 1
    assert store.posts()[0].text == "edited"


def test_same_post_from_two_sources_is_stored_once_with_both_provenances(store: Store) -> None:
    store.save_collected("tag-search", "bluesky", [make_post(1)], [], SourceState())
    store.save_collected("list", "bluesky", [make_post(1)], [], SourceState())
    [post] = store.posts()
    assert post.source_names == ("list", "tag-search")
    assert store.post_ids("list") == [post.id]


def test_deleted_posts_are_tombstoned_and_never_come_back(store: Store) -> None:
    store.save_collected("bsky", "bluesky", [make_post(1), make_post(2)], [], SourceState())
    counts = store.save_collected("bsky", "bluesky", [], [make_post(1).id], SourceState())
    assert counts.tombstoned == 1
    assert [p.id for p in store.posts()] == [make_post(2).id]
    store.save_collected("replay", "bluesky", [make_post(1)], [], SourceState())
    assert [p.id for p in store.posts()] == [make_post(2).id]
    assert store.count(include_deleted=True) == 2
    row = store._db.execute("SELECT data FROM posts WHERE id = ?", (make_post(1).id,)).fetchone()
    assert row[0] is None  # the content of a deleted post is not kept


def test_a_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    broken = make_post(2, created_at=None)  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        store.save_collected("bsky", "bluesky", [make_post(1), broken], [], SourceState(cursor="new"))
    assert store.count() == 0
    assert store.state("bsky") == SourceState()


def test_failure_is_recorded_without_losing_the_cursor(store: Store) -> None:
    store.save_collected("bsky", "bluesky", [make_post(1)], [], SourceState(cursor="kept"))
    store.record_failure("bsky", "bluesky", "HTTP 500")
    state = store.state("bsky")
    assert (state.cursor, state.last_error) == ("kept", "HTTP 500")
    store.save_collected("bsky", "bluesky", [], [], SourceState(cursor="kept"))
    assert store.state("bsky").last_error == ""


def test_window_query(store: Store) -> None:
    store.save_collected("bsky", "bluesky", [make_post(n) for n in range(10)], [], SourceState())
    chosen = store.posts(since=START + timedelta(minutes=3), until=START + timedelta(minutes=5))
    assert [p.text.split()[1] for p in chosen] == ["3", "4", "5"]


def test_schema_is_versioned_and_a_newer_one_is_refused(tmp_path: Path) -> None:
    with Store(tmp_path) as store:
        assert store.schema_version == len(MIGRATIONS)
    connection = sqlite3.connect(tmp_path / "aggregator.sqlite3")
    connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    connection.close()
    with pytest.raises(StoreError, match="newer version"):
        Store(tmp_path)


def test_garbage_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "aggregator.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        Store(tmp_path)


def mastodon_original() -> Post:
    return replace(
        make_post(1),
        id="https://glammr.example/users/alice/statuses/1",
        source="mastodon",
        url="https://glammr.example/@alice/1",
        author=Author(id="https://glammr.example/@alice", handle="@alice@glammr.example"),
    )


def bridged_copy() -> Post:
    return replace(make_post(2), canonical_url="https://glammr.example/@alice/1")


@pytest.mark.parametrize("original_first", [True, False])
def test_a_bridged_copy_is_stored_once_with_both_provenances(store: Store, original_first: bool) -> None:
    arrivals = [("mastodon", mastodon_original()), ("bluesky", bridged_copy())]
    for name, post in arrivals if original_first else reversed(arrivals):
        store.save_collected(name, post.source, [post], [], SourceState())
    [kept] = store.posts()
    assert kept.id == mastodon_original().id
    assert kept.source_names == ("bluesky", "mastodon")
    assert store.count() == 1


def test_migration_from_the_first_schema_keeps_posts(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "aggregator.sqlite3")
    for statement in MIGRATIONS[0].split(";"):
        if statement.strip():
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
        assert store._db.execute("SELECT url FROM posts").fetchone()[0] == make_post(1).url


def test_text_that_cannot_be_encoded_is_repaired_not_fatal(store: Store) -> None:
    broken = make_post(1, id="https://example.org/post/\ud800", text="half an emoji \ud83d here")
    store.save_collected("feed", "feed", [broken], ["gone-\udfff"], SourceState())
    [stored] = store.posts()
    assert stored.id == "https://example.org/post/\ufffd"
    assert stored.text == "half an emoji \ufffd here"
