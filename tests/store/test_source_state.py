"""Per-source state on every engine: the collectors' typed progress, and rows from before it was typed."""

from __future__ import annotations

import json
from datetime import timedelta

from aggregator.collectors import SourceState
from aggregator.collectors.bluesky.collector import BlueskyProgress
from aggregator.collectors.mastodon.collector import MastodonProgress
from aggregator.store.protocol import PostStore
from aggregator.store.sql import SqlStore
from tests.store.builders import START

MASTODON = MastodonProgress(
    min_id={"https://glammr.us #c4l27": "113000000000000005"},
    backfill_max_id={"https://glammr.us #c4l27": "112999"},
    open_threads=[{"server": "https://glammr.us", "id": "42", "uri": "https://glammr.us/users/bob/statuses/42"}],
)


def test_each_kinds_progress_comes_back_typed(store: PostStore) -> None:
    bluesky = BlueskyProgress(newest={"search:#c4l27": "2027-03-02T10:00:00Z"}, threads={"at://x": "2027-03-02"})
    store.save_collected("bsky", "bluesky", [], [], SourceState(cursor="c", progress=bluesky))
    store.save_collected("masto", "mastodon", [], [], SourceState(progress=MASTODON))
    store.save_collected("blog", "feed", [], [], SourceState(etag='"v1"', last_modified="Tue, 02 Mar 2027"))
    assert store.state("bsky").progress == bluesky
    assert store.state("masto").progress == MASTODON
    blog = store.state("blog")
    assert (blog.progress, blog.etag, blog.last_modified) == (None, '"v1"', "Tue, 02 Mar 2027")


def test_a_failure_keeps_the_progress_and_notes_the_rate_limit(store: PostStore) -> None:
    store.save_collected("masto", "mastodon", [], [], SourceState(progress=MASTODON))
    until = START + timedelta(minutes=15)
    store.record_failure("masto", "mastodon", "429 Too Many Requests", rate_limited_until=until)
    state = store.state("masto")
    assert (state.progress, state.rate_limited_until, state.last_error) == (MASTODON, until, "429 Too Many Requests")


def test_rows_written_before_progress_was_typed_still_read(store: PostStore) -> None:
    assert isinstance(store, SqlStore)
    store.save_collected("masto", "mastodon", [], [], SourceState())
    untyped = {"min_id": MASTODON.min_id, "open_threads": MASTODON.open_threads, "backfill_max_id": "not a dict"}
    engine = store._engine  # noqa: SLF001 — writing a row the way the previous version did
    with engine.transaction():
        engine.execute("UPDATE source_state SET extra = ? WHERE name = ?", (json.dumps(untyped), "masto"))
    assert store.state("masto").progress == MastodonProgress(min_id=MASTODON.min_id, open_threads=MASTODON.open_threads)
