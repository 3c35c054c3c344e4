"""Programme import: frab XML, frab/pretalx JSON, the pretalx API, Sessionize, iCalendar, CSV and
inline sessions → :class:`Programme`.

Sessions keep the programme's own ids (frab/pretalx ``id``, pretalx submission ``code``,
Sessionize ``id``, iCalendar ``UID``, a CSV ``id`` column) so exports can be joined with the
programme. Breaks and service sessions are left out. Parsing of exports is lenient: an odd
event is skipped with a warning; only an unreadable file raises :class:`ProgrammeError`.
A curator's CSV is read strictly, every bad row reported.
"""

from __future__ import annotations

from aggregator.errors import ProgrammeError
from aggregator.programme.inline import InlineSession, inline_sessions, programme_from_inline
from aggregator.programme.loading import (
    CachePolicy,
    LoadedProgramme,
    ProgrammeSpec,
    SavedCopy,
    is_remote,
    load_programme,
    read_programme,
)
from aggregator.programme.model import Programme, ProgrammeDay, merge_sessions
from aggregator.programme.reading import PROGRAMME_FORMATS, detect_format, parse_programme, read_source

__all__ = [
    "PROGRAMME_FORMATS",
    "CachePolicy",
    "SavedCopy",
    "InlineSession",
    "LoadedProgramme",
    "Programme",
    "ProgrammeDay",
    "ProgrammeError",
    "ProgrammeSpec",
    "detect_format",
    "inline_sessions",
    "is_remote",
    "load_programme",
    "merge_sessions",
    "parse_programme",
    "programme_from_inline",
    "read_programme",
    "read_source",
]
