"""frab ``schedule.xml`` (frab, pretalx, c3voc): ``<schedule><conference/><day><room><event/>``."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import tzinfo
from typing import Any

from aggregator.errors import ProgrammeError
from aggregator.models import Session
from aggregator.programme.frab import EventContext, event_to_session
from aggregator.programme.lenient import parse_date, parse_datetime, text, unique
from aggregator.programme.model import Programme, ProgrammeDay, ProgrammeHeader, assemble, programme_zone

_SIMPLE_FIELDS = (
    "date", "start", "duration", "room", "slug", "url", "title", "subtitle", "language", "track", "type",
    "abstract", "description", "origin_url", "code",
)  # fmt: skip


def parse_frab_xml(data: bytes, source: str, timezone: str | None = None) -> Programme:
    root = _parse_root(data, source)
    conference = root.find("conference")
    choice = programme_zone((_child_text(conference, "time_zone_name"),), timezone)
    tz = choice.tz
    day_elements = root.findall("day")
    days = [_programme_day(day, tz) for day in day_elements]
    header = ProgrammeHeader(
        title=_child_text(conference, "title"),
        acronym=_child_text(conference, "acronym"),
        timezone=choice.name,
        zone_declared=choice.declared,
        url=_child_text(conference, "url") or _child_text(conference, "base_url"),
        start=parse_datetime(_child_text(conference, "start"), tz),
        end=parse_datetime(_child_text(conference, "end"), tz),
        rooms=unique(text(room.get("name")) for day in day_elements for room in day.findall("room")),
        days=tuple(day for day in days if day is not None),
    )
    base_url = _child_text(conference, "base_url") or header.url
    sessions: list[Session] = []
    for day_element, day in zip(day_elements, days, strict=False):
        for room in day_element.findall("room"):
            ctx = EventContext(source=source, zone=tz, day=day, room=text(room.get("name")), base_url=base_url)
            sessions.extend(s for s in (event_to_session(_event_dict(e), ctx) for e in room.findall("event")) if s)
    return assemble(header, sessions, source=source)


def _parse_root(data: bytes, source: str) -> ET.Element:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = exc.position
        raise ProgrammeError(f"{source}: not well-formed XML at line {line}, column {column + 1}: {exc.msg}") from exc
    for element in root.iter():
        element.tag = str(element.tag).rpartition("}")[2]  # a default namespace must not hide <conference>
    if root.tag != "schedule":
        raise ProgrammeError(f"{source}: XML root element is <{root.tag}>, expected a frab <schedule>")
    return root


def _programme_day(day: ET.Element, tz: tzinfo) -> ProgrammeDay | None:
    day_date = parse_date(day.get("date"))
    if day_date is None:
        return None
    return ProgrammeDay(day_date, parse_datetime(day.get("start"), tz), parse_datetime(day.get("end"), tz))


def _event_dict(event: ET.Element) -> dict[str, Any]:
    """An ``<event>`` in the shape of a frab JSON event."""
    fields: dict[str, Any] = {name: _child_text(event, name) for name in _SIMPLE_FIELDS}
    fields["id"] = text(event.get("id")) or _child_text(event, "id")
    fields["guid"] = text(event.get("guid")) or _child_text(event, "guid")
    fields["persons"] = [_person(p) for p in event.iterfind("persons/person")]
    fields["links"] = [text(link.get("href")) or text(link.text) for link in event.iterfind("links/link")]
    fields["attachments"] = [text(a.get("href")) or text(a.text) for a in event.iterfind("attachments/attachment")]
    return fields


def _person(person: ET.Element) -> str:
    return text(person.text) or text(person.get("name")) or text(person.get("public_name"))


def _child_text(element: ET.Element | None, name: str) -> str:
    if element is None:
        return ""
    child = element.find(name)
    return text("".join(child.itertext())) if child is not None else ""
