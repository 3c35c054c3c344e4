"""Programme import: frab XML, frab/pretalx JSON, iCalendar and inline sessions → :class:`Programme`.

Sessions keep the programme's own event ids (frab/pretalx ``id``, iCalendar ``UID``) so
exports can be joined with the programme. Breaks are left out. Parsing is lenient: an odd
event is skipped with a warning; only an unreadable file raises :class:`ProgrammeError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import httpx

from aggregator.errors import ProgrammeError
from aggregator.programme.inline import InlineSession, inline_sessions, programme_from_inline
from aggregator.programme.model import Programme, ProgrammeDay, merge_sessions
from aggregator.programme.reading import detect_format, parse_programme, read_source

__all__ = [
    "InlineSession",
    "Programme",
    "ProgrammeDay",
    "ProgrammeError",
    "detect_format",
    "load_programme",
    "merge_sessions",
    "parse_programme",
    "programme_from_inline",
    "read_source",
]


def load_programme(
    source: str,
    base_dir: Path,
    *,
    timezone: str | None = None,
    inline: Sequence[InlineSession] = (),
    client: httpx.Client | None = None,
) -> Programme:
    """Read the programme at ``source`` (a path relative to ``base_dir``, or an http(s) URL),
    then add ``inline`` sessions (an inline session with a programme event's id replaces it).

    ``timezone`` (the conference's IANA zone) reads naive times when the programme names no
    zone of its own, and reads the inline sessions' naive times. An empty ``source`` gives a
    programme of the inline sessions alone.
    """
    if not source.strip():
        return programme_from_inline(inline, timezone)
    data, name = read_source(source, base_dir, client=client)
    programme = parse_programme(data, name, timezone=timezone)
    return merge_sessions(programme, inline_sessions(inline, timezone or programme.timezone))
