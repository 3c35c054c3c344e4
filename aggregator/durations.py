"""Durations as curators write them in sources.yaml: ``30s``, ``5m``, ``2h``, ``1d``.

One parser for every key that takes a duration (``every:``, ``health.max_failing``,
``publish.timeout``), so a bad value is refused the same way everywhere: the loader turns the
ValueError into ``file:line: key: expected a duration ...``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
EXPECTED = "expected a duration such as 30s, 5m, 2h or 1d"


def parse_duration(text: str) -> timedelta:
    """``text`` as a positive timedelta; ValueError naming what was expected otherwise."""
    match = PATTERN.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(EXPECTED)  # the loader's message adds the value: "(got '5 minutes')"
    seconds = float(match.group(1)) * UNITS[match.group(2)]
    if seconds <= 0:
        raise ValueError(f"{EXPECTED} (more than zero)")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """The shortest written form of ``value`` in the largest whole unit (``90s`` → ``90s``, ``3600s`` → ``1h``)."""
    seconds = value.total_seconds()
    for unit, size in sorted(UNITS.items(), key=lambda item: -item[1]):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def _coerce(value: Any) -> Any:
    return value if isinstance(value, timedelta) else parse_duration(value)


Duration = Annotated[timedelta, BeforeValidator(_coerce), PlainSerializer(format_duration, return_type=str)]
