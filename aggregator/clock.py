"""Time for the whole tool: one injectable clock, and one way to name a time zone.

Every "now" the pipeline needs (collection windows, re-check horizons, the build stamp, the run
record) comes from a :data:`Clock`, so schedules and "happening now" can be tested at any moment.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]  # an aware datetime: now


def system_clock() -> datetime:
    return datetime.now(UTC)


def stored_moment(value: Any) -> datetime | None:
    """A time the tool wrote itself (ISO 8601 text, as ``isoformat`` gives it); None when empty or unreadable."""
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def known_zone(name: str) -> ZoneInfo | None:
    """The IANA zone called ``name``; None when it is empty or unknown (for lenient readers of outside files)."""
    name = name.strip()
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def conference_zone(name: str) -> ZoneInfo:
    """The conference's zone. The configuration has validated its name; one that reaches here
    unknown anyway (a library caller's own Conference) is shown in UTC, and said so."""
    zone = known_zone(name)
    if zone is None:
        log.warning("unknown time zone %r: times are shown in UTC", name)
        return ZoneInfo("UTC")
    return zone


def in_zone(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` in ``zone``; one written without an offset is taken as already local to it."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)
