"""frab XML, frab/pretalx JSON and iCalendar fixtures in the shapes real exports take."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aggregator.models import Session
from aggregator.programme import Programme, load_programme

DATA = Path(__file__).parent / "data"
BERLIN = ZoneInfo("Europe/Berlin")
CHICAGO = ZoneInfo("America/Chicago")
LONDON = ZoneInfo("Europe/London")


def at(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)


def by_id(programme: Programme) -> dict[str, Session]:
    return {s.id: s for s in programme.sessions}


@pytest.fixture(scope="module")
def frab_xml() -> Programme:
    return load_programme("schedule.xml", DATA)


@pytest.fixture(scope="module")
def frab_json() -> Programme:
    return load_programme("schedule.json", DATA)


@pytest.fixture(scope="module")
def ical() -> Programme:
    return load_programme("programme.ics", DATA)


class TestFrabXml:
    def test_conference_facts(self, frab_xml: Programme) -> None:
        assert (frab_xml.title, frab_xml.acronym, frab_xml.timezone) == (
            "Library Systems Summit 2027",
            "lib27",
            "Europe/Berlin",
        )
        assert frab_xml.url == "https://summit.example.org/2027/"
        assert frab_xml.days == (date(2027, 3, 2), date(2027, 3, 3))
        assert frab_xml.rooms == ("Main Hall", "Room B", "Workshop Room")
        assert frab_xml.start == at(BERLIN, 2027, 3, 2, 9, 0)
        assert frab_xml.end == at(BERLIN, 2027, 3, 3, 11, 0)

    def test_keeps_event_ids_and_drops_breaks_and_untitled(self, frab_xml: Programme) -> None:
        ids = [s.id for s in frab_xml.sessions]
        # sorted by start, then room in programme order; 102 Lunch, 202 Coffee & Tea Break, 106 Mittagspause
        # are breaks; 204 has no title; the guid stands in for the event without an id.
        assert ids == ["101", "201", "6f7c2f0a-0000-4000-8000-000000000301", "203", "103", "104", "105", "205"]

    def test_full_event(self, frab_xml: Programme) -> None:
        keynote = frab_xml.session("101")
        assert keynote is not None
        assert keynote.title == "Opening keynote: open catalogues"
        assert keynote.subtitle == "Why everything should be linked"
        assert (keynote.start, keynote.end) == (at(BERLIN, 2027, 3, 2, 9), at(BERLIN, 2027, 3, 2, 10))
        assert keynote.room == "Main Hall"
        assert keynote.speakers == ("Ada Catalog", "Bo Metadata")
        assert keynote.abstract == "Catalogues belong to their readers.\nSecond paragraph & more."
        assert (keynote.track, keynote.kind, keynote.language) == ("Keynotes", "Talk", "en")
        assert keynote.url == "https://summit.example.org/2027/talk/101/"
        # the javascript: link is dropped; the relative attachment resolves against the event's origin
        assert keynote.links == (
            "https://slides.example.org/keynote",
            "https://cfp.example.org/media/lib27/keynote.pdf",
        )

    def test_missing_date_uses_day_and_start_clock(self, frab_xml: Programme) -> None:
        workshop = frab_xml.session("103")
        assert workshop is not None
        assert workshop.start == at(BERLIN, 2027, 3, 2, 14, 0)
        assert workshop.duration_minutes == 90  # "1:30:00"
        assert workshop.room == "Main Hall"  # from the enclosing <room>

    def test_after_midnight_belongs_to_the_evening_before(self, frab_xml: Programme) -> None:
        late = frab_xml.session("104")
        assert late is not None
        assert late.start == at(BERLIN, 2027, 3, 3, 0, 30)
        assert frab_xml.day_of(late) == date(2027, 3, 2)

    def test_odd_durations_and_offsets(self, frab_xml: Programme) -> None:
        harvesting = frab_xml.session("6f7c2f0a-0000-4000-8000-000000000301")
        no_duration = frab_xml.session("203")
        assert harvesting is not None and no_duration is not None
        assert harvesting.start == datetime(2027, 3, 2, 9, tzinfo=UTC)
        assert harvesting.end - harvesting.start == timedelta(hours=2)  # "PT2H"
        assert no_duration.title == "Breaking the catalogue: a post-mortem"  # "Breaking" is no break
        assert no_duration.end == no_duration.start

    def test_repeated_id_keeps_the_first(self, frab_xml: Programme) -> None:
        dashboards = frab_xml.session("201")
        assert dashboards is not None
        assert dashboards.title == "Metadata quality dashboards"
        assert dashboards.speakers == ("Cy Dashboard",)

    def test_every_time_is_aware(self, frab_xml: Programme) -> None:
        assert all(s.start.tzinfo and s.end.tzinfo for s in frab_xml.sessions)


class TestFrabJson:
    def test_conference_facts(self, frab_json: Programme) -> None:
        assert (frab_json.title, frab_json.acronym, frab_json.timezone) == ("LibCamp 2027", "libcamp", "America/Chicago")
        assert frab_json.url == "https://pretalx.example.org/libcamp/schedule/"
        # the declared order, without the room that holds nothing
        assert frab_json.rooms == ("Auditorium", "Seminar 1")
        assert frab_json.days == (date(2027, 6, 10), date(2027, 6, 11))

    def test_ids_as_strings_breaks_dropped(self, frab_json: Programme) -> None:
        # 90 "Lunch break (provided)" and 91 (type Break) are breaks; 10 has no readable time
        assert [s.id for s in frab_json.sessions] == ["5", "7", "6", "8", "9"]

    def test_persons_in_every_shape_and_escaped_html(self, frab_json: Programme) -> None:
        zines = frab_json.session("7")
        assert zines is not None
        assert zines.speakers == ("Dee Zine", "Eli Staple", "Fay Fold")
        assert zines.abstract == "Cut, fold & staple."
        assert zines.track == "Collections"
        assert zines.kind == "Workshop"
        assert zines.duration_minutes == 60  # "01:00:00"
        assert zines.links == (
            "https://zines.example.org/slides.pdf",
            "https://pretalx.example.org/media/libcamp/zine-handout.pdf",
        )

    def test_naive_and_partial_times(self, frab_json: Programme) -> None:
        sessions = by_id(frab_json)
        assert sessions["6"].start == at(CHICAGO, 2027, 6, 10, 10, 0)  # naive date: conference zone
        assert sessions["6"].room == "Auditorium"  # missing room: the room it is listed under
        assert sessions["8"].start == at(CHICAGO, 2027, 6, 11, 9, 30)  # date only + start
        assert sessions["8"].title.startswith("Lunch and learn")  # a talk, not a break
        assert sessions["9"].start == at(CHICAGO, 2027, 6, 11, 11, 0)  # no date: the day's
        assert sessions["5"].duration_minutes == 45  # "0:45"
        assert sessions["5"].abstract == "A short welcome."


class TestICalendar:
    def test_calendar_facts(self, ical: Programme) -> None:
        assert ical.title == "Library Day 2027"
        assert ical.timezone == "Europe/London"
        assert ical.rooms == ("Lecture Theatre", "Seminar Room")
        assert ical.days == (date(2027, 5, 5),)

    def test_uids_are_ids_and_breaks_cancelled_and_all_day_are_left_out(self, ical: Programme) -> None:
        ids = [s.id for s in ical.sessions]
        assert ids[:3] == [
            "pretalx-libday27-KEY1@pretalx.example.org",
            "pretalx-libday27-RDM2@pretalx.example.org",
            "pretalx-libday27-UTC3@pretalx.example.org",
        ]
        assert len(ids) == 4 and ids[3].startswith("ical-")  # no UID: a stable digest
        assert ids[3] == load_programme("programme.ics", DATA).sessions[3].id

    def test_event_fields(self, ical: Programme) -> None:
        keynote = ical.sessions[0]
        assert (keynote.start, keynote.end) == (at(LONDON, 2027, 5, 5, 9, 30), at(LONDON, 2027, 5, 5, 10, 30))
        assert keynote.title == "Keynote: the library as platform"
        assert keynote.abstract == "Platforms, publics & the commons."
        assert keynote.room == "Lecture Theatre"
        assert keynote.track == "Keynotes"
        assert keynote.speakers == ("Hal Platform",)
        assert keynote.url == "https://libday.example.org/talk/KEY1/"
        assert keynote.links == ("https://libday.example.org/slides/key1.pdf",)

    def test_floating_time_and_duration(self, ical: Programme) -> None:
        rdm = ical.sessions[1]
        assert rdm.start == at(LONDON, 2027, 5, 5, 11, 0)  # floating: X-WR-TIMEZONE
        assert rdm.duration_minutes == 45
        assert rdm.abstract == "Plain text, two lines.\nSecond line."
        assert ical.sessions[2].start == datetime(2027, 5, 5, 13, tzinfo=UTC)
