"""What frab XML and frab/pretalx JSON share: one event (as a JSON-shaped dict) to one Session.

The XML reader turns each ``<event>`` into the same dict shape the JSON export uses, so the
lenient rules (ids, times, durations, persons, links) live here once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from typing import Any
from urllib.parse import urljoin

from aggregator.models import Session
from aggregator.programme.lenient import (
    as_list,
    digest_id,
    parse_clock,
    parse_date,
    parse_datetime,
    parse_duration,
    person_name,
    plain_text,
    safe_links,
    safe_url,
    text,
    unique,
)
from aggregator.programme.model import ProgrammeDay, session_end

log = logging.getLogger(__name__)

DAY_ROLLOVER = time(5, 0)  # a day without a declared start runs until this clock time the next morning


@dataclass(frozen=True)
class EventContext:
    """Where an event sits: its file, day and room container, and the zone for naive times."""

    source: str
    zone: tzinfo
    day: ProgrammeDay | None = None
    room: str = ""
    base_url: str = ""


def event_to_session(event: Mapping[str, Any], ctx: EventContext) -> Session | None:
    """A Session, or None (logged) when the event has no title or no readable start."""
    title = text(event.get("title"))
    start = _event_start(event, ctx)
    if not title or start is None:
        problem = "no title" if not title else "no readable date/start"
        log.warning("%s: event %s skipped: %s", ctx.source, text(event.get("id")) or "?", problem)
        return None
    url = safe_url(event.get("url"))
    link_base = text(event.get("origin_url")) or url or ctx.base_url
    return Session(
        id=_event_id(event, title, start),
        title=title,
        start=start,
        end=session_end(start, parse_duration(event.get("duration")), title, ctx.source),
        room=text(event.get("room")) or ctx.room,
        speakers=unique(person_name(p) for p in as_list(event.get("persons"))),
        abstract=plain_text(event.get("abstract")) or plain_text(event.get("description")),
        description=plain_text(event.get("description")) if event.get("abstract") else "",
        track=_name(event.get("track")),
        url=url,
        subtitle=plain_text(event.get("subtitle")),
        language=text(event.get("language")),
        kind=_name(event.get("type")),
        links=_links(event, link_base),
    )


def _event_start(event: Mapping[str, Any], ctx: EventContext) -> datetime | None:
    """The event's ``date`` when it holds a time (with its offset); else a day plus its ``start`` clock."""
    raw_date = text(event.get("date"))
    if len(raw_date) > 10:
        start = parse_datetime(raw_date, ctx.zone)
        if start is not None:
            return start
    day_date = parse_date(raw_date) or (ctx.day.date if ctx.day else None)
    clock = parse_clock(event.get("start"))
    if day_date is None or clock is None:
        return None
    combined = datetime.combine(day_date, clock, tzinfo=ctx.zone)
    if ctx.day and day_date == ctx.day.date and _before_the_day_begins(combined, ctx.day):
        combined += timedelta(days=1)  # "00:30" on a day that runs until 06:00 is the next morning
    return combined


def _before_the_day_begins(moment: datetime, day: ProgrammeDay) -> bool:
    """Whether a clock time on the day's date lies before the day begins, so it is the next morning.

    The day's own start decides; without one, its end on a later date (a clock before that end's
    clock belongs to the night); without either, a programme day is taken to run until
    DAY_ROLLOVER, as congresses' days do (frab's usual ``day_change``)."""
    if day.start is not None:
        return moment < day.start
    if day.end is not None and day.end.date() > day.date:
        return moment.time() < day.end.astimezone(moment.tzinfo).time()
    return moment.time() < DAY_ROLLOVER


def _event_id(event: Mapping[str, Any], title: str, start: datetime) -> str:
    """The programme's own id; guid or slug when it is missing; last, a stable digest."""
    for key in ("id", "guid", "code", "slug"):
        value = text(event.get(key))
        if value:
            return value
    return digest_id("event", title, start)


def _links(event: Mapping[str, Any], base: str) -> tuple[str, ...]:
    urls: list[str] = []
    for item in [*as_list(event.get("links")), *as_list(event.get("attachments"))]:
        raw = text(item.get("url") or item.get("href")) if isinstance(item, dict) else text(item)
        if raw:
            urls.append(urljoin(base, raw) if base else raw)
    return safe_links(urls)


def _name(value: Any) -> str:
    """A track or type given as a string or as a dict with a name."""
    return text(value.get("name")) if isinstance(value, dict) else text(value)
