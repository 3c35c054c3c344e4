"""Where the programme comes from (file, URL, inline), format detection by content, and clear errors."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer

from aggregator.errors import ProgrammeError
from aggregator.programme import InlineSession, detect_format, load_programme, programme_from_inline

DATA = Path(__file__).parent / "data"
CHICAGO = ZoneInfo("America/Chicago")


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [("schedule.xml", "frab-xml"), ("schedule.json", "frab-json"), ("programme.ics", "ical")],
)
def test_format_is_told_by_content_not_by_name(tmp_path: Path, fixture: str, expected: str) -> None:
    misnamed = tmp_path / "programme.download"
    shutil.copy(DATA / fixture, misnamed)
    assert detect_format(misnamed.read_bytes(), str(misnamed)) == expected
    assert load_programme("programme.download", tmp_path).sessions == load_programme(fixture, DATA).sessions


def test_byte_order_mark_and_leading_blank_lines_are_fine(tmp_path: Path) -> None:
    (tmp_path / "schedule.json").write_bytes(b"\xef\xbb\xbf\n\n" + (DATA / "schedule.json").read_bytes())
    assert len(load_programme("schedule.json", tmp_path).sessions) == 5


class TestErrors:
    def test_missing_file_names_the_path(self, tmp_path: Path) -> None:
        with pytest.raises(ProgrammeError, match=r"nope\.xml: cannot read the programme file"):
            load_programme("nope.xml", tmp_path)

    def test_malformed_xml_names_the_line(self) -> None:
        with pytest.raises(ProgrammeError, match=r"broken\.xml: not well-formed XML at line 4"):
            load_programme("broken.xml", DATA)

    def test_xml_that_is_not_a_schedule(self) -> None:
        with pytest.raises(ProgrammeError, match=r"wrong-root\.xml: XML root element is <rss>"):
            load_programme("wrong-root.xml", DATA)

    def test_text_that_is_no_programme(self) -> None:
        with pytest.raises(ProgrammeError, match=r"not-a-programme\.txt: not a frab XML, frab/pretalx JSON, pretalx API, Sessionize, iCalendar or CSV"):
            load_programme("not-a-programme.txt", DATA)

    def test_html_page(self, tmp_path: Path) -> None:
        (tmp_path / "schedule.xml").write_text("<!DOCTYPE html>\n<html><body><p>Log in<br></body></html>")
        with pytest.raises(ProgrammeError, match="is an HTML page"):
            load_programme("schedule.xml", tmp_path)

    def test_invalid_json_names_the_line(self, tmp_path: Path) -> None:
        (tmp_path / "schedule.json").write_text('{\n  "schedule": {\n    "conference": ,\n}')
        with pytest.raises(ProgrammeError, match=r"schedule\.json: not valid JSON at line 3"):
            load_programme("schedule.json", tmp_path)

    def test_json_without_a_schedule(self, tmp_path: Path) -> None:
        (tmp_path / "talks.json").write_text('[{"title": "a talk"}]')
        with pytest.raises(ProgrammeError, match="no schedule.conference object"):
            load_programme("talks.json", tmp_path)

    def test_unreadable_icalendar(self, tmp_path: Path) -> None:
        (tmp_path / "programme.ics").write_text("BEGIN:VCALENDAR\nthis is no content line\nEND:VCALENDAR\n")
        with pytest.raises(ProgrammeError, match=r"programme\.ics: not a readable iCalendar file"):
            load_programme("programme.ics", tmp_path)

    def test_unknown_timezone(self) -> None:
        with pytest.raises(ProgrammeError, match="unknown time zone 'Mars/Olympus'"):
            load_programme("schedule.xml", DATA, timezone="Mars/Olympus")


class TestUrl:
    def test_fetches_over_http(self, httpserver: HTTPServer) -> None:
        httpserver.expect_request("/libcamp/schedule/export/schedule.json").respond_with_data(
            (DATA / "schedule.json").read_bytes(), content_type="application/json"
        )
        programme = load_programme(httpserver.url_for("/libcamp/schedule/export/schedule.json"), Path("/nonexistent"))
        assert programme.title == "LibCamp 2027"
        assert [s.id for s in programme.sessions] == ["5", "7", "6", "8", "9"]

    def test_follows_redirects_and_detects_by_content(self, httpserver: HTTPServer) -> None:
        httpserver.expect_request("/schedule").respond_with_data("", status=302, headers={"Location": "/feed.ics"})
        httpserver.expect_request("/feed.ics").respond_with_data((DATA / "programme.ics").read_bytes())
        assert load_programme(httpserver.url_for("/schedule"), DATA).title == "Library Day 2027"

    def test_http_error_is_a_programme_error(self, httpserver: HTTPServer) -> None:
        httpserver.expect_request("/gone.xml").respond_with_data("Not Found", status=404)
        url = httpserver.url_for("/gone.xml")
        with pytest.raises(ProgrammeError, match=r"gone\.xml: cannot download the programme: .*HTTP 404"):
            load_programme(url, DATA)


class TestInline:
    def test_inline_only(self) -> None:
        programme = load_programme(
            "",
            DATA,
            timezone="America/Chicago",
            inline=[
                InlineSession(id="k", title="Keynote", start="2027-06-10T09:00", end="2027-06-10T10:00", room="Hall"),
                InlineSession(id="l", title="Lunch", start="2027-06-10T12:00", end="2027-06-10T13:00"),
            ],
        )
        assert [s.id for s in programme.sessions] == ["k"]
        assert programme.sessions[0].start == datetime(2027, 6, 10, 9, tzinfo=CHICAGO)
        assert programme.timezone == "America/Chicago"
        assert programme.rooms == ("Hall",)
        assert programme == programme_from_inline(
            [InlineSession(id="k", title="Keynote", start="2027-06-10T09:00", end="2027-06-10T10:00", room="Hall")],
            "America/Chicago",
        )

    def test_merged_with_a_file_replacing_by_id(self) -> None:
        extra = [
            InlineSession(
                id="9",
                title="Closing, with awards",
                start="2027-06-11T11:00:00-05:00",
                end="2027-06-11T12:00:00-05:00",
                room="Auditorium",
                hashtags=["#LibCampAwards", "libcamp-close"],
                speakers=["Gus Host"],
                abstract="<p>Prizes &amp; thanks.</p>",
                links=["https://libcamp.example.org/awards"],
            ),
            InlineSession(id="bof-1", title="Birds of a feather", start="2027-06-10T17:00", end="2027-06-10T18:00", room="Bar"),
        ]
        programme = load_programme("schedule.json", DATA, timezone="UTC", inline=extra)
        assert [s.id for s in programme.sessions] == ["5", "7", "6", "bof-1", "8", "9"]
        closing = programme.session("9")
        assert closing is not None
        assert closing.title == "Closing, with awards"
        assert closing.hashtags == ("libcampawards", "libcamp-close")
        assert closing.abstract == "Prizes & thanks."
        bof = programme.session("bof-1")
        assert bof is not None
        # naive inline times: the conference timezone given by the caller
        assert bof.start == datetime(2027, 6, 10, 17, tzinfo=ZoneInfo("UTC"))
        assert programme.rooms == ("Auditorium", "Seminar 1", "Bar")

    def test_naive_inline_times_fall_back_to_the_programme_zone(self) -> None:
        extra = [InlineSession(id="x", title="Extra", start="2027-06-10T17:00", end="2027-06-10T18:00")]
        programme = load_programme("schedule.json", DATA, inline=extra)
        extra_session = programme.session("x")
        assert extra_session is not None and extra_session.start == datetime(2027, 6, 10, 17, tzinfo=CHICAGO)


class TestInlineSessionModel:
    def test_numeric_id_is_a_string(self) -> None:
        session = InlineSession.model_validate({"id": 12, "title": "T", "start": "2027-01-01T09:00", "end": "2027-01-01T10:00"})
        assert session.id == "12"

    @pytest.mark.parametrize(
        ("changes", "problem"),
        [
            ({"colour": "red"}, "Extra inputs are not permitted"),
            ({"end": "2027-01-01T08:00"}, "must be after start"),
            ({"url": "javascript:alert(1)"}, "http:// or https://"),
            ({"links": ["ftp://example.org/slides"]}, "http:// or https://"),
            ({"start": "next tuesday"}, "datetime"),
            ({"id": ""}, "at least 1 character"),
        ],
    )
    def test_rejects(self, changes: dict[str, object], problem: str) -> None:
        data = {"id": "a", "title": "T", "start": "2027-01-01T09:00", "end": "2027-01-01T10:00", **changes}
        with pytest.raises(ValidationError, match=problem):
            InlineSession.model_validate(data)

    def test_every_field_is_described(self) -> None:
        assert all(field.description for field in InlineSession.model_fields.values())


def test_namespaced_frab_xml(tmp_path: Path) -> None:
    (tmp_path / "schedule.xml").write_text(
        '<schedule xmlns="https://c3voc.de/schedule"><conference><title>NS</title>'
        "<time_zone_name>Europe/Berlin</time_zone_name></conference>"
        '<day date="2027-01-05"><room name="A"><event id="1"><date>2027-01-05T10:00:00+01:00</date>'
        "<duration>00:30</duration><title>Talk</title></event></room></day></schedule>"
    )
    programme = load_programme("schedule.xml", tmp_path)
    assert (programme.title, [s.id for s in programme.sessions], programme.rooms) == ("NS", ["1"], ("A",))


def test_json_rooms_as_a_list(tmp_path: Path) -> None:
    (tmp_path / "schedule.json").write_text(
        '{"schedule": {"conference": {"title": "L", "time_zone_name": "UTC", "days": [{"date": "2027-01-05",'
        ' "rooms": [{"name": "A", "events": [{"id": 4, "start": "10:00", "duration": "00:30", "title": "T"}]}]}]}}}'
    )
    (session,) = load_programme("schedule.json", tmp_path).sessions
    assert (session.id, session.room, session.start.isoformat()) == ("4", "A", "2027-01-05T10:00:00+00:00")


def test_inline_end_before_start_across_zones_is_refused() -> None:
    item = InlineSession(id="x", title="T", start="2027-01-01T10:00:00+00:00", end="2027-01-01T10:30")
    with pytest.raises(ProgrammeError, match="inline session 'x': end must be after start"):
        load_programme("", DATA, timezone="Asia/Tokyo", inline=[item])  # 10:30 in Tokyo is 01:30 UTC
    assert load_programme("", DATA, timezone="America/Chicago", inline=[item]).sessions[0].duration_minutes == 390
