"""Helpers for the feed collector tests: saved feeds on disk, a collect context, a collector factory."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from aggregator.collectors import CollectContext
from aggregator.collectors.feed.collector import FeedCollector, FeedOptions
from aggregator.http import RetryPolicy
from aggregator.models import Conference

FEED_DATA = Path(__file__).parent / "data"
TAGGED_BLOG_RSS = FEED_DATA / "tagged-blog.rss.xml"
CONFERENCE_NOTES_ATOM = FEED_DATA / "conference-notes.atom.xml"
BROKEN_RSS = FEED_DATA / "broken.rss.xml"

RSS_CONTENT_TYPE = "application/rss+xml; charset=utf-8"
FAST_RETRIES = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)


def make_context(tmp_path: Path, start: datetime | None = None, end: datetime | None = None) -> CollectContext:
    conference = Conference(name="Code4Lib 2027", hashtags=("c4l27",), timezone="America/Chicago")
    return CollectContext(conference=conference, data_dir=tmp_path, window_start=start, window_end=end, timeout=5.0)


def feed_collector(tmp_path: Path, context: CollectContext | None = None, **options: Any) -> FeedCollector:
    collector = FeedCollector(FeedOptions(type="feed", **options), context or make_context(tmp_path))
    collector.retry_policy = FAST_RETRIES  # keep retry tests fast
    return collector
