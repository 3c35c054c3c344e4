"""frab/pretalx ``schedule.json``: ``{"schedule": {"conference": {"days": [{"rooms": {name: [events]}}]}}}``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import tzinfo
from typing import Any

from aggregator.errors import ProgrammeError
from aggregator.models import Session
from aggregator.programme.frab import EventContext, event_to_session
from aggregator.programme.lenient import as_list, parse_date, parse_datetime, text, unique
from aggregator.programme.model import Programme, ProgrammeDay, ProgrammeHeader, assemble, programme_zone


def parse_frab_json(document: Any, source: str, timezone: str | None = None) -> Programme:
    conference = _conference(document, source)
    choice = programme_zone((text(conference.get("time_zone_name")), text(conference.get("timezone"))), timezone)
    tz = choice.tz
    raw_days = [d for d in as_list(conference.get("days")) if isinstance(d, dict)]
    days = [_programme_day(day, tz) for day in raw_days]
    header = ProgrammeHeader(
        title=text(conference.get("title")),
        acronym=text(conference.get("acronym")),
        timezone=choice.name,
        zone_declared=choice.declared,
        url=text(conference.get("url")) or text(_schedule(document).get("base_url")),
        start=parse_datetime(conference.get("start"), tz),
        end=parse_datetime(conference.get("end"), tz),
        rooms=unique([*_declared_rooms(conference), *(room for day in raw_days for room, _ in _rooms(day))]),
        days=tuple(day for day in days if day is not None),
    )
    base_url = text(_schedule(document).get("base_url")) or header.url
    sessions: list[Session] = []
    for raw_day, day in zip(raw_days, days, strict=False):
        for room, events in _rooms(raw_day):
            ctx = EventContext(source=source, zone=tz, day=day, room=room, base_url=base_url)
            sessions.extend(s for s in (event_to_session(e, ctx) for e in events if isinstance(e, dict)) if s)
    return assemble(header, sessions, source=source)


def _schedule(document: Any) -> dict[str, Any]:
    schedule = document.get("schedule") if isinstance(document, dict) else None
    return schedule if isinstance(schedule, dict) else {}


def _conference(document: Any, source: str) -> dict[str, Any]:
    conference = _schedule(document).get("conference")
    if not isinstance(conference, dict):
        raise ProgrammeError(f"{source}: JSON has no schedule.conference object, so it is not a frab/pretalx schedule.json")
    return conference


def _declared_rooms(conference: dict[str, Any]) -> Iterator[str]:
    for room in as_list(conference.get("rooms")):
        yield text(room.get("name")) if isinstance(room, dict) else text(room)


def _rooms(day: dict[str, Any]) -> Iterator[tuple[str, list[Any]]]:
    """(room name, events) from ``{"Room": [events]}`` or from a list of ``{"name", "events"}``."""
    rooms = day.get("rooms")
    if isinstance(rooms, dict):
        for name, events in rooms.items():
            yield text(name), as_list(events)
    else:
        for room in as_list(rooms):
            if isinstance(room, dict):
                yield text(room.get("name")), as_list(room.get("events") or room.get("talks"))


def _programme_day(day: dict[str, Any], tz: tzinfo) -> ProgrammeDay | None:
    day_date = parse_date(day.get("date"))
    if day_date is None:
        return None
    return ProgrammeDay(day_date, parse_datetime(day.get("day_start"), tz), parse_datetime(day.get("day_end"), tz))
