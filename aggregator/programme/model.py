"""The imported programme: conference facts plus its sessions, whatever format it came from."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from functools import cached_property

from aggregator.models import Session
from aggregator.programme.lenient import is_break, zone
from aggregator.sanitize import is_showable_time

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProgrammeDay:
    """One programme day as the programme declares it; a day may run past midnight."""

    date: date
    start: datetime | None = None
    end: datetime | None = None

    def holds(self, moment: datetime) -> bool:
        return self.start is not None and self.end is not None and self.start <= moment < self.end


@dataclass(frozen=True)
class Programme:
    """A conference programme. ``sessions`` are sorted by start, then room (in programme order)."""

    title: str
    acronym: str
    timezone: str  # IANA name: the programme's own, else the one the caller gave, else "UTC"
    url: str
    start: datetime | None  # first session start (or the declared conference start when empty)
    end: datetime | None  # last session end (or the declared conference end)
    sessions: tuple[Session, ...]
    rooms: tuple[str, ...]  # rooms that hold sessions, in programme order
    days: tuple[date, ...]
    day_bounds: tuple[ProgrammeDay, ...] = field(default=(), repr=False)
    zone_declared: bool = True  # False: the programme names no zone; naive times were read in the caller's

    def session(self, session_id: str) -> Session | None:
        return self._by_id.get(session_id)

    @cached_property
    def _by_id(self) -> dict[str, Session]:
        return {s.id: s for s in self.sessions}

    def day_of(self, session: Session) -> date:
        """The programme day a session belongs to: a 00:30 talk belongs to the evening before
        when the programme says that day runs until 06:00."""
        for day in self.day_bounds:
            if day.holds(session.start):
                return day.date
        tz = zone(self.timezone)
        return session.start.astimezone(tz).date() if tz else session.start.date()


@dataclass(frozen=True)
class ProgrammeHeader:
    """What a format says about the conference itself, before its sessions are known."""

    title: str = ""
    acronym: str = ""
    timezone: str = ""
    url: str = ""
    start: datetime | None = None
    end: datetime | None = None
    rooms: tuple[str, ...] = ()  # declared room order
    days: tuple[ProgrammeDay, ...] = ()
    zone_declared: bool = True


def assemble(header: ProgrammeHeader, sessions: Iterable[Session], *, source: str = "") -> Programme:
    """Drop breaks and repeated ids, sort, and derive rooms, days and the time span."""
    kept = _without_breaks(_first_of_each_id(_within_the_calendar(sessions, source), source), source)
    rooms = _room_order(header.rooms, kept)
    rank = {room: index for index, room in enumerate(rooms)}
    ordered = tuple(sorted(kept, key=lambda s: (s.start, rank.get(s.room, len(rank)), s.id)))
    programme = Programme(
        title=header.title,
        acronym=header.acronym,
        timezone=header.timezone or "UTC",
        url=header.url,
        start=min((s.start for s in ordered), default=header.start),
        end=max((s.end for s in ordered), default=header.end),
        sessions=ordered,
        rooms=rooms,
        days=(),
        day_bounds=header.days,
        zone_declared=header.zone_declared,
    )
    return replace(programme, days=_days(programme, header.days))


def merge_sessions(programme: Programme, extra: Sequence[Session]) -> Programme:
    """Add sessions to a programme; one with the id of an existing session replaces it."""
    if not extra:
        return programme
    replaced = {s.id for s in extra}
    header = ProgrammeHeader(
        title=programme.title,
        acronym=programme.acronym,
        timezone=programme.timezone,
        url=programme.url,
        start=programme.start,
        end=programme.end,
        rooms=programme.rooms,
        days=programme.day_bounds,
        zone_declared=programme.zone_declared,
    )
    kept = [s for s in programme.sessions if s.id not in replaced]
    return assemble(header, [*kept, *extra], source="inline sessions")


def session_end(start: datetime, duration: timedelta | None, title: str, source: str) -> datetime:
    """Start plus duration; a session without a readable duration is kept, zero minutes long."""
    if duration is None:
        log.warning("%s: session %r has no readable duration; kept with zero length", source, title)
        return start
    try:
        return start + duration
    except OverflowError:  # ends after the year 9999
        log.warning("%s: session %r has a duration that ends past the calendar; kept with zero length", source, title)
        return start


@dataclass(frozen=True)
class ZoneChoice:
    """The zone a programme's naive times are read in, and whether the programme named it itself."""

    name: str
    tz: tzinfo
    declared: bool


def programme_zone(declared: Iterable[str], fallback: str | None) -> ZoneChoice:
    """The first known zone the programme names; else ``fallback`` (the conference's), else UTC."""
    for name in declared:
        tz = zone(name)
        if tz is not None:
            return ZoneChoice(name.strip(), tz, True)
        if name.strip():
            log.warning("unknown time zone %r ignored", name)
    name, tz = resolve_zone(fallback or "")
    return ZoneChoice(name, tz, False)


def resolve_zone(*names: str) -> tuple[str, tzinfo]:
    """The first known IANA zone among ``names`` (empty ones skipped), else UTC."""
    for name in names:
        tz = zone(name)
        if tz is not None:
            return name.strip(), tz
        if name.strip():
            log.warning("unknown time zone %r ignored", name)
    return "UTC", zone("UTC")  # type: ignore[return-value]


def _first_of_each_id(sessions: Iterable[Session], source: str) -> list[Session]:
    seen: dict[str, Session] = {}
    for session in sessions:
        if session.id in seen:
            log.warning("%s: event id %s appears twice; keeping the first (%r)", source, session.id, seen[session.id].title)
            continue
        seen[session.id] = session
    return list(seen.values())


def _within_the_calendar(sessions: Iterable[Session], source: str) -> Iterator[Session]:
    for session in sessions:
        if is_showable_time(session.start) and is_showable_time(session.end):
            yield session
        else:
            log.warning("%s: event %s skipped: its time lies at the edge of the calendar", source, session.id)


def _without_breaks(sessions: list[Session], source: str) -> list[Session]:
    kept = [s for s in sessions if not is_break(s.title, s.kind)]
    if len(kept) < len(sessions):
        log.debug("%s: %d breaks left out of the sessions", source, len(sessions) - len(kept))
    return kept


def _room_order(declared: tuple[str, ...], sessions: list[Session]) -> tuple[str, ...]:
    used = {s.room for s in sessions if s.room}
    by_start = (s.room for s in sorted(sessions, key=lambda s: s.start) if s.room)
    return tuple(dict.fromkeys([*(r for r in declared if r in used), *by_start]))


def _days(programme: Programme, declared: tuple[ProgrammeDay, ...]) -> tuple[date, ...]:
    from_sessions = {programme.day_of(s) for s in programme.sessions}
    return tuple(sorted(from_sessions | {d.date for d in declared}))
