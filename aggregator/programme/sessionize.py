"""Sessionize's public JSON API (``https://sessionize.com/api/v2/ID/view/VIEW``), in its three programme views.

- ``All``: ``{"sessions", "speakers", "rooms", "categories", "questions"}``; a session names its
  speakers, room and category items by id.
- ``Sessions``: a list of groups (by day or track), each ``{"groupName", "sessions": [...]}``; a
  session carries ``speakers: [{id, name}]``, ``room`` and ``categories: [{name, categoryItems}]``.
- ``GridSmart`` (the schedule grid): a list of days ``{"date", "rooms": [{"name", "sessions"}], "timeSlots"}``.

Times carry no offset: they are the venue's wall-clock, read in the conference zone. A session
without ``endsAt`` lasts until the next one in its room. Service sessions (breaks, registration)
are not sessions.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import tzinfo
from typing import Any

from aggregator.errors import ProgrammeError
from aggregator.models import Session
from aggregator.programme.lenient import as_list, digest_id, parse_datetime, plain_text, safe_links, text, unique
from aggregator.programme.model import Programme, ProgrammeHeader, assemble, programme_zone, session_end

log = logging.getLogger(__name__)

_TRACK_WORDS = ("track", "stream", "theme", "topic")
_KIND_WORDS = ("format", "type", "kind")


@dataclass(frozen=True)
class _Lookups:
    """The ``All`` view's tables: what the ids in a session stand for."""

    speakers: Mapping[str, str]
    rooms: Mapping[str, str]
    items: Mapping[str, tuple[str, str]]  # category item id -> (category title, item name)


@dataclass(frozen=True)
class _Slot:
    session: Session
    open_end: bool  # the export gave no end: it lasts until the next session in its room
    service: bool


def is_sessionize(document: Any) -> bool:
    """Whether a JSON document has the shape of one of Sessionize's programme views."""
    if isinstance(document, dict):
        return isinstance(document.get("sessions"), list) and any(k in document for k in ("rooms", "speakers", "categories"))
    if isinstance(document, list) and document and all(isinstance(item, dict) for item in document):
        first = document[0]
        return isinstance(first.get("sessions"), list) or isinstance(first.get("timeSlots"), list)
    return False


def parse_sessionize(document: Any, source: str, timezone: str | None = None) -> Programme:
    if not is_sessionize(document):
        raise ProgrammeError(f"{source}: JSON is not a Sessionize All, Sessions or schedule-grid view")
    choice = programme_zone((), timezone)
    lookups = _lookups(document)
    slots = [s for s in (_slot(raw, lookups, choice.tz, source) for raw in _unique_raw(document)) if s]
    header = ProgrammeHeader(timezone=choice.name, zone_declared=choice.declared, rooms=_room_order(document))
    sessions = [slot.session for slot in _close_open_ends(slots, source) if not slot.service]
    return assemble(header, sessions, source=source)


def _raw_sessions(document: Any) -> Iterator[dict[str, Any]]:
    if isinstance(document, dict):
        yield from (s for s in as_list(document.get("sessions")) if isinstance(s, dict))
        return
    for group in document:
        yield from (s for s in as_list(group.get("sessions")) if isinstance(s, dict))
        for room in as_list(group.get("rooms")):
            if isinstance(room, dict):
                yield from (s for s in as_list(room.get("sessions")) if isinstance(s, dict))
        for time_slot in as_list(group.get("timeSlots")):
            for cell in as_list(time_slot.get("rooms") if isinstance(time_slot, dict) else None):
                if isinstance(cell, dict) and isinstance(cell.get("session"), dict):
                    yield cell["session"]


def _unique_raw(document: Any) -> list[dict[str, Any]]:
    """Each session once: the grid lists a session in its room and again in its time slot, a
    plenum session in every room, and grouped views can list one under several groups."""
    seen: dict[str, dict[str, Any]] = {}
    for raw in _raw_sessions(document):
        key = text(raw.get("id")) or f"{text(raw.get('title'))}|{text(raw.get('startsAt'))}"
        seen.setdefault(key, raw)
    return list(seen.values())


def _lookups(document: Any) -> _Lookups:
    if not isinstance(document, dict):
        return _Lookups({}, {}, {})
    speakers = {text(s.get("id")): _speaker_name(s) for s in as_list(document.get("speakers")) if isinstance(s, dict)}
    rooms = {text(r.get("id")): text(r.get("name")) for r in as_list(document.get("rooms")) if isinstance(r, dict)}
    items: dict[str, tuple[str, str]] = {}
    for category in as_list(document.get("categories")):
        if isinstance(category, dict):
            title = text(category.get("title")) or text(category.get("name"))
            for item in as_list(category.get("items")):
                if isinstance(item, dict):
                    items[text(item.get("id"))] = (title, text(item.get("name")))
    return _Lookups(speakers, rooms, items)


def _speaker_name(speaker: Mapping[str, Any]) -> str:
    full = text(speaker.get("fullName")) or text(speaker.get("name"))
    return full or " ".join(filter(None, (text(speaker.get("firstName")), text(speaker.get("lastName")))))


def _slot(raw: Mapping[str, Any], lookups: _Lookups, tz: tzinfo, source: str) -> _Slot | None:
    title = text(raw.get("title"))
    start = parse_datetime(raw.get("startsAt"), tz)
    if not title or start is None:
        problem = "no title" if not title else "not scheduled (no readable startsAt)"
        log.info("%s: session %s skipped: %s", source, text(raw.get("id")) or "?", problem)
        return None
    end = parse_datetime(raw.get("endsAt"), tz)
    categories = _categories(raw, lookups)
    session = Session(
        id=text(raw.get("id")),
        title=title,
        start=start,
        end=end if end is not None and end >= start else start,
        room=_room(raw, lookups),
        speakers=_speakers(raw, lookups),
        abstract=plain_text(raw.get("description")),
        track=_pick(categories, _TRACK_WORDS, fallback=True),
        kind=_pick(categories, _KIND_WORDS),
        links=safe_links(text(raw.get(key)) for key in ("liveUrl", "recordingUrl")),
    )
    if not session.id:
        session = replace(session, id=digest_id("sessionize", title, start))
    return _Slot(session, open_end=end is None, service=raw.get("isServiceSession") is True)


def _room(raw: Mapping[str, Any], lookups: _Lookups) -> str:
    room = raw.get("room")
    if isinstance(room, dict):
        return text(room.get("name"))
    return text(room) or lookups.rooms.get(text(raw.get("roomId")), "")


def _speakers(raw: Mapping[str, Any], lookups: _Lookups) -> tuple[str, ...]:
    names = []
    for speaker in as_list(raw.get("speakers")):
        names.append(_speaker_name(speaker) if isinstance(speaker, dict) else lookups.speakers.get(text(speaker), ""))
    return unique(names)


def _categories(raw: Mapping[str, Any], lookups: _Lookups) -> list[tuple[str, str]]:
    """(category title, item name) pairs from inline ``categories`` or ``categoryItems`` ids."""
    pairs: list[tuple[str, str]] = []
    for category in as_list(raw.get("categories")):
        if isinstance(category, dict):
            title = text(category.get("name")) or text(category.get("title"))
            pairs.extend((title, text(i.get("name"))) for i in as_list(category.get("categoryItems")) if isinstance(i, dict))
    for item in as_list(raw.get("categoryItems")):
        pair = (text(item.get("name")), text(item.get("name"))) if isinstance(item, dict) else lookups.items.get(text(item))
        if pair:
            pairs.append(pair)
    return [(title, name) for title, name in pairs if name]


def _pick(categories: list[tuple[str, str]], words: tuple[str, ...], *, fallback: bool = False) -> str:
    """The first item of a category whose title holds one of ``words`` ("Track", "Session format")."""
    for title, name in categories:
        if any(word in title.lower() for word in words):
            return name
    untyped = [name for title, name in categories if not any(w in title.lower() for w in (*_TRACK_WORDS, *_KIND_WORDS))]
    return untyped[0] if fallback and untyped else ""


def _close_open_ends(slots: list[_Slot], source: str) -> list[_Slot]:
    """A session without an end lasts until the next one in its room that day (service sessions
    included); the day's last one is kept zero minutes long."""
    by_room: dict[str, list[_Slot]] = {}
    for slot in sorted(slots, key=lambda s: s.session.start):
        by_room.setdefault(slot.session.room, []).append(slot)
    closed: list[_Slot] = []
    for room_slots in by_room.values():
        for slot, following in zip(room_slots, [*room_slots[1:], None], strict=True):
            closed.append(_closed(slot, following, source))
    return closed


def _closed(slot: _Slot, following: _Slot | None, source: str) -> _Slot:
    if not slot.open_end:
        return slot
    start = slot.session.start
    later = following.session.start if following is not None else None
    same_day = later is not None and later > start and later.date() == start.date()
    end = later if later is not None and same_day else session_end(start, None, slot.session.title, source)
    return replace(slot, session=replace(slot.session, end=end), open_end=False)


def _room_order(document: Any) -> tuple[str, ...]:
    if isinstance(document, dict):
        rooms = [r for r in as_list(document.get("rooms")) if isinstance(r, dict)]
        rooms.sort(key=_sort_key)
        return unique(text(r.get("name")) for r in rooms)
    names = (text(r.get("name")) for day in document for r in as_list(day.get("rooms")) if isinstance(r, dict))
    return unique(names)


def _sort_key(room: Mapping[str, Any]) -> int:
    sort = room.get("sort")
    return sort if isinstance(sort, int) and not isinstance(sort, bool) else 0
