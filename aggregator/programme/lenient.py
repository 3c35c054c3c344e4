"""Forgiving readers for the values real programme exports hold.

Real frab/pretalx/iCalendar exports rarely match their schemas: durations come as "1:00",
"01:00:00", "90" or "PT1H30M"; dates with or without offsets; abstracts with escaped HTML;
persons as strings or dicts. Every reader here returns ``None`` (or an empty value) for what
it cannot understand instead of raising, so one odd event never loses the whole programme.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from aggregator.clock import known_zone
from aggregator.sanitize import html_to_text, is_safe_url

_CLOCK_DURATION = re.compile(r"^(?:(?P<days>\d+):(?=\d+:\d+:\d+$))?(?P<hours>\d+):(?P<minutes>\d{1,2})(?::(?P<seconds>\d{1,2}))?$")
_ISO_DURATION = re.compile(
    r"^P(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$", re.I
)
_TAG_LIKE = re.compile(r"</?[a-zA-Z][^<>]*>")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

# A title made only of these words (with at least one from BREAK_WORDS) is a break, not a session.
BREAK_WORDS = frozenset(
    {
        "break", "pause", "lunch", "lunchbreak", "coffee", "coffeebreak", "dinner", "breakfast", "brunch",
        "refreshments", "snacks", "mittagspause", "kaffeepause", "mittagessen", "abendessen", "frühstück",
        "essen", "déjeuner", "pausa", "almuerzo", "comida", "descanso", "pauze", "lunchpauze", "koffiepauze",
    }
)  # fmt: skip
_BREAK_FILLER = frozenset(
    {
        "and", "with", "the", "a", "an", "short", "long", "morning", "afternoon", "evening", "tea", "networking",
        "provided", "served", "buffet", "time", "und", "mit", "kaffee", "kurze", "et", "y", "e", "en",
    }
)  # fmt: skip
BREAK_KINDS = frozenset({"break", "pause", "lunch", "coffee break", "lunch break", "meal", "catering", "coffee"})


def text(value: Any) -> str:
    """A stripped string for any scalar; empty for None, lists, dicts."""
    if value is None or isinstance(value, (list, dict, bool)):
        return ""
    return str(value).strip()


def plain_text(value: Any) -> str:
    """Plain text of an abstract that may hold HTML, or HTML escaped once more (``&lt;p&gt;``)."""
    result = html_to_text(text(value))
    if _TAG_LIKE.search(result):
        result = html_to_text(result)
    return result


def zone(name: str) -> tzinfo | None:
    """The IANA zone called ``name``, None when empty or unknown."""
    return known_zone(name)


def parse_duration(value: Any) -> timedelta | None:
    """"1:00", "01:00:00", "0:01:00:00" (days first), "PT1H30M", or a bare number of minutes."""
    try:
        return _duration(text(value))
    except OverflowError:  # more days than a timedelta holds: as unreadable as any other nonsense
        return None


def _duration(raw: str) -> timedelta | None:
    if not raw:
        return None
    if raw.isdigit():
        return timedelta(minutes=int(raw))
    clock = _CLOCK_DURATION.match(raw)
    if clock:
        parts = {k: int(v) for k, v in clock.groupdict(default="0").items()}
        return timedelta(**parts)
    iso = _ISO_DURATION.match(raw)
    if iso and any(iso.groupdict().values()):
        amounts = {k: float(v) for k, v in iso.groupdict(default="0").items()}
        return timedelta(**amounts)
    return None


def parse_datetime(value: Any, fallback_zone: tzinfo) -> datetime | None:
    """An ISO datetime (offset, "Z" or none); naive values are read in ``fallback_zone``."""
    if isinstance(value, datetime):
        parsed = value
    else:
        raw = text(value)
        if not raw:
            return None
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=fallback_zone)


def parse_date(value: Any) -> date | None:
    raw = text(value)[:10]
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def parse_clock(value: Any) -> time | None:
    """A wall-clock time such as "09:30" or "9:30:00"."""
    raw = text(value)
    match = re.match(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$", raw)
    if not match:
        return None
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    if hours > 23 or minutes > 59 or seconds > 59:
        return None
    return time(hours, minutes, seconds)


def as_list(value: Any) -> list[Any]:
    """A list for a list, nothing for None or "", and a one-item list for anything else."""
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def person_name(person: Any) -> str:
    """A speaker's public name from a string or a frab/pretalx person dict."""
    if isinstance(person, dict):
        for key in ("public_name", "full_public_name", "name", "full_name", "display_name"):
            name = text(person.get(key))
            if name:
                return name
        return ""
    return text(person)


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """Non-empty values, first occurrence kept, order preserved."""
    return tuple(dict.fromkeys(v for v in values if v))


def split_names(cell: str) -> tuple[str, ...]:
    """Names in one cell or line: separated by ";" (or "|"), else by ","; one per line also works."""
    separator = ";" if ";" in cell else ("|" if "|" in cell else ",")
    return unique(name.strip() for line in cell.splitlines() for name in line.split(separator))


def safe_url(value: Any) -> str:
    """The value when it is a link a page may hold (http, https, mailto), else ""."""
    url = text(value)
    return url if is_safe_url(url) else ""


def safe_links(urls: Iterable[str]) -> tuple[str, ...]:
    return unique(url.strip() for url in urls if url and is_safe_url(url))


def normalize_hashtag(tag: str) -> str:
    return tag.strip().lstrip("#").strip().lower()


def is_break(title: str, kind: str) -> bool:
    """Conservative: the type says break, or the whole title is break words ("Lunch", "Coffee & Tea Break")."""
    if kind.strip().lower() in BREAK_KINDS:
        return True
    words = [w.lower() for w in _WORD.findall(title)]
    if not words or len(words) > 5:
        return False
    return any(w in BREAK_WORDS for w in words) and all(w in BREAK_WORDS or w in _BREAK_FILLER for w in words)


def digest_id(prefix: str, title: str, start: datetime) -> str:
    """A stable id for an event its programme gave none: same title and start, same id."""
    return f"{prefix}-" + hashlib.sha1(f"{start.isoformat()}|{title}".encode()).hexdigest()[:12]
