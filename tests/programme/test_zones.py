"""Programme times far from UTC: pretalx-style iCalendar UIDs with TZID times, and a frab day whose
events run past midnight across a daylight-saving change (America/Los_Angeles, 1 November 2026)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from aggregator.programme import parse_programme

ICS = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//pretalx//pretalx.example.org//
X-WR-CALNAME:Tokyo Con
BEGIN:VEVENT
UID:pretalx-tokyocon-ABC789@pretalx.example.org
SUMMARY:Indexing the archive - Aiko Tanaka
DTSTART;TZID=Asia/Tokyo:20261014T093000
DTEND;TZID=Asia/Tokyo:20261014T101000
LOCATION:Room A
URL:https://pretalx.example.org/tokyocon/talk/ABC789/
DESCRIPTION:How we index the archive.
END:VEVENT
END:VCALENDAR
"""


def _frab_json(events: list[dict], **day_fields: str) -> bytes:
    day = {"index": 1, "date": "2026-10-31", "rooms": {"Main": events}, **day_fields}
    conference = {"acronym": "owls", "title": "Owls", "time_zone_name": "America/Los_Angeles", "days": [day]}
    return json.dumps({"schedule": {"version": "1", "conference": conference}}).encode()


def _event(id: int, date: str, start: str, duration: str) -> dict:
    return {"id": id, "guid": f"g{id}", "date": date, "start": start, "duration": duration, "room": "Main",
            "title": f"Talk {id}", "persons": []}


def test_ical_uid_is_the_session_id_and_tzid_times_are_read_in_their_zone() -> None:
    (session,) = parse_programme(ICS, "programme.ics").sessions
    assert session.id == "pretalx-tokyocon-ABC789@pretalx.example.org"
    assert session.start.astimezone(UTC) == datetime(2026, 10, 14, 0, 30, tzinfo=UTC)
    assert session.duration_minutes == 40


def test_ical_floating_times_take_the_conference_zone() -> None:
    floating = ICS.replace(b";TZID=Asia/Tokyo", b"")
    (session,) = parse_programme(floating, "programme.ics", timezone="Asia/Tokyo").sessions
    assert session.start.astimezone(UTC) == datetime(2026, 10, 14, 0, 30, tzinfo=UTC)


def test_events_past_midnight_keep_their_own_date_and_real_duration_across_the_dst_change() -> None:
    events = [
        _event(1, "2026-10-31T23:30:00-07:00", "23:30", "01:00"),
        _event(2, "2026-11-01T01:30:00-07:00", "01:30", "01:00"),  # clocks fall back at 02:00 PDT
    ]
    late, later = sorted(parse_programme(_frab_json(events), "schedule.json").sessions, key=lambda s: s.start)
    assert late.start.astimezone(UTC) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert later.start.astimezone(UTC) == datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
    assert later.end.astimezone(UTC) == datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


def test_an_event_with_only_a_clock_time_after_midnight_belongs_to_the_next_calendar_day() -> None:
    events = [_event(1, "", "22:00", "01:00"), _event(2, "", "00:30", "00:45")]
    for event in events:
        del event["date"]
    data = _frab_json(events, day_start="2026-10-31T10:00:00-07:00", day_end="2026-11-01T04:00:00-08:00")
    evening, night = sorted(parse_programme(data, "schedule.json").sessions, key=lambda s: s.start)
    assert evening.start.astimezone(UTC) == datetime(2026, 11, 1, 5, 0, tzinfo=UTC)
    assert night.start.astimezone(UTC) == datetime(2026, 11, 1, 7, 30, tzinfo=UTC)


def _night_sessions(**day_fields: str) -> list:
    events = [_event(1, "", "22:00", "01:00"), _event(2, "", "00:30", "00:45")]
    for event in events:
        del event["date"]
    return sorted(parse_programme(_frab_json(events, **day_fields), "schedule.json").sessions, key=lambda s: s.start)


def test_a_clock_time_after_midnight_on_a_day_without_a_start_is_the_next_morning() -> None:
    evening, night = _night_sessions()
    assert evening.start.astimezone(UTC) == datetime(2026, 11, 1, 5, 0, tzinfo=UTC)
    assert night.start.astimezone(UTC) == datetime(2026, 11, 1, 7, 30, tzinfo=UTC)


def test_a_day_with_only_an_end_places_its_night_before_that_end() -> None:
    evening, night = _night_sessions(day_end="2026-11-01T02:00:00-08:00")
    assert evening.start.astimezone(UTC) == datetime(2026, 11, 1, 5, 0, tzinfo=UTC)
    assert night.start.astimezone(UTC) == datetime(2026, 11, 1, 7, 30, tzinfo=UTC)
