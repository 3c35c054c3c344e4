"""iCalendar (``.ics``) programmes: one VEVENT per session, its ``UID`` as the session id."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta, tzinfo
from typing import Any

import icalendar

from aggregator.errors import ProgrammeError
from aggregator.models import Session
from aggregator.programme.lenient import (
    as_list,
    digest_id,
    is_break,
    plain_text,
    safe_links,
    safe_url,
    split_names,
    text,
    unique,
)
from aggregator.programme.model import Programme, ProgrammeHeader, assemble, programme_zone, session_end
from aggregator.sanitize import url_host

log = logging.getLogger(__name__)

_SKIPPED_STATUS = frozenset({"CANCELLED"})
_UTC_NAMES = frozenset({"UTC", "GMT", "ETC/UTC", "Z"})
# Sched lists a session's people on a line of its DESCRIPTION: "Speakers: Ada Okafor; Ben Lindqvist".
_PEOPLE_LINE = re.compile(r"^\s*(?:speakers?|presenters?|moderators?|panelists?|panellists?)\s*:\s*(?P<names>.+)$", re.I)


def parse_ical(data: bytes, source: str, timezone: str | None = None) -> Programme:
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as exc:
        raise ProgrammeError(f"{source}: not a readable iCalendar file: {exc}") from exc
    events = [e for e in calendar.walk("VEVENT") if isinstance(e, icalendar.Event)]
    sched = _is_sched(calendar, events)
    declared = text(calendar.get("X-WR-TIMEZONE"))
    if sched and declared.upper() in _UTC_NAMES:
        declared = ""  # Sched writes UTC whatever the venue's zone; its times carry "Z" anyway
    choice = programme_zone((declared,), timezone)
    tz = choice.tz
    header = ProgrammeHeader(
        title=text(calendar.get("X-WR-CALNAME")) or text(calendar.get("NAME")),
        timezone=choice.name,
        zone_declared=choice.declared or not any(_is_floating(e.get("DTSTART")) for e in events),
        url=text(calendar.get("URL")) or text(calendar.get("SOURCE")),
    )
    sessions = [s for s in (_session(event, tz, source, sched) for event in events) if s]
    return assemble(header, sessions, source=source)


def _session(event: icalendar.Event, tz: tzinfo, source: str, sched: bool = False) -> Session | None:
    title = text(event.get("SUMMARY"))
    start = _moment(event.get("DTSTART"), tz)
    categories = _categories(event)
    if not title or start is None:
        log.warning("%s: VEVENT %s skipped: no title or no start time (all-day events are not sessions)", source, text(event.get("UID")) or "?")
        return None
    if text(event.get("STATUS")).upper() in _SKIPPED_STATUS or any(is_break("", c) for c in categories):
        return None
    description = plain_text(event.get("DESCRIPTION"))
    named, description = _described_speakers(description) if sched else ((), description)
    return Session(
        id=text(event.get("UID")) or digest_id("ical", title, start),
        title=title,
        start=start,
        end=_end(event, start, tz, title, source),
        room=text(event.get("LOCATION")),
        speakers=unique([*_speakers(event), *named]),
        abstract=description,
        track=categories[0] if categories else "",
        url=safe_url(event.get("URL")),
        language=text(event.get("LANGUAGE")),
        links=safe_links(text(a) for a in as_list(event.get("ATTACH"))),
    )


def _moment(prop: Any, tz: tzinfo) -> datetime | None:
    """An aware datetime from DTSTART/DTEND; floating times are read in ``tz``; dates are not times."""
    value = _value(prop)
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=tz)


def _is_floating(prop: Any) -> bool:
    """A time without a zone (neither TZID nor "Z"): only then does the conference zone matter."""
    value = _value(prop)
    return isinstance(value, datetime) and value.tzinfo is None


def _end(event: icalendar.Event, start: datetime, tz: tzinfo, title: str, source: str) -> datetime:
    end = _moment(event.get("DTEND"), tz)
    if end is not None and end >= start:
        return end
    duration = _value(event.get("DURATION"))
    return session_end(start, duration if isinstance(duration, timedelta) else None, title, source)


def _value(prop: Any) -> Any:
    """A date/time property's value; None when absent or unreadable (icalendar keeps a broken
    property as ``vBroken``, whose ``.dt`` raises)."""
    try:
        return getattr(prop, "dt", None)
    except ValueError:
        return None


def _categories(event: icalendar.Event) -> list[str]:
    names: list[str] = []
    for prop in as_list(event.get("CATEGORIES")):
        names.extend(text(c) for c in getattr(prop, "cats", [prop]))
    return [n for n in names if n]


def _is_sched(calendar: icalendar.Calendar, events: list[icalendar.Event]) -> bool:
    """A Sched export (``https://EVENT.sched.com/all.ics``): its PRODID, or its events' addresses."""
    if "sched.com" in text(calendar.get("PRODID")).lower():
        return True
    return any(url_host(text(e.get("URL"))).endswith(".sched.com") for e in events[:20])


def _described_speakers(description: str) -> tuple[tuple[str, ...], str]:
    """The people named on "Speakers: ..." lines of a description, and the description without them."""
    names: list[str] = []
    kept: list[str] = []
    for line in description.splitlines():
        match = _PEOPLE_LINE.match(line)
        if match:
            names.extend(split_names(match["names"]))
        else:
            kept.append(line)
    return unique(names), "\n".join(kept).strip()


def _speakers(event: icalendar.Event) -> tuple[str, ...]:
    """Attendees named with CN (pretalx puts speakers only in the SUMMARY, which we leave alone)."""
    attendees = as_list(event.get("ATTENDEE"))
    return unique(text(getattr(a, "params", {}).get("CN")) for a in attendees)
