"""The store's behaviour, on every engine (the ``store`` fixture is parametrised)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from aggregator.collectors import SourceState
from aggregator.errors import StoreError
from aggregator.store.migrations import MIGRATIONS
from aggregator.store.protocol import PostStore
from tests.store.builders import START, bridged_copy, make_post, mastodon_original


def test_collecting_twice_stores_nothing_twice(store: PostStore) -> None:
    posts = [make_post(n) for n in range(5)]
    first = store.save_collected("bsky", "bluesky", posts, [], SourceState(cursor="a"))
    second = store.save_collected("bsky", "bluesky", posts, [], SourceState(cursor="b"))
    assert (first.new, second.new, second.unchanged) == (5, 0, 5)
    assert store.count() == 5
    assert store.state("bsky").cursor == "b"


def test_round_trip_keeps_every_field(store: PostStore) -> None:
    quoted = make_post(99, text="quoted")
    original = make_post(1, quote=quoted, quote_id=quoted.id, reply_parent="x", labels=("nudity",))
    store.save_collected("bsky", "bluesky", [original], [], SourceState())
    [loaded] = store.posts()
    assert loaded == replace(original, source_names=("bsky",))


def test_edited_post_is_updated(store: PostStore) -> None:
    store.save_collected("bsky", "bluesky", [make_post(1)], [], SourceState())
    counts = store.save_collected("bsky", "bluesky", [make_post(1, text="edited")], [], SourceState())
    assert counts.updated == 1
    assert store.posts()[0].text == "edited"


def test_same_post_from_two_sources_is_stored_once_with_both_provenances(store: PostStore) -> None:
    store.save_collected("tag-search", "bluesky", [make_post(1)], [], SourceState())
    store.save_collected("list", "bluesky", [make_post(1)], [], SourceState())
    [post] = store.posts()
    assert post.source_names == ("list", "tag-search")
    assert store.post_ids("list") == [post.id]


def test_deleted_posts_are_tombstoned_and_never_come_back(store: PostStore) -> None:
    store.save_collected("bsky", "bluesky", [make_post(1), make_post(2)], [], SourceState())
    counts = store.save_collected("bsky", "bluesky", [], [make_post(1).id], SourceState())
    assert counts.tombstoned == 1
    assert [p.id for p in store.posts()] == [make_post(2).id]
    store.save_collected("replay", "bluesky", [make_post(1)], [], SourceState())
    assert [p.id for p in store.posts()] == [make_post(2).id]
    assert store.count(include_deleted=True) == 2
    row = store._engine.execute("SELECT data FROM posts WHERE id = ?", (make_post(1).id,)).fetchone()  # type: ignore[attr-defined]
    assert row[0] is None  # the content of a deleted post is not kept


def test_opted_out_posts_come_back_when_allowed_again(store: PostStore) -> None:
    store.save_collected("bsky", "bluesky", [make_post(1)], [], SourceState())
    store.save_collected("bsky", "bluesky", [], [make_post(1).id], SourceState(), withheld=[make_post(1).id])
    assert store.posts() == []
    counts = store.save_collected("bsky", "bluesky", [make_post(1)], [], SourceState())
    assert counts.updated == 1
    assert [p.id for p in store.posts()] == [make_post(1).id]


def test_a_failed_transaction_leaves_nothing_behind(store: PostStore) -> None:
    broken = make_post(2, created_at=None)  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        store.save_collected("bsky", "bluesky", [make_post(1), broken], [], SourceState(cursor="new"))
    assert store.count() == 0
    assert store.state("bsky") == SourceState()


def test_a_database_error_inside_a_save_rolls_everything_back(store: PostStore) -> None:
    store.save_collected("bsky", "bluesky", [make_post(1)], [], SourceState(cursor="1"))
    # no type: the database refuses the state (NOT NULL), after it took the posts
    with pytest.raises(StoreError, match="(?i)not.null"):
        store.save_collected("bsky", None, [make_post(2)], [], SourceState(cursor="2"))  # type: ignore[arg-type]
    assert store.count() == 1
    assert store.state("bsky").cursor == "1"


def test_driver_errors_are_store_errors_naming_the_cause(store: PostStore) -> None:
    with pytest.raises(StoreError, match="no_such_table"):
        store._engine.execute("SELECT * FROM no_such_table")  # type: ignore[attr-defined]
    store.save_collected("bsky", "bluesky", [make_post(1)], [], SourceState())  # still usable afterwards
    assert store.count() == 1


def test_failure_is_recorded_without_losing_the_cursor(store: PostStore) -> None:
    store.save_collected("bsky", "bluesky", [make_post(1)], [], SourceState(cursor="kept"))
    store.record_failure("bsky", "bluesky", "HTTP 500")
    state = store.state("bsky")
    assert (state.cursor, state.last_error) == ("kept", "HTTP 500")
    store.save_collected("bsky", "bluesky", [], [], SourceState(cursor="kept"))
    assert store.state("bsky").last_error == ""


def test_window_query(store: PostStore) -> None:
    store.save_collected("bsky", "bluesky", [make_post(n) for n in range(10)], [], SourceState())
    chosen = store.posts(since=START + timedelta(minutes=3), until=START + timedelta(minutes=5))
    assert [p.text.split()[1] for p in chosen] == ["3", "4", "5"]


def test_runs_are_recorded_newest_first(store: PostStore) -> None:
    first = store.start_run("collect")
    second = store.start_run("build")
    store.finish_run(first, "ok", {"posts": 3})
    runs = store.last_runs()
    assert [(r["id"], r["kind"], r["status"]) for r in runs] == [(second, "build", "running"), (first, "collect", "ok")]
    assert runs[1]["detail"] == '{"posts": 3}' and runs[1]["finished_at"]


def test_orphans_are_the_posts_no_configured_source_collected(store: PostStore) -> None:
    store.save_collected("old", "bluesky", [make_post(1)], [], SourceState())
    store.save_collected("kept", "bluesky", [make_post(2)], [], SourceState())
    assert store.orphan_ids("bluesky", owners=["kept"]) == [make_post(1).id]
    assert store.orphan_ids("bluesky", owners=[]) == [make_post(1).id, make_post(2).id]


def test_schema_is_up_to_date_and_reopening_migrates_nothing(open_store) -> None:
    store = open_store()
    assert store.schema_version == len(MIGRATIONS)
    store.save_collected("bsky", "bluesky", [make_post(1)], [], SourceState())
    again = open_store()
    assert again.schema_version == len(MIGRATIONS)
    assert again.count() == 1


@pytest.mark.parametrize("original_first", [True, False])
def test_a_bridged_copy_is_stored_once_with_both_provenances(store: PostStore, original_first: bool) -> None:
    arrivals = [("mastodon", mastodon_original()), ("bluesky", bridged_copy())]
    for name, post in arrivals if original_first else reversed(arrivals):
        store.save_collected(name, post.source, [post], [], SourceState())
    [kept] = store.posts()
    assert kept.id == mastodon_original().id
    assert kept.source_names == ("bluesky", "mastodon")
    assert store.count() == 1


def test_text_that_cannot_be_encoded_is_repaired_not_fatal(store: PostStore) -> None:
    broken = make_post(1, id="https://example.org/post/\ud800", text="half an emoji \ud83d here")
    store.save_collected("feed", "feed", [broken], ["gone-\udfff"], SourceState())
    [stored] = store.posts()
    assert stored.id == "https://example.org/post/\ufffd"
    assert stored.text == "half an emoji \ufffd here"


def test_ids_sort_the_same_on_every_engine(store: PostStore) -> None:
    names = ["b", "B", "a", "_x", "é", "Z"]
    posts = [make_post(1, id=f"https://example.org/{name}", url=f"https://example.org/{name}") for name in names]
    store.save_collected("feed", "feed", posts, [], SourceState())
    assert store.post_ids() == sorted(p.id for p in posts)  # byte order, whatever the database's locale


def test_a_second_run_on_the_same_sources_is_refused(open_store) -> None:
    from aggregator.errors import LockedError

    first, second = open_store(), open_store()
    with first.lock(["bsky"]), pytest.raises(LockedError, match="in use by"), second.lock(["bsky"]):
        pass
    with second.lock(["bsky"]):
        pass
