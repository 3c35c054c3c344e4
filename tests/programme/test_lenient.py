"""The forgiving value readers and the break rule, one case at a time."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from aggregator.programme.lenient import (
    is_break,
    parse_clock,
    parse_datetime,
    parse_duration,
    person_name,
    plain_text,
)


@pytest.mark.parametrize(
    ("raw", "minutes"),
    [
        ("00:40", 40),
        ("1:00", 60),
        ("01:00:00", 60),
        ("0:01:30:00", 90),
        ("90", 90),
        ("PT1H30M", 90),
        ("pt45m", 45),
        ("P1DT2H", 26 * 60),
        (" 02:00 ", 120),
    ],
)
def test_durations(raw: str, minutes: int) -> None:
    assert parse_duration(raw) == timedelta(minutes=minutes)


@pytest.mark.parametrize("raw", ["", None, "soon", "1h", "P", "PT", ":30", "1:2:3:4:5"])
def test_unreadable_durations(raw: str | None) -> None:
    assert parse_duration(raw) is None


def test_datetimes() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert parse_datetime("2025-12-27T16:00:00+01:00", berlin) == datetime(2025, 12, 27, 15, tzinfo=UTC)
    assert parse_datetime("2025-12-27T15:00:00Z", berlin) == datetime(2025, 12, 27, 15, tzinfo=UTC)
    assert parse_datetime("2025-12-27T16:00", berlin) == datetime(2025, 12, 27, 16, tzinfo=berlin)
    assert parse_datetime("27.12.2025 16:00", berlin) is None


def test_clock() -> None:
    assert parse_clock("9:05") == time(9, 5)
    assert parse_clock("23:59:30") == time(23, 59, 30)
    assert parse_clock("24:00") is None
    assert parse_clock("noon") is None


@pytest.mark.parametrize(
    ("person", "name"),
    [
        ("Ada", "Ada"),
        ({"public_name": "Ada L.", "name": "Ada Lovelace"}, "Ada L."),
        ({"full_public_name": "Bo"}, "Bo"),
        ({"name": "Cy"}, "Cy"),
        ({"id": 3}, ""),
        (None, ""),
    ],
)
def test_person_names(person: object, name: str) -> None:
    assert person_name(person) == name


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("<p>One</p><p>Two &amp; three</p>", "One\nTwo & three"),
        ("&lt;p&gt;Escaped &amp;amp; twice&lt;/p&gt;", "Escaped & twice"),
        ("x < y and y > z", "x < y and y > z"),
        ("Plain **markdown** stays", "Plain **markdown** stays"),
        (None, ""),
    ],
)
def test_plain_text(raw: str | None, text: str) -> None:
    assert plain_text(raw) == text


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Lunch", "Talk"),
        ("Coffee Break", ""),
        ("Coffee & Tea Break", "other"),
        ("Lunch break (provided)", ""),
        ("Mittagspause", ""),
        ("Kaffeepause", ""),
        ("Pause", ""),
        ("Morning coffee and networking", ""),
        ("Afternoon refreshments", "Break"),
        ("Anything", "break"),
        ("Anything", "Lunch"),
    ],
)
def test_breaks(title: str, kind: str) -> None:
    assert is_break(title, kind)


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Lunch and learn: budgeting for open access", "Talk"),
        ("Breaking the catalogue", "Talk"),
        ("Break-out session: metadata", "Workshop"),
        ("Coffee, code and cataloguing", "Talk"),
        ("The House of Tea", "Talk"),
        ("Networking", ""),
        ("Pause / Play: media art in libraries", "Talk"),
        ("", ""),
    ],
)
def test_not_breaks(title: str, kind: str) -> None:
    assert not is_break(title, kind)
