"""Sched's all.ics (an iCalendar export: UTC times, CATEGORIES as track, LOCATION as room, people on
a DESCRIPTION line) and frab exports that name no zone (FOSDEM's up to 2024). Shapes:
tests/data/programme/README.md."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from aggregator.programme import load_programme, parse_programme, read_programme
from aggregator.programme.loading import CachePolicy, ProgrammeSpec

DATA = Path(__file__).parent / "data"


def test_sched_all_ics() -> None:
    programme = load_programme("sched-all.ics", DATA, timezone="America/Chicago")
    keynote, folio, reception = programme.sessions  # lunch is a break (CATEGORIES:Break)
    assert keynote.id == "8f3e2a1b9c7d6e5f4a3b2c1d0e9f8a7b"
    assert keynote.start == datetime(2027, 4, 12, 14, 0, tzinfo=UTC)
    assert (keynote.room, keynote.track) == ("Grand Ballroom", "Plenary")
    assert keynote.speakers == ("Rosa Delgado", "Tom Becker")
    assert keynote.abstract == "How twelve consortia share one catalogue."  # HTML stripped, the people line taken out
    assert keynote.url == "https://mlsf2027.sched.com/event/1AbCd/keynote-shared-catalogues-at-scale"
    assert (folio.speakers, folio.abstract) == (("Priya Nair",), "Lessons from a mid-size academic library.")
    assert programme.title == "Midwest Library Systems Forum 2027"


def test_sched_utc_header_does_not_move_evening_sessions_to_the_next_day() -> None:
    programme = load_programme("sched-all.ics", DATA, timezone="America/Chicago")
    assert programme.timezone == "America/Chicago"  # not Sched's X-WR-TIMEZONE:UTC
    reception = programme.sessions[-1]
    assert programme.day_of(reception) == date(2027, 4, 12)  # 19:00 in Chicago, 00:00 UTC the next day
    assert programme.days == (date(2027, 4, 12),)


def test_a_people_line_outside_sched_stays_in_the_abstract() -> None:
    ics = (DATA / "sched-all.ics").read_bytes().replace(b"Sched.com", b"Example").replace(b".sched.com", b".example.org")
    keynote = parse_programme(ics, "other.ics").sessions[0]
    assert keynote.speakers == () and "Speakers: Rosa Delgado" in keynote.abstract


FOSDEM_LIKE = b"""<?xml version="1.0" encoding="UTF-8"?>
<schedule>
  <conference><title>FOSDEM 2024</title><venue>ULB (Solbosch)</venue><city>Brussels</city>
    <start>2024-02-03</start><end>2024-02-04</end><days>2</days><day_change>09:00:00</day_change>
    <timeslot_duration>00:05:00</timeslot_duration></conference>
  <day index="1" date="2024-02-03">
    <room name="Janson"><event id="15733"><start>09:30</start><duration>00:25</duration><room>Janson</room>
      <slug>welcome</slug><title>Welcome to FOSDEM 2024</title><track>Keynotes</track><type>keynote</type>
      <persons><person id="1">FOSDEM Staff</person></persons></event></room>
  </day>
</schedule>"""


def test_a_frab_export_without_a_zone_is_read_in_the_conference_zone_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "fosdem.xml").write_bytes(FOSDEM_LIKE)
    loaded = read_programme(ProgrammeSpec("fosdem.xml", tmp_path, timezone="Europe/Brussels"), CachePolicy())
    (welcome,) = loaded.programme.sessions
    assert welcome.start.astimezone(UTC) == datetime(2024, 2, 3, 8, 30, tzinfo=UTC)
    assert not loaded.programme.zone_declared
    assert "read in Europe/Brussels (conference.timezone)" in loaded.zone_note


def test_without_any_zone_it_is_utc_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "fosdem.xml").write_bytes(FOSDEM_LIKE)
    with caplog.at_level(logging.WARNING):
        loaded = read_programme(ProgrammeSpec("fosdem.xml", tmp_path), CachePolicy())
    assert loaded.programme.sessions[0].start == datetime(2024, 2, 3, 9, 30, tzinfo=UTC)
    assert "conference.timezone is not set: its times are read as UTC" in caplog.text
