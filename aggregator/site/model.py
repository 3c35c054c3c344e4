"""The digest arranged the way the site shows it: sessions in programme order, their
threads, stable page names and the per-day programme grid.

Shared by the HTML pages, the feeds and ``sessions.json`` so all three agree on which
threads belong where (a placement naming a session the programme no longer has goes to
the hallway rather than vanishing).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from aggregator.clock import conference_zone
from aggregator.models import Digest, Placement, Post, Session, Thread
from aggregator.site.highlights import Highlights, link_titles, session_highlights

DAYS_DIR = "days"
_PLAIN_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")
_UNSAFE_SLUG_CHARS = re.compile(r"[^a-z0-9_-]+")


@dataclass(frozen=True)
class ThreadLink:
    """From one part of a live-thread split across consecutive sessions to another part's page."""

    label: str  # "continued from" or "continued in"
    session: Session  # where the other part is filed
    slug: str  # that session's page stem under sessions/
    root: Post  # the other part's first post: its anchor on that page


@dataclass(frozen=True)
class SessionView:
    session: Session
    slug: str  # file name stem under sessions/
    threads: tuple[Thread, ...]  # oldest first
    continuations: tuple[tuple[str, tuple[ThreadLink, ...]], ...] = ()  # (thread id, its links), split threads only

    def links_of(self, thread: Thread) -> tuple[ThreadLink, ...]:
        return next((links for thread_id, links in self.continuations if thread_id == thread.id), ())

    @property
    def post_count(self) -> int:
        return sum(len(thread.posts) for thread in self.threads)

    @property
    def posts(self) -> tuple[Post, ...]:
        return tuple(post for thread in self.threads for post in thread.posts)


@dataclass(frozen=True)
class TimeSlot:
    start: datetime  # in the conference timezone
    sessions: tuple[SessionView, ...]  # in room order


@dataclass(frozen=True)
class ProgrammeDay:
    day: date
    slots: tuple[TimeSlot, ...]

    @property
    def post_count(self) -> int:
        return sum(view.post_count for slot in self.slots for view in slot.sessions)


@dataclass(frozen=True)
class DayThreads:
    """The threads of one conference-local day (the hallway, split by day)."""

    day: date
    threads: tuple[Thread, ...]  # oldest first

    @property
    def post_count(self) -> int:
        return sum(len(thread.posts) for thread in self.threads)


@dataclass(frozen=True)
class DayPage:
    """One page per day: that day's programme and a pointer to its hallway."""

    day: date
    path: str  # site-relative page path, days/<YYYY-MM-DD>.html
    programme: ProgrammeDay | None
    hallway: DayThreads | None

    @property
    def post_count(self) -> int:
        sessions = self.programme.post_count if self.programme else 0
        return sessions + (self.hallway.post_count if self.hallway else 0)


class SiteModel:
    """Read-only view of a :class:`Digest` for rendering and export."""

    def __init__(self, digest: Digest) -> None:
        self.digest = digest
        self.conference = digest.conference
        self.timezone = conference_zone(digest.conference.timezone)

    @cached_property
    def sessions(self) -> tuple[SessionView, ...]:
        grouped = self._threads_by_session
        ordered = sorted(self.digest.sessions, key=lambda s: (s.start, self._room_rank(s.room), s.title))
        return tuple(self._view(s, tuple(grouped.get(s.id, ()))) for s in ordered)

    def _view(self, session: Session, threads: tuple[Thread, ...]) -> SessionView:
        links = self._thread_links
        continuations = tuple((t.id, links[t.id]) for t in threads if t.id in links)
        return SessionView(session, self._slugs[session.id], threads, continuations)

    @cached_property
    def _slugs(self) -> dict[str, str]:
        return session_slugs(self.digest.sessions)

    @cached_property
    def _thread_links(self) -> dict[str, tuple[ThreadLink, ...]]:
        """Each part of a split live-thread: links to its other parts filed under a session."""
        placements = self.placements_by_thread
        sessions = {session.id: session for session in self.digest.sessions}
        found: dict[str, tuple[ThreadLink, ...]] = {}
        for placement in self.digest.placements:
            links = []
            for label, other_id in (("continued from", placement.continued_from), ("continued in", placement.continued_in)):
                other = placements.get(other_id) if other_id is not None else None
                if other is not None and other.session_id in sessions:
                    session = sessions[other.session_id]
                    links.append(ThreadLink(label, session, self._slugs[session.id], other.thread.root))
            if links:
                found[placement.thread.id] = tuple(links)
        return found

    @cached_property
    def hallway(self) -> tuple[Thread, ...]:
        """Threads filed under no session, oldest first."""
        known = {session.id for session in self.digest.sessions}
        homeless = (p.thread for p in self.digest.placements if p.session_id not in known)
        return tuple(sorted(homeless, key=_thread_order))

    @cached_property
    def days(self) -> tuple[ProgrammeDay, ...]:
        by_day: dict[date, dict[datetime, list[SessionView]]] = {}
        for view in self.sessions:
            local_start = view.session.start.astimezone(self.timezone)
            by_day.setdefault(local_start.date(), {}).setdefault(local_start, []).append(view)
        return tuple(
            ProgrammeDay(day, tuple(TimeSlot(start, tuple(views)) for start, views in slots.items()))
            for day, slots in by_day.items()
        )

    @cached_property
    def hallway_days(self) -> tuple[DayThreads, ...]:
        """The hallway split by the conference-local day each thread started."""
        by_day: dict[date, list[Thread]] = {}
        for thread in self.hallway:
            by_day.setdefault(self.local_day(thread.started_at), []).append(thread)
        return tuple(DayThreads(day, tuple(threads)) for day, threads in sorted(by_day.items()))

    @cached_property
    def day_pages(self) -> tuple[DayPage, ...]:
        """Every day with programme or hallway posts, in order."""
        programme = {day.day: day for day in self.days}
        hallway = {day.day: day for day in self.hallway_days}
        return tuple(
            DayPage(day, f"{DAYS_DIR}/{day.isoformat()}.html", programme.get(day), hallway.get(day))
            for day in sorted(programme.keys() | hallway.keys())
        )

    @cached_property
    def placements_by_thread(self) -> dict[str, Placement]:
        return {placement.thread.id: placement for placement in self.digest.placements}

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.timezone).date()

    @property
    def post_count(self) -> int:
        return sum(len(p.thread.posts) for p in self.digest.placements)

    @property
    def sessions_with_posts(self) -> int:
        return sum(1 for view in self.sessions if view.threads)

    @property
    def hallway_post_count(self) -> int:
        return sum(len(thread.posts) for thread in self.hallway)

    def all_posts(self) -> tuple[Post, ...]:
        return tuple(post for p in self.digest.placements for post in p.thread.posts)

    @cached_property
    def post_span(self) -> tuple[datetime, datetime] | None:
        """The first and last post's times, None when there are no posts."""
        moments = [post.created_at for post in self.all_posts()]
        return (min(moments), max(moments)) if moments else None

    def highlights(self, view: SessionView) -> Highlights:
        return session_highlights(view.session, view.threads, self._link_titles)

    @cached_property
    def _link_titles(self) -> dict[str, str]:
        return link_titles(self.all_posts())

    def session_titles_by_post(self) -> dict[str, str]:
        return {post.id: view.session.title for view in self.sessions for post in view.posts}

    @cached_property
    def _threads_by_session(self) -> dict[str, list[Thread]]:
        grouped: dict[str, list[Thread]] = {}
        for placement in sorted(self.digest.placements, key=lambda p: _thread_order(p.thread)):
            if placement.session_id is not None:
                grouped.setdefault(placement.session_id, []).append(placement.thread)
        return grouped

    @cached_property
    def _room_order(self) -> dict[str, int]:
        """Rooms in the order the programme first mentions them (main hall usually first)."""
        order: dict[str, int] = {}
        for session in self.digest.sessions:
            order.setdefault(session.room, len(order))
        return order

    def _room_rank(self, room: str) -> int:
        return self._room_order.get(room, len(self._room_order))


def session_slugs(sessions: tuple[Session, ...]) -> dict[str, str]:
    """A file-name-safe, stable stem per session id, unique even on case-insensitive disks."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for session in sessions:
        slug = safe_slug(session.id)
        if slug in taken:
            slug = f"{slug}-{_short_hash(session.id)}"
        taken.add(slug)
        slugs[session.id] = slug
    return slugs


def safe_slug(identifier: str) -> str:
    """The id itself when it is already a plain slug, else a readable form plus a hash of the id."""
    if _PLAIN_SLUG.fullmatch(identifier):
        return identifier
    readable = _UNSAFE_SLUG_CHARS.sub("-", identifier.lower()).strip("-_")[:60]
    return f"{readable}-{_short_hash(identifier)}" if readable else f"session-{_short_hash(identifier)}"



def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def _thread_order(thread: Thread) -> tuple[datetime, str]:
    return (thread.started_at, thread.id)
