"""Programme import: frab XML, frab/pretalx JSON, iCalendar and inline sessions → :class:`Programme`.

Sessions keep the programme's own event ids (frab/pretalx ``id``, iCalendar ``UID``) so
exports can be joined with the programme. Breaks are left out. Parsing is lenient: an odd
event is skipped with a warning; only an unreadable file raises :class:`ProgrammeError`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import httpx

from aggregator.errors import ProgrammeError
from aggregator.programme.inline import InlineSession, inline_sessions, programme_from_inline
from aggregator.programme.model import Programme, ProgrammeDay, merge_sessions
from aggregator.programme.reading import detect_format, parse_programme, read_source

log = logging.getLogger(__name__)

__all__ = [
    "InlineSession",
    "Programme",
    "ProgrammeDay",
    "ProgrammeError",
    "detect_format",
    "is_remote",
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
    cache: Path | None = None,
) -> Programme:
    """Read the programme at ``source`` (a path relative to ``base_dir``, or an http(s) URL),
    then add ``inline`` sessions (an inline session with a programme event's id replaces it).

    ``timezone`` (the conference's IANA zone) reads naive times when the programme names no
    zone of its own, and reads the inline sessions' naive times. An empty ``source`` gives a
    programme of the inline sessions alone. With ``cache`` (a file path), a programme read
    from a URL is saved there, and used instead when the URL cannot be read later: a
    conference's site being down must not stop the digest.
    """
    if not source.strip():
        return programme_from_inline(inline, timezone)
    data, name = _read_with_cache(source, base_dir, client, cache)
    programme = parse_programme(data, name, timezone=timezone)
    return merge_sessions(programme, inline_sessions(inline, timezone or programme.timezone))


def is_remote(source: str) -> bool:
    return source.strip().lower().startswith(("http://", "https://"))


def _read_with_cache(
    source: str, base_dir: Path, client: httpx.Client | None, cache: Path | None
) -> tuple[bytes, str]:
    if cache is None or not is_remote(source):
        return read_source(source, base_dir, client=client)
    try:
        data, name = read_source(source, base_dir, client=client)
    except ProgrammeError as exc:
        if not cache.is_file():
            raise
        log.warning("%s; using the copy saved %s", exc, cache)
        return cache.read_bytes(), source
    cache.parent.mkdir(parents=True, exist_ok=True)
    temporary = cache.with_suffix(".tmp")
    temporary.write_bytes(data)
    temporary.replace(cache)
    return data, name
