"""The conference clock: how often each kind of source is read before, during and after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from aggregator.collectors.feed.collector import FeedOptions
from aggregator.collectors.mastodon.collector import MastodonOptions
from aggregator.models import Conference
from aggregator.schedule import Cadence, interval, next_run, phase

CHICAGO = ZoneInfo("America/Chicago")
CONFERENCE = Conference(
    name="Test Con",
    hashtags=("testcon",),
    timezone="America/Chicago",
    start=datetime(2027, 3, 2, 9, 0, tzinfo=CHICAGO),
    end=datetime(2027, 3, 4, 17, 0, tzinfo=CHICAGO),
)
FEED = FeedOptions(type="feed", url="https://blog.example.org/feed/")
MASTODON = MastodonOptions(type="mastodon", instances=("https://glammr.us",), hashtags=("testcon",))
STEADY = Cadence(jitter=0)


def at(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2027, month, day, hour, tzinfo=CHICAGO)


def test_the_phases_follow_the_conference_days_in_the_venues_zone() -> None:
    assert phase(CONFERENCE, at(1, 23)) == "before"
    assert phase(CONFERENCE, at(2, 0)) == "during"  # the whole first day, before the first session too
    assert phase(CONFERENCE, at(4, 23)) == "during"
    assert phase(CONFERENCE, at(5, 0)) == "after"
    assert phase(CONFERENCE, at(11, 23)) == "after"
    assert phase(CONFERENCE, at(12, 0)) == "over"


def test_social_sources_are_read_every_few_minutes_while_it_is_on_and_feeds_less_often() -> None:
    assert interval(MASTODON, CONFERENCE, at(3, 10)) == timedelta(minutes=3)
    assert interval(FEED, CONFERENCE, at(3, 10)) == timedelta(minutes=20)
    assert timedelta(minutes=2) <= Cadence().social_during <= timedelta(minutes=5)
    assert timedelta(minutes=15) <= Cadence().feed_during <= timedelta(minutes=30)


def test_hourly_before_daily_after_for_a_week_then_never() -> None:
    assert interval(MASTODON, CONFERENCE, at(20, 12, month=2)) == timedelta(hours=1)
    assert interval(FEED, CONFERENCE, at(6, 12)) == timedelta(days=1)
    assert interval(FEED, CONFERENCE, at(12, 1)) is None
    assert next_run(FEED, CONFERENCE, at(12, 1), last_attempt=at(11, 1)) is None


def test_every_overrides_the_interval_until_the_week_after_is_over() -> None:
    every = FEED.model_copy(update={"every": timedelta(minutes=5)})
    assert interval(every, CONFERENCE, at(20, 12, month=2)) == timedelta(minutes=5)
    assert interval(every, CONFERENCE, at(3, 10)) == timedelta(minutes=5)
    assert interval(every, CONFERENCE, at(12, 1)) is None


def test_a_conference_without_dates_is_read_as_if_it_were_on() -> None:
    undated = Conference(name="X", hashtags=("x",), timezone="UTC")
    assert interval(MASTODON, undated, datetime.now(UTC)) == timedelta(minutes=3)


def test_the_next_run_catches_up_without_repeating_and_waits_for_a_rate_limit() -> None:
    now = at(3, 10)
    assert next_run(FEED, CONFERENCE, now, None, cadence=STEADY) == now  # never read: now
    assert next_run(FEED, CONFERENCE, now, now - timedelta(hours=5), cadence=STEADY) == now  # a gap: now
    recent = now - timedelta(minutes=5)
    assert next_run(FEED, CONFERENCE, now, recent, cadence=STEADY) == recent + timedelta(minutes=20)
    limited = now + timedelta(hours=2)
    assert next_run(MASTODON, CONFERENCE, now, recent, limited, cadence=STEADY) == limited


def test_jitter_only_lengthens_a_wait_by_up_to_its_fraction() -> None:
    recent = at(3, 10)
    waits = {next_run(FEED, CONFERENCE, recent, recent, cadence=Cadence(jitter=0.1)) - recent for _ in range(50)}  # type: ignore[operator]
    assert all(timedelta(minutes=20) <= wait <= timedelta(minutes=22) for wait in waits)
    assert len(waits) > 1
