"""Sessionize's public JSON views (All, Sessions, schedule grid), from a file and from a loopback
endpoint at Sessionize's own path. Fixture shapes: tests/data/programme/README.md."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pytest_httpserver import HTTPServer

from aggregator.errors import ProgrammeError
from aggregator.programme import Programme, detect_format, load_programme, parse_programme

DATA = Path(__file__).parent / "data"
HELSINKI = ZoneInfo("Europe/Helsinki")
PRAGUE = ZoneInfo("Europe/Prague")


@pytest.fixture(scope="module")
def all_view() -> Programme:
    return load_programme("sessionize-all.json", DATA, timezone="Europe/Helsinki")


def test_every_view_is_told_by_content() -> None:
    for name in ("sessionize-all.json", "sessionize-sessions.json", "sessionize-grid.json"):
        assert detect_format((DATA / name).read_bytes(), name) == "sessionize"


def test_the_all_view_starts_with_a_byte_order_mark_and_still_reads(all_view: Programme) -> None:
    assert (DATA / "sessionize-all.json").read_bytes().startswith(b"\xef\xbb\xbf")
    assert [s.id for s in all_view.sessions] == ["481516", "481518", "481517", "481520"]


def test_all_view_resolves_speakers_rooms_and_categories_by_id(all_view: Programme) -> None:
    keynote, weeding, linked, closing = all_view.sessions
    assert keynote.speakers == ("Ada Okafor",)
    assert linked.speakers == ("Ben Lindqvist", "Chen Wei")  # no fullName: first and last name
    assert (linked.room, linked.track, linked.kind) == ("Seminar Room 2", "Metadata", "Talk (45 min)")
    assert (keynote.track, keynote.kind) == ("Collections", "Keynote")
    assert (closing.track, closing.kind) == ("", "Panel")
    assert all_view.rooms == ("Main Hall", "Seminar Room 2")  # the declared order, by `sort`; the foyer holds only service sessions


def test_times_without_an_offset_are_in_the_conference_zone(all_view: Programme) -> None:
    keynote = all_view.sessions[0]
    assert keynote.start == datetime(2027, 5, 12, 9, 0, tzinfo=HELSINKI)
    assert keynote.end == datetime(2027, 5, 12, 10, 0, tzinfo=HELSINKI)
    assert (all_view.timezone, all_view.zone_declared) == ("Europe/Helsinki", False)


def test_service_and_unscheduled_sessions_are_not_sessions(all_view: Programme) -> None:
    titles = {s.title for s in all_view.sessions}
    assert "Coffee & networking" not in titles and "Registration desk open" not in titles
    assert "Accepted but not yet scheduled" not in titles


def test_html_is_stripped_and_only_web_links_are_kept(all_view: Programme) -> None:
    keynote, weeding, linked, closing = all_view.sessions
    assert keynote.abstract == "Why open catalogues matter.\n\nSecond line."
    assert keynote.title == "Opening keynote: <em>Open</em> catalogues"  # titles stay text, escaped on the page
    assert closing.abstract == "Q&A with the committee"
    assert keynote.links == ("https://stream.example.org/keynote",)
    assert linked.links == ("https://video.example.org/481517",)
    assert weeding.links == ()  # a javascript: liveUrl is no link


def test_the_sessions_view_gives_the_same_programme(all_view: Programme) -> None:
    grouped = load_programme("sessionize-sessions.json", DATA, timezone="Europe/Helsinki")
    fields = ("id", "title", "start", "end", "room", "speakers", "track", "kind", "abstract", "links")
    assert [[getattr(s, f) for f in fields] for s in grouped.sessions] == [
        [getattr(s, f) for f in fields] for s in all_view.sessions
    ]


def test_a_grid_without_ends_lasts_until_the_next_session_in_its_room(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        grid = load_programme("sessionize-grid.json", DATA, timezone="Europe/Prague")
    at = {s.id: (s.start.strftime("%H:%M"), s.end.strftime("%H:%M"), s.room) for s in grid.sessions}
    assert at == {
        "9001": ("09:00", "09:30", "Aula"),  # a plenum session listed in both rooms and in its time slot: once
        "9002": ("09:30", "10:15", "Aula"),  # until the lunch (a service session) in its room
        "9004": ("09:30", "10:00", "Room B"),
        "9005": ("10:00", "10:00", "Room B"),  # the day's last: nothing follows, zero minutes
    }
    assert grid.sessions[0].start.tzinfo == PRAGUE
    assert "Lightning talks" in caplog.text and "no readable duration" in caplog.text


def test_an_open_end_never_reaches_into_the_next_day(tmp_path: Path) -> None:
    grid = json.loads((DATA / "sessionize-grid.json").read_text())
    late = dict(grid[0]["rooms"][1]["sessions"][2], id="9006", title="Next morning", startsAt="2019-11-08T09:00:00")
    grid.append({"date": "2019-11-08T00:00:00", "rooms": [{"id": 802, "name": "Room B", "sessions": [late]}], "timeSlots": []})
    programme = parse_programme(json.dumps(grid).encode(), "grid.json", timezone="Europe/Prague")
    lightning = programme.session("9005")
    assert lightning is not None and lightning.end == lightning.start


def test_named_format_reads_a_view_detection_would_not(tmp_path: Path) -> None:
    bare = b'[{"sessions": []}]'
    assert parse_programme(bare, "bare.json", programme_format="sessionize").sessions == ()
    with pytest.raises(ProgrammeError, match="not a Sessionize All, Sessions or schedule-grid view"):
        parse_programme(b'{"schedule": {}}', "other.json", programme_format="sessionize")


def test_hostile_values_skip_sessions_not_the_file(caplog: pytest.LogCaptureFixture) -> None:
    document = {
        "sessions": [
            {"id": "ok", "title": "Fine", "startsAt": "2027-05-12T09:00:00", "endsAt": "2027-05-12T09:30:00"},
            {"id": "far", "title": "End of time", "startsAt": "9999-12-31T23:00:00", "endsAt": "9999-12-31T23:59:00"},
            {"id": "weird", "title": ["a", "list"], "startsAt": 5},
            {"id": "backwards", "title": "Ends first", "startsAt": "2027-05-12T10:00:00", "endsAt": "2027-05-12T09:00:00"},
            "not a session",
        ],
        "speakers": [{"id": 1}],
        "rooms": "nonsense",
    }
    with caplog.at_level(logging.INFO):
        programme = parse_programme(json.dumps(document).encode(), "hostile.json", timezone="UTC")
    by_id = {s.id: s for s in programme.sessions}
    assert set(by_id) == {"ok", "backwards"}
    assert by_id["backwards"].end == by_id["backwards"].start
    assert "skipped" in caplog.text


class TestEndpoint:
    """Sessionize's own URL shape, served on 127.0.0.1."""

    def test_all_view_over_http(self, httpserver: HTTPServer) -> None:
        httpserver.expect_request("/api/v2/jl4ktls0/view/All").respond_with_data(
            (DATA / "sessionize-all.json").read_bytes(), content_type="application/json; charset=utf-8"
        )
        programme = load_programme(httpserver.url_for("/api/v2/jl4ktls0/view/All"), DATA, timezone="Europe/Helsinki")
        assert [s.id for s in programme.sessions] == ["481516", "481518", "481517", "481520"]

    def test_grid_view_over_http(self, httpserver: HTTPServer) -> None:
        httpserver.expect_request("/api/v2/jl4ktls0/view/GridSmart").respond_with_data(
            (DATA / "sessionize-grid.json").read_bytes(), content_type="application/json"
        )
        programme = load_programme(httpserver.url_for("/api/v2/jl4ktls0/view/GridSmart"), DATA, timezone="Europe/Prague")
        assert len(programme.sessions) == 4
