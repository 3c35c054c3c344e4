"""When a post says its session is: "join us in one hour", "come to my talk at 12:24", "tomorrow
at 11:30am". A post announcing a later talk is about that talk, not about the one running while
it is written, so its time evidence is taken at the moment it announces."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "half an": 0.5}
_IN_A_WHILE = re.compile(r"\bin (half an|an|a|one|two|three|\d{1,3}) (hours?|minutes?|mins?)\b", re.IGNORECASE)
# "12:24", "14h18", "11:30am"; with a dot only as "2.36pm" (a bare "14.30" is as likely a version)
_CLOCK = re.compile(
    r"(?<![\d:.,/])([01]?\d|2[0-3])(?:[:h]([0-5]\d)(?:\s*([ap])\.?m\b)?|\.([0-5]\d)\s*([ap])\.?m\b)(?![\d:.,/]\d)",
    re.IGNORECASE,
)
_TOMORROW = re.compile(r"\btomorrow\b", re.IGNORECASE)
MIN_AHEAD = timedelta(minutes=20)  # sooner than this, the post may be live about what is starting
MAX_AHEAD = timedelta(hours=36)


def announced_moment(text: str, posted_at: datetime, zone: ZoneInfo) -> datetime | None:
    """The later moment a post announces (in ``zone``, the conference's), or None when it
    names none at least MIN_AHEAD after it was posted: a past or a present time is no announcement."""
    delay = _delay(text)
    if delay is not None:
        return posted_at + delay if MIN_AHEAD <= delay <= MAX_AHEAD else None
    local = posted_at.astimezone(zone)
    day = local.date() + timedelta(days=1 if _TOMORROW.search(text) else 0)
    for match in _CLOCK.finditer(text):
        moment = datetime.combine(day, _clock_time(match), tzinfo=zone)
        if MIN_AHEAD <= moment - local <= MAX_AHEAD:
            return moment
    return None


def _delay(text: str) -> timedelta | None:
    match = _IN_A_WHILE.search(text)
    if match is None:
        return None
    amount, unit = match.group(1).casefold(), match.group(2).casefold()
    number = float(amount) if amount.isdigit() else _NUMBERS[amount]
    return timedelta(hours=number) if unit.startswith("hour") else timedelta(minutes=number)


def _clock_time(match: re.Match[str]) -> time:
    hour = int(match.group(1))
    minute = int(match.group(2) or match.group(4))
    half = (match.group(3) or match.group(5) or "").casefold()
    if half == "p" and hour < 12:
        hour += 12
    elif half == "a" and hour == 12:
        hour = 0
    return time(hour, minute)
