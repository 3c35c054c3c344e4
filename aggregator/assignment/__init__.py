"""Session assignment: file every thread under the programme session it is about, and say why.

Public API (the pipeline calls these):

- :func:`assign` — a :class:`~aggregator.models.Placement` per thread (session or hallway,
  confidence, reason, candidates with per-signal contributions, pinned by a curator or not),
  or per part of a thread split where it ran on into the next session of its room;
- :func:`assign_with_clock` — the same, with the programme clock's offset and overruns it used;
- :func:`discover_sessions` — time-burst "sessions" for a conference without a programme;
- :func:`explain` — the human-readable account of one post's placement.
"""

from __future__ import annotations

from collections.abc import Sequence

from aggregator.assignment.discovery import discover_sessions
from aggregator.assignment.engine import AssignmentEngine
from aggregator.assignment.explain import explain, find_placement
from aggregator.assignment.settings import AssignmentSettings
from aggregator.curation import Overrides
from aggregator.models import Conference, Placement, ProgrammeClock, Session, Thread

__all__ = [
    "AssignmentEngine",
    "AssignmentSettings",
    "assign",
    "assign_with_clock", "discover_sessions", "explain", "find_placement"]


def assign(
    threads: Sequence[Thread],
    sessions: Sequence[Session],
    conference: Conference,
    settings: AssignmentSettings,
    overrides: Overrides | None = None,
) -> tuple[Placement, ...]:
    """One placement per thread, in the order given; a live-thread split across consecutive
    sessions gives one per part, in order, linked by ``continued_from``/``continued_in``."""
    return assign_with_clock(threads, sessions, conference, settings, overrides)[0]


def assign_with_clock(
    threads: Sequence[Thread],
    sessions: Sequence[Session],
    conference: Conference,
    settings: AssignmentSettings,
    overrides: Overrides | None = None,
) -> tuple[tuple[Placement, ...], ProgrammeClock]:
    """One placement per thread, and how far off the engine took the programme's clock to be."""
    if not sessions:
        return tuple(Placement(t, None, 1.0, "no programme and no discovered sessions") for t in threads), ProgrammeClock()
    engine = AssignmentEngine(sessions, conference, settings)
    return engine.assign(threads, overrides), engine.clock
