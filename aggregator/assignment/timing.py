"""Time: which sessions could a post at a given moment be about, and how likely by time alone.

A post can be about a session from ``lead_minutes`` before its start ("next up in room 2")
to ``reflection_minutes`` after its end ("still thinking about..."). Inside the session the
time prior falls from 1 at its start to RUNNING_FLOOR at its end (live-threads begin early in a
talk); before the start it ramps up, after the end it fades.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from aggregator.models import Session

LONG_SESSION = timedelta(hours=4)  # longer ones (all-day workshops) are checked separately, not via the start slice
BEFORE_START_FLOOR = 0.3  # prior at the very start of the lead window
# Live posts come while a talk runs; after its end, who still writes about it mostly says so
# ("that talk": the reflective prior below), so a post that does not look back is about the
# session running now well before one that has just ended.
RUNNING_FLOOR = 0.8  # live-threads begin early in a talk: the prior falls to this at its end
AFTER_END_CEILING = 0.3  # prior right after the end...
AFTER_END_FLOOR = 0.1  # ...fading to this at the end of the reflection window
# A post that looks back ("still thinking about that talk") is about a session that is over:
# its window reaches further back, ended sessions lead and running or upcoming ones fall behind.
REFLECTIVE_STRETCH = 3
REFLECTIVE_RUNNING = 0.2
REFLECTIVE_UPCOMING = 0.1
REFLECTIVE_FLOOR = 0.5  # prior at the end of the reflection window...
REFLECTIVE_HALF_LIFE = 0.5  # ...then halving every this share of the window, up to the stretched reach
DISTANT_HALF_LIFE = timedelta(hours=1)
# A plenary (a keynote, the only session running while parallel rooms are otherwise in use) was
# seen by everyone, and people write about it long after: its reflection window is this much longer.
PLENARY_STRETCH = 3
MICROSECOND = timedelta(microseconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)


class TimeIndex:
    def __init__(self, sessions: Sequence[Session], lead_minutes: int, reflection_minutes: int) -> None:
        self.sessions = sessions
        self.lead = timedelta(minutes=lead_minutes)
        self.reflection = timedelta(minutes=reflection_minutes)
        regular = [i for i, s in enumerate(sessions) if s.end - s.start <= LONG_SESSION]
        self.long = [i for i, s in enumerate(sessions) if s.end - s.start > LONG_SESSION]
        regular.sort(key=lambda i: sessions[i].start)
        self.order = regular
        self.max_length = max((sessions[i].end - sessions[i].start for i in regular), default=timedelta(0))
        self.plenary = _plenaries(sessions)
        self.reflective_reach = self.reflection * REFLECTIVE_STRETCH
        self.longest_reach = self.reflective_reach * (PLENARY_STRETCH if self.plenary else 1)
        self.weight = _length_weights(sessions)
        # The priors are read millions of times at 100k posts: each session's instants and windows
        # are kept once as whole microseconds, which give exactly the floats timedelta arithmetic gives.
        self._start = [_micros(s.start) for s in sessions]
        self._end = [_micros(s.end) for s in sessions]
        # how much of the running prior is lost per microsecond into each session
        self._running_fall = [(1.0 - RUNNING_FLOOR) / (end - start) if end > start else 0.0
                              for start, end in zip(self._start, self._end, strict=True)]
        reflections = [self.reflection_of(s) for s in sessions]
        self._reflection = [r // MICROSECOND for r in reflections]
        self._half_life = [(r * REFLECTIVE_HALF_LIFE) // MICROSECOND for r in reflections]
        self._lead = self.lead // MICROSECOND
        self._order_starts = [self._start[i] for i in regular]
        self._before_window = (self.longest_reach + self.max_length) // MICROSECOND
        self.room_busy_until = _previous_in_room_end(sessions)
        self._busy_until = [_micros(self.room_busy_until[s.id]) if s.id in self.room_busy_until else None for s in sessions]

    def reflection_of(self, session: Session) -> timedelta:
        """How long after its end a post may still be about ``session`` (longer for a plenary)."""
        return self.reflection * PLENARY_STRETCH if session.id in self.plenary else self.reflection

    def candidates(self, moment: datetime, reflective: bool = False) -> dict[int, float]:
        """Session index -> time prior (0 < prior <= 1) for every session whose window holds ``moment``."""
        at = _micros(moment)
        low = bisect.bisect_left(self._order_starts, at - self._before_window)
        high = bisect.bisect_right(self._order_starts, at + self._lead)
        prior = self._reflective_prior if reflective else self._prior
        found: dict[int, float] = {}
        for index in (*self.order[low:high], *self.long):
            value = prior(index, at)
            if value > 0.0:
                found[index] = value * self.weight[index]
        return found

    def _reflective_prior(self, index: int, at: int) -> float:
        start, end = self._start[index], self._end[index]
        if at < start:
            return REFLECTIVE_UPCOMING if start - at <= self._lead else 0.0
        if at <= end:
            return REFLECTIVE_RUNNING
        late = at - end
        reflection = self._reflection[index]
        if late > reflection * REFLECTIVE_STRETCH:
            return 0.0
        if late <= reflection:
            return 1.0 - (1.0 - REFLECTIVE_FLOOR) * _share(late, reflection)
        # Looking back comes mostly within the reflection window; a session ended long before is
        # "that talk" only if the text says so clearly.
        return REFLECTIVE_FLOOR * 0.5 ** _share(late - reflection, self._half_life[index])

    def _prior(self, index: int, at: int) -> float:
        start, end = self._start[index], self._end[index]
        if start <= at <= end:
            return 1.0 - self._running_fall[index] * (at - start)
        if at < start:
            early = start - at
            if early > self._lead:
                return 0.0
            busy_until = self._busy_until[index]
            if busy_until is not None and at < busy_until:
                return BEFORE_START_FLOOR  # the talk before it in its room is still running
            return 1.0 - (1.0 - BEFORE_START_FLOOR) * _share(early, self._lead)
        late = at - end
        reflection = self._reflection[index]
        if late > reflection:
            return 0.0
        return AFTER_END_CEILING - (AFTER_END_CEILING - AFTER_END_FLOOR) * _share(late, reflection)

    def distant_prior(self, session: Session, moment: datetime, floor: float) -> float:
        """Prior of a session outside the time window, reached by what the post names or quotes:
        after the reflection window it fades (halving every DISTANT_HALF_LIFE) down to ``floor``;
        a session still to come gets ``floor``."""
        late = moment - session.end - self.reflection_of(session)
        if late < timedelta(0):
            return floor
        return max(floor, AFTER_END_FLOOR * 0.5 ** (late / DISTANT_HALF_LIFE))

    def describe(self, session: Session, moment: datetime) -> str:
        if session.start <= moment <= session.end:
            return f"during the session ({_minutes(moment - session.start)} min in)"
        if moment < session.start:
            busy = " (the talk before it in the room still running)" if moment < self.room_busy_until.get(session.id, moment) else ""
            return f"{_minutes(session.start - moment)} min before it starts{busy}"
        return f"{_minutes(moment - session.end)} min after it ends"

    def following(self, index: int, moment: datetime) -> list[int]:
        """Sessions in the same room as session ``index`` that start after it ends and whose time
        window holds ``moment`` (the next talk in that room)."""
        previous = self.sessions[index]
        return [
            other
            for other in self.candidates(moment)
            if other != index
            and self.sessions[other].room == previous.room
            and self.sessions[other].start >= previous.end
        ]


MAX_OFFSET = timedelta(hours=3)
OFFSET_STEP = timedelta(minutes=5)
ZONE_STEP = timedelta(minutes=30)  # time zones differ by whole or half hours
MIN_OFFSET_THREADS = 12  # fewer threads naming a session say nothing reliable about the clock
OFFSET_GAIN = 1.5  # an offset must fit this many times more of them than the programme's own clock
LIVE_SLACK = timedelta(minutes=10)  # live posts trail the end of a talk by a few minutes


def estimate_offset(named: Sequence[tuple[datetime, Session]]) -> timedelta:
    """How far the programme's clock is off, from threads that name one session each (by title,
    speaker, handle, link): the shift that puts the most of them inside their session's time.

    Zero unless a shift fits clearly more of them than the programme as published (a programme
    read in the wrong time zone, a day that ran an hour late)."""
    if len(named) < MIN_OFFSET_THREADS:
        return timedelta(0)

    def fitting(offset: timedelta) -> int:
        return sum(1 for moment, s in named if s.start + offset <= moment <= s.end + offset + LIVE_SLACK)

    steps = int(MAX_OFFSET / OFFSET_STEP)
    scores = {OFFSET_STEP * k: fitting(OFFSET_STEP * k) for k in range(-steps, steps + 1)}
    top = max(scores.values())
    if top < max(MIN_OFFSET_THREADS / 2, OFFSET_GAIN * scores[timedelta(0)]):
        return timedelta(0)
    # Several shifts may fit as many: posts trail a talk by minutes (and overruns), which blurs the
    # early edge, but none is about a talk before it began, so the latest such shift puts the first
    # posts at their talks' real starts. A wrong or missing time zone is off by whole or half hours:
    # the latest such shift among them, when there is one.
    best = [shift for shift, score in scores.items() if score == top]
    zone_like = [shift for shift in best if shift % ZONE_STEP == timedelta(0)]
    return max(zone_like or best)


def shifted(sessions: Sequence[Session], offset: timedelta) -> tuple[Session, ...]:
    """The sessions as they really ran, ``offset`` later than the programme says."""
    return tuple(replace(s, start=s.start + offset, end=s.end + offset) for s in sessions)


def _plenaries(sessions: Sequence[Session]) -> frozenset[str]:
    """Ids of the sessions that run alone, in a programme where most run in parallel (keynotes,
    a closing talk). A mostly single-track programme has none: there every talk runs alone.
    All-day sessions (workshops, open spaces) do not count as running beside them."""
    ordered = sorted((s for s in sessions if s.end - s.start <= LONG_SESSION), key=lambda s: s.start)
    alone: list[str] = []
    latest_end: datetime | None = None  # of the sessions starting before the current one
    for position, session in enumerate(ordered):
        after = ordered[position + 1] if position + 1 < len(ordered) else None
        overlaps_earlier = latest_end is not None and latest_end > session.start
        overlaps_later = after is not None and after.start < session.end
        if not overlaps_earlier and not overlaps_later:
            alone.append(session.id)
        latest_end = session.end if latest_end is None else max(latest_end, session.end)
    return frozenset(alone) if len(alone) < len(ordered) / 2 else frozenset()


def _previous_in_room_end(sessions: Sequence[Session]) -> dict[str, datetime]:
    """Session id -> when its room is free: the end of the session before it there (at the latest
    its own start). Until then that talk is running, and a post in the room is about it."""
    by_room: dict[str, list[Session]] = {}
    for session in sessions:
        if session.room and session.end - session.start <= LONG_SESSION:
            by_room.setdefault(session.room, []).append(session)
    found: dict[str, datetime] = {}
    for room_sessions in by_room.values():
        room_sessions.sort(key=lambda s: (s.start, s.end))
        for previous, session in zip(room_sessions, room_sessions[1:], strict=False):
            if previous.start < session.start:
                found[session.id] = min(previous.end, session.start)
    return found


def _length_weights(sessions: Sequence[Session]) -> list[float]:
    """Sessions much longer than usual (all-day workshops, open spaces) draw fewer posts per minute:
    their prior shrinks with the square root of how much longer than the median they run."""
    lengths = sorted(max(s.end - s.start, timedelta(minutes=1)) for s in sessions)
    if not lengths:
        return []
    median = lengths[len(lengths) // 2]
    return [min(1.0, (median / max(s.end - s.start, timedelta(minutes=1))) ** 0.5) for s in sessions]


def _share(part: int, whole: int) -> float:
    """``part / whole`` of two spans in microseconds (what dividing the two timedeltas gives)."""
    return part / whole if whole else 1.0


def _micros(moment: datetime) -> int:
    """``moment`` as whole microseconds since the epoch (naive moments from a naive epoch)."""
    return (moment - (_EPOCH if moment.tzinfo is not None else _NAIVE_EPOCH)) // MICROSECOND


def _minutes(delta: timedelta) -> int:
    return math.floor(delta.total_seconds() / 60)


MIN_OVERRUN = timedelta(minutes=8)  # live posts trail a talk's end by a few minutes: that is no overrun
MAX_OVERRUN = timedelta(minutes=30)  # later than this, clued posts are reflections, not the talk still running
OVERRUN_AUTHORS = 2  # one late live-poster is a slow typist; two say the session ran over


def overruns(late_posts: dict[int, list[tuple[str, datetime]]], sessions: Sequence[Session]) -> dict[int, timedelta]:
    """How long past its programmed end each session ran, from ``late_posts`` ((author, time) of the
    posts of its confidently filed live threads): the lateness reached by at least OVERRUN_AUTHORS
    authors, when it is at least MIN_OVERRUN."""
    found: dict[int, timedelta] = {}
    for index, posts in late_posts.items():
        end = sessions[index].end
        latest: dict[str, timedelta] = {}
        for author, moment in posts:
            past = moment - end
            if timedelta(0) < past <= MAX_OVERRUN:
                latest[author] = max(latest.get(author, past), past)
        if len(latest) < OVERRUN_AUTHORS:
            continue
        overrun = sorted(latest.values())[-OVERRUN_AUTHORS]
        if overrun >= MIN_OVERRUN:
            found[index] = overrun
    return found


def stretched(sessions: Sequence[Session], overrun: dict[int, timedelta]) -> tuple[Session, ...]:
    """The sessions with their overruns: each overrunning one ends later, and the next one in its
    room, if it followed back to back, starts when it is over (keeping at least half its length)."""
    result = list(sessions)
    by_room: dict[str, list[int]] = {}
    for index, session in enumerate(sessions):
        if session.room:
            by_room.setdefault(session.room, []).append(index)
    for index, late in overrun.items():
        result[index] = replace(sessions[index], end=sessions[index].end + late)
    for indices in by_room.values():
        indices.sort(key=lambda i: sessions[i].start)
        for previous, index in zip(indices, indices[1:], strict=False):
            pushed, session = result[previous].end, result[index]
            if previous in overrun and sessions[previous].end <= session.start < pushed:
                start = min(pushed, session.start + (session.end - session.start) / 2)
                result[index] = replace(session, start=start, end=max(session.end, start))
    return tuple(result)


CATCH_UP_BREAK = timedelta(minutes=30)  # a break this long (lunch, the night) lets a late room catch up


def carried_overruns(overrun: dict[int, timedelta], sessions: Sequence[Session]) -> dict[int, timedelta]:
    """``overrun`` with each room's lateness carried on: a talk that follows one that ran over, in the
    same room and with no break to catch up, runs as late (unless its own posts measured it)."""
    by_room: dict[str, list[int]] = {}
    for index, session in enumerate(sessions):
        if session.room and session.end - session.start <= LONG_SESSION:
            by_room.setdefault(session.room, []).append(index)
    found = dict(overrun)
    for indices in by_room.values():
        indices.sort(key=lambda i: sessions[i].start)
        for previous, index in zip(indices, indices[1:], strict=False):
            back_to_back = sessions[index].start - sessions[previous].end < CATCH_UP_BREAK
            if previous in found and index not in overrun and back_to_back:
                found[index] = found[previous]
    return found
