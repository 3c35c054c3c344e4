"""How often the scheduler reads a source: by the conference clock, or as the curator says.

During the conference days (the programme's first to last day, whole days in the venue's
zone) the social services are read every few minutes and feeds every 20 minutes; before, hourly;
after, daily for a week of late recaps, then no more. A source's ``every:`` replaces the interval
in every phase, until that week is over.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from aggregator.clock import conference_zone
from aggregator.collectors import SourceOptions, conference_window
from aggregator.models import Conference

BEFORE, DURING, AFTER, OVER = "before", "during", "after", "over"
SOCIAL_TYPES = frozenset({"bluesky", "mastodon"})


@dataclass(frozen=True)
class Cadence:
    """The default intervals of each phase."""

    social_during: timedelta = timedelta(minutes=3)
    feed_during: timedelta = timedelta(minutes=20)
    before: timedelta = timedelta(hours=1)
    after: timedelta = timedelta(days=1)
    after_for: timedelta = timedelta(days=7)  # how long after the last day sources are still read
    jitter: float = 0.1  # each wait is lengthened by up to this fraction, so sources do not fire in step


def conference_days(conference: Conference) -> tuple[datetime, datetime] | None:
    """From the start of the first day to the end of the last, in the venue's zone (None: no dates)."""
    start, end = conference_window(conference, timedelta(0))
    if start is None or end is None:
        return None
    zone = conference_zone(conference.timezone)
    first = datetime.combine(start.astimezone(zone).date(), time.min, tzinfo=zone)
    last = datetime.combine(end.astimezone(zone).date() + timedelta(days=1), time.min, tzinfo=zone)
    return first, last


def phase(conference: Conference, now: datetime, cadence: Cadence = Cadence()) -> str:
    """Where ``now`` falls: before, during or after the conference days, or over (after the week after)."""
    days = conference_days(conference)
    if days is None:
        return DURING  # no dates known: read as if it were on
    first, last = days
    if now < first:
        return BEFORE
    if now < last:
        return DURING
    return AFTER if now < last + cadence.after_for else OVER


def interval(source: SourceOptions, conference: Conference, now: datetime, cadence: Cadence = Cadence()) -> timedelta | None:
    """The wait between two reads of ``source`` at ``now``; None once the conference is over."""
    current = phase(conference, now, cadence)
    if current == OVER:
        return None
    if source.every is not None:
        return source.every
    if current == BEFORE:
        return cadence.before
    if current == AFTER:
        return cadence.after
    return cadence.social_during if source.type in SOCIAL_TYPES else cadence.feed_during


def next_run(
    source: SourceOptions,
    conference: Conference,
    now: datetime,
    last_attempt: datetime | None,
    rate_limited_until: datetime | None = None,
    cadence: Cadence = Cadence(),
) -> datetime | None:
    """When to read ``source`` next: one interval after its last attempt (now, if that is past or
    there was none), never before its server's rate limit resets; None once the conference is over."""
    step = interval(source, conference, now, cadence)
    if step is None:
        return None
    due = now if last_attempt is None else max(now, last_attempt + _jittered(step, cadence.jitter))
    return max(due, rate_limited_until) if rate_limited_until is not None else due


def _jittered(step: timedelta, fraction: float) -> timedelta:
    return step * (1 + random.uniform(0, fraction)) if fraction else step
