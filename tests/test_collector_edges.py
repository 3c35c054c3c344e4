"""Review gaps in the collectors: zone-less feed dates, interrupted backfills, orphaned deletion checks."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from bluesky_fixtures import (
    Harness,
    bluesky,  # noqa: F401  (fixture)
    facet,
    harness,  # noqa: F401  (fixture)
    tag,
)
from feed_fixtures import feed_collector

from aggregator.collectors import CollectResult, SourceState

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
