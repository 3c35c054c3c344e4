"""Review gaps in the collectors: zone-less feed dates, interrupted backfills, orphaned deletion checks."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from aggregator import pipeline
from aggregator.collectors import CollectResult, SourceState
from aggregator.collectors.bluesky.collector import BlueskyProgress
from aggregator.config.model import load_config
from aggregator.models import Author, Post
from aggregator.store.sqlite import Store
from tests.collectors.bluesky.fakes import (
    Harness,
    facet,
    tag,
)
from tests.collectors.feed.fakes import feed_collector

# The feed fixtures' conference is in America/Chicago: CDT (UTC-5) in June.
NINE_THIRTY_IN_CHICAGO = datetime(2027, 6, 10, 14, 30, tzinfo=UTC)


def _write_rss(tmp_path: Path, pub_date: str) -> Path:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<rss version="2.0"><channel><title>T</title><link>https://u.example/</link>'
        "<lastBuildDate>Fri, 11 Jun 2027 12:00:00 GMT</lastBuildDate>"
        f"<item><title>Talk</title><link>https://u.example/talk</link><pubDate>{pub_date}</pubDate></item>"
        "</channel></rss>"
    )
    return feed


def _write_atom(tmp_path: Path, published: str) -> Path:
    feed = tmp_path / "feed.atom"
    feed.write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:t</id>'
        "<updated>2027-06-11T12:00:00Z</updated>"
        f"<entry><title>Talk</title><id>urn:talk</id><published>{published}</published></entry></feed>"
    )
    return feed


@pytest.mark.parametrize(
    "pub_date",
    [
        "Thu, 10 Jun 2027 09:30:00",  # feedparser cannot read it at all
        "Thu, 10 Jun 2027 09:30",
        "10 Jun 2027 09:30:00",  # feedparser reads this one as UTC
    ],
)
def test_rss_date_without_a_zone_is_conference_local_time(tmp_path: Path, pub_date: str) -> None:
    result = feed_collector(tmp_path, path=_write_rss(tmp_path, pub_date)).collect(SourceState())

    assert [post.created_at for post in result.posts] == [NINE_THIRTY_IN_CHICAGO]


@pytest.mark.parametrize("published", ["2027-06-10T09:30:00", "2027-06-10T09:30", "2027-06-10 09:30:00"])
def test_atom_date_without_an_offset_is_conference_local_time(tmp_path: Path, published: str) -> None:
    result = feed_collector(tmp_path, path=_write_atom(tmp_path, published)).collect(SourceState())

    assert [post.created_at for post in result.posts] == [NINE_THIRTY_IN_CHICAGO]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Thu, 10 Jun 2027 09:30:00 GMT", datetime(2027, 6, 10, 9, 30, tzinfo=UTC)),
        ("Thu, 10 Jun 2027 09:30:00 +0200", datetime(2027, 6, 10, 7, 30, tzinfo=UTC)),
        ("Thu, 10 Jun 2027 09:30:00 EST", datetime(2027, 6, 10, 14, 30, tzinfo=UTC)),
    ],
)
def test_rss_date_with_a_zone_keeps_it(tmp_path: Path, raw: str, expected: datetime) -> None:
    result = feed_collector(tmp_path, path=_write_rss(tmp_path, raw)).collect(SourceState())

    assert [post.created_at for post in result.posts] == [expected]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2027-06-10T09:30:00Z", datetime(2027, 6, 10, 9, 30, tzinfo=UTC)),
        ("2027-06-10T09:30:00+02:00", datetime(2027, 6, 10, 7, 30, tzinfo=UTC)),
    ],
)
def test_atom_date_with_an_offset_keeps_it(tmp_path: Path, raw: str, expected: datetime) -> None:
    result = feed_collector(tmp_path, path=_write_atom(tmp_path, raw)).collect(SourceState())

    assert [post.created_at for post in result.posts] == [expected]


def test_undated_entry_falls_back_to_a_zone_less_feed_date_in_local_time(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<rss version="2.0"><channel><title>T</title><link>https://u.example/</link>'
        "<lastBuildDate>Thu, 10 Jun 2027 09:30:00</lastBuildDate>"
        "<item><title>Talk</title><link>https://u.example/talk</link></item></channel></rss>"
    )

    result = feed_collector(tmp_path, path=feed).collect(SourceState())

    assert [post.created_at for post in result.posts] == [NINE_THIRTY_IN_CHICAGO]


# --- a first run cut short by the page bound resumes its backfill


def _bounded(harness: Harness, max_pages: int, **options: Any) -> CollectResult:
    collector = harness.collector(**options)
    collector.context = dataclasses.replace(collector.context, max_pages=max_pages)
    result = collector.collect(harness.state)
    harness.state = result.state
    return result


def test_bluesky_backfill_cut_short_by_max_pages_continues_next_run(harness: Harness) -> None:
    fake = harness.fake
    alice = fake.account("alice.test")
    text = "Talk note #shelfcon"
    uris = [fake.post(alice, text, facets=[facet(text, "#shelfcon", tag("shelfcon"))]) for _ in range(250)]
    options = {"hashtags": ["shelfcon"], "replies": "none", "check_deletions": False}

    first = _bounded(harness, 1, **options)
    later = fake.post(alice, text, facets=[facet(text, "#shelfcon", tag("shelfcon"))])
    second = _bounded(harness, 1, **options)
    third = _bounded(harness, 1, **options)
    searches_before = len(fake.called("app.bsky.feed.searchPosts"))
    fourth = _bounded(harness, 1, **options)

    assert [post.id for post in first.posts] == uris[::-1][:100]
    assert any("stopped after 1 pages; will continue next run" in note for note in first.notes)
    collected = {post.id for result in (first, second, third) for post in result.posts}
    assert collected == {*uris, later}
    assert not any("will continue" in note for note in third.notes)
    # the backfill is finished: the next run only reads from the newest post on, in one page
    assert len(fake.called("app.bsky.feed.searchPosts")) == searches_before + 1
    assert later in {post.id for post in fourth.posts} and len(fourth.posts) < 100


def test_a_saved_cursor_the_service_rejects_is_dropped_not_fatal(harness: Harness, caplog) -> None:
    fake = harness.fake
    alice = fake.account("alice.test")
    text = "Talk note #shelfcon"
    for _ in range(150):
        fake.post(alice, text, facets=[facet(text, "#shelfcon", tag("shelfcon"))])
    options = {"hashtags": ["shelfcon"], "replies": "none", "check_deletions": False}
    _bounded(harness, 1, **options)
    assert BlueskyProgress.of(harness.state.progress).unfinished

    fake.script("app.bsky.feed.searchPosts", 400, {"error": "InvalidRequest", "message": "Malformed cursor"})
    second = _bounded(harness, 1, **options)

    assert "no longer accepts the saved cursor" in caplog.text
    assert not BlueskyProgress.of(harness.state.progress).unfinished  # given up, not retried every run
    assert second.state.last_error == ""


# --- Bluesky posts whose only source was removed are still checked for deletion, once

TWO_SOURCES = """
conference:
  name: ShelfCon
  hashtags: ["#shelfcon"]
  timezone: Europe/Berlin
  start: "2025-06-03"
  end: "2025-06-04"
data_dir: {data_dir}
sources:
{sources}
"""


def _bluesky_source(fake_url: str, name: str, hashtag: str) -> str:
    return (
        f"  - {{type: bluesky, name: {name}, hashtags: ['{hashtag}'], replies: none,"
        f" service: '{fake_url}', appview: '{fake_url}'}}\n"
    )


def test_posts_of_a_removed_bluesky_source_are_rechecked_by_the_first_bluesky_source_only(
    harness: Harness, write_config: Callable[..., Path], tmp_path: Path
) -> None:
    fake = harness.fake
    alice = fake.account("alice.test")
    text = "Poster session #oldtag"
    orphan = fake.post(alice, text, facets=[facet(text, "#oldtag", tag("oldtag"))])
    data_dir = tmp_path / "store"
    before = TWO_SOURCES.format(data_dir=data_dir, sources=_bluesky_source(fake.url, "old", "oldtag"))
    after = TWO_SOURCES.format(
        data_dir=data_dir,
        sources=_bluesky_source(fake.url, "first", "shelfcon") + _bluesky_source(fake.url, "second", "other"),
    )
    with Store(data_dir) as store:
        pipeline.collect_sources(load_config(write_config(before)), store)
        fake.delete(orphan)

        pipeline.collect_sources(load_config(write_config(after)), store)

        assert orphan not in store.post_ids()
    checked = [call["uris"] for call in fake.called("app.bsky.feed.getPosts")]
    assert [uris for uris in checked if orphan in uris] == [[orphan]]  # once, by the first source


def test_store_lists_live_posts_of_a_service_that_no_given_source_collected(tmp_path: Path) -> None:
    with Store(tmp_path) as store:
        store.save_collected("kept", "bluesky", [_post("at://kept", "kept")], (), SourceState())
        store.save_collected("removed", "bluesky", [_post("at://orphan", "removed")], (), SourceState())
        store.save_collected("removed", "bluesky", [_post("at://gone", "removed")], (), SourceState())
        store.save_collected("blog", "feed", [_post("https://blog/x", "blog", source="feed")], (), SourceState())
        store.tombstone(["at://gone"])

        assert store.orphan_ids("bluesky", owners=["kept"]) == ["at://orphan"]
        assert store.orphan_ids("bluesky", owners=["kept", "removed"]) == []
        assert sorted(store.orphan_ids("bluesky", owners=[])) == ["at://kept", "at://orphan"]


def _post(post_id: str, source_name: str, source: str = "bluesky") -> Post:
    author = Author(id="did:plc:a", handle="a.test", display_name="A", url="https://bsky.app/profile/a.test")
    return Post(
        id=post_id,
        source=source,
        url="https://bsky.app/x",
        author=author,
        created_at=NINE_THIRTY_IN_CHICAGO,
        text="t",
        html="<p>t</p>",
        source_names=(source_name,),
    )
