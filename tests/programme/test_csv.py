"""A programme typed or exported as a CSV table: columns by name and alias, `date` plus clock
times, and every bad row reported as file:line: column: what was expected."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aggregator.errors import ProgrammeError
from aggregator.programme import detect_format, load_programme, parse_programme

DATA = Path(__file__).parent / "data"
TORONTO = ZoneInfo("America/Toronto")


def test_the_full_column_set() -> None:
    programme = load_programme("programme.csv", DATA, timezone="America/Toronto")
    by_id = {s.id: s for s in programme.sessions}
    assert list(by_id)[:3] == ["p1", "p2", "p4"]  # p3 is a coffee break
    keynote = by_id["p1"]
    assert keynote.start == datetime(2027, 10, 5, 9, 0, tzinfo=TORONTO)
    assert keynote.end == datetime(2027, 10, 5, 10, 0, tzinfo=TORONTO)
    assert (keynote.room, keynote.speakers, keynote.track) == ("Main Hall", ("Ada Okafor",), "Plenary")
    assert keynote.abstract == "Why the open shelf matters."
    assert keynote.url == "https://libconf.example.org/p1"
    assert by_id["p2"].speakers == ("Ben Lindqvist", "Chen Wei")
    assert by_id["p2"].abstract == "A talk about zines, with a comma"
    assert by_id["p4"].abstract == "First line\nsecond line"
    (unnamed,) = [s for s in programme.sessions if s.title == "Session without an id"]
    assert unnamed.id.startswith("row-")
    assert (programme.zone_declared, programme.timezone) == (False, "America/Toronto")


def test_date_and_clock_columns_with_aliases_semicolons_and_am_pm() -> None:
    programme = load_programme("programme-dates.csv", DATA, timezone="America/Toronto")
    opening, tour = programme.sessions  # Lunch is a break
    assert (opening.title, opening.room, opening.abstract) == ("Opening", "Aula", "Welcome words.")
    assert opening.start == datetime(2027, 10, 5, 9, 0, tzinfo=TORONTO)
    assert tour.start == datetime(2027, 10, 5, 23, 30, tzinfo=TORONTO)
    assert tour.end == datetime(2027, 10, 6, 0, 30, tzinfo=TORONTO)  # past midnight: the next morning
    assert tour.speakers == ("Jan Novak", "Mia Roth")  # no ';' inside the cell: commas separate
    assert (tour.track, tour.url) == ("Tours", "https://example.org/tour")


def test_detected_by_its_header() -> None:
    assert detect_format((DATA / "programme.csv").read_bytes(), "programme.csv") == "csv"
    assert detect_format((DATA / "programme-dates.csv").read_bytes(), "x") == "csv"
    with pytest.raises(ProgrammeError, match="not a frab XML"):
        detect_format(b"name,colour\nred,1\n", "other.csv")


def test_a_duration_column_stands_in_for_the_end() -> None:
    table = b"title,date,start,duration\nShort talk,2027-10-05,10:00,20\nLong one,2027-10-05,11:00,1:30\n"
    short, long = parse_programme(table, "t.csv", timezone="UTC").sessions
    assert (short.duration_minutes, long.duration_minutes) == (20, 90)


def test_windows_1252_and_a_byte_order_mark() -> None:
    table = "title,start,end\nCaf\u00e9 cataloguing,2027-10-05 10:00,2027-10-05 10:30\n"
    assert parse_programme(table.encode("cp1252"), "t.csv").sessions[0].title == "Café cataloguing"
    assert parse_programme(b"\xef\xbb\xbf" + table.encode(), "t.csv").sessions[0].title == "Café cataloguing"


def test_every_bad_row_is_reported_with_its_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "typed.csv").write_text(
        "title,date,start,end,url\n"
        "Fine,2027-10-05,9:00,9:30,\n"
        ",2027-10-05,10:00,10:30,\n"  # line 3: no title
        "Bad date,05/10/2027,10:00,10:30,\n"  # line 4
        '"Two\nlines",2027-10-05,25:00,10:30,\n'  # lines 5-6: an impossible clock time
        "Backwards,,2027-10-05T10:00+02:00,2027-10-05T09:00+02:00,\n"  # line 7
        "Unsafe,2027-10-05,11:00,11:30,javascript:alert(1)\n"  # line 8
        "No end,2027-10-05,12:00,,\n",  # line 9
        encoding="utf-8",
    )
    with pytest.raises(ProgrammeError) as caught:
        load_programme("typed.csv", tmp_path)
    lines = str(caught.value).splitlines()
    path = str(tmp_path / "typed.csv")
    assert lines == [
        f"{path}:3: title: expected the session's title, got ''",
        f"{path}:4: date: expected a date such as 2027-03-02, got '05/10/2027'",
        f"{path}:4: start: expected a time such as 2027-03-02 09:30, got '10:00'",
        f"{path}:5: start: expected a time such as 2027-03-02 09:30 or a clock time such as 09:30, got '25:00'",
        f"{path}:7: end: expected a time after the start (2027-10-05T10:00:00+02:00), got '2027-10-05T09:00+02:00'",
        f"{path}:8: url: expected an http:// or https:// address, got 'javascript:alert(1)'",
        f"{path}:9: end: expected an end time such as 10:15 (or a duration column), got ''",
    ]


def test_a_header_without_the_needed_columns(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("title,room\nA talk,Hall\n")
    with pytest.raises(ProgrammeError, match=r"t\.csv:1: header: no start column"):
        load_programme("t.csv", tmp_path, programme_format="csv")


def test_absurd_years_are_skipped_like_every_importer_does() -> None:
    table = b"title,start,end\nEnd of time,9999-12-31 23:00,9999-12-31 23:30\nFine,2027-10-05 10:00,2027-10-05 10:30\n"
    assert [s.title for s in parse_programme(table, "t.csv").sessions] == ["Fine"]
