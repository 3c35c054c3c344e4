"""The pretalx REST API (v1), served on 127.0.0.1: the event, the current schedule with its slots
expanded, or its slots read page by page through `next`. Fixture shapes: tests/data/programme/README.md."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pytest_httpserver import HTTPServer

from aggregator.errors import ProgrammeError
from aggregator.programme import Programme, detect_format, load_programme, parse_programme
from aggregator.programme.pretalx_api import EXPAND, SLOT_EXPAND, is_pretalx_api_url

DATA = Path(__file__).parent / "data"
VIENNA = ZoneInfo("Europe/Vienna")
EVENT = json.loads((DATA / "pretalx-api-event.json").read_text())
SCHEDULE = json.loads((DATA / "pretalx-api-schedule.json").read_text())
API = "/api/events/ltd27/"


def serve_event(server: HTTPServer, schedule: dict[str, Any]) -> str:
    server.expect_request(API).respond_with_json(EVENT)
    server.expect_request(f"{API}schedules/latest/", query_string={"expand": EXPAND}).respond_with_json(schedule)
    return server.url_for(API)


def serve_slot_pages(server: HTTPServer, slots: list[Any], size: int) -> None:
    pages = [slots[i : i + size] for i in range(0, len(slots), size)]
    for number, results in enumerate(pages, 1):
        query = {"expand": SLOT_EXPAND} | ({"page": str(number)} if number > 1 else {})
        following = server.url_for(f"{API}slots/") + f"?expand={SLOT_EXPAND}&page={number + 1}"
        page = {"count": len(slots), "next": following if number < len(pages) else None, "previous": None, "results": results}
        server.expect_request(f"{API}slots/", query_string=query).respond_with_json(page)


@pytest.fixture
def expanded(httpserver: HTTPServer) -> Programme:
    return load_programme(serve_event(httpserver, SCHEDULE), Path("/nonexistent"))


def test_the_address_shape() -> None:
    assert is_pretalx_api_url("https://pretalx.com/api/events/ltd27/")
    assert is_pretalx_api_url("https://cfp.example.org/pretalx/api/events/ltd27")
    assert not is_pretalx_api_url("https://pretalx.com/ltd27/schedule/export/schedule.json")
    assert not is_pretalx_api_url("https://pretalx.com/api/events/ltd27/talks/")


def test_sessions_are_keyed_on_the_submission_code(expanded: Programme) -> None:
    assert [s.id for s in expanded.sessions] == ["QXR7LM", "MN8RST", "WK3PZT", "MN8RST-2"]
    # the coffee break (a slot without a submission) and the withdrawn talk are not sessions


def test_event_facts_speakers_rooms_tracks_and_abstracts(expanded: Programme) -> None:
    assert (expanded.title, expanded.acronym, expanded.timezone) == ("Library Tech Days 2027", "ltd27", "Europe/Vienna")
    assert expanded.zone_declared
    opening = expanded.sessions[0]
    assert opening.start == datetime(2027, 9, 14, 9, 0, tzinfo=VIENNA)
    assert opening.end == datetime(2027, 9, 14, 9, 30, tzinfo=VIENNA)
    assert (opening.room, opening.track, opening.kind) == ("Great Hall", "Open Infrastructure", "Talk")
    assert opening.speakers == ("Ines Moser",)
    assert opening.abstract == "Why shared infrastructure & why now."
    assert opening.links == ("https://ltd.example.org/media/ltd27/slides.pdf",)  # a javascript: resource is dropped
    workshop = expanded.session("WK3PZT")
    assert workshop is not None
    assert (workshop.room, workshop.kind, workshop.track) == ("Lab", "Workshop", "")
    assert workshop.speakers == ("Lukas Gruber", "Sara Hofer")
    assert (workshop.abstract, workshop.description) == ("Bring a laptop.", "Longer description.")
    assert expanded.rooms == ("Great Hall", "Lab")


def test_the_public_talk_url(expanded: Programme, httpserver: HTTPServer) -> None:
    assert expanded.sessions[0].url == httpserver.url_for("/ltd27/talk/QXR7LM/")


def test_slots_given_as_ids_are_read_page_by_page(httpserver: HTTPServer) -> None:
    ids_only = dict(SCHEDULE, slots=[slot["id"] for slot in SCHEDULE["slots"]])
    url = serve_event(httpserver, ids_only)
    serve_slot_pages(httpserver, SCHEDULE["slots"], size=2)  # three pages
    programme = load_programme(url, Path("/nonexistent"))
    assert [s.id for s in programme.sessions] == ["QXR7LM", "MN8RST", "WK3PZT", "MN8RST-2"]
    assert sum(1 for request, _ in httpserver.log if request.path.endswith("/slots/")) == 3


def test_a_next_page_on_another_server_is_not_followed(httpserver: HTTPServer) -> None:
    url = serve_event(httpserver, dict(SCHEDULE, slots=[1]))
    page = {"count": 9, "next": "https://elsewhere.example/api/events/ltd27/slots/?page=2", "results": SCHEDULE["slots"][:1]}
    httpserver.expect_request(f"{API}slots/").respond_with_json(page)
    with pytest.raises(ProgrammeError, match="on another server; not followed"):
        load_programme(url, Path("/nonexistent"))


def test_an_address_that_is_no_pretalx_event(httpserver: HTTPServer) -> None:
    httpserver.expect_request(API).respond_with_data("<!DOCTYPE html><html><body>Maintenance</body></html>")
    with pytest.raises(ProgrammeError, match="is an HTML page"):
        load_programme(httpserver.url_for(API), Path("/nonexistent"))


def test_the_download_is_one_document_that_reads_again_offline(httpserver: HTTPServer, tmp_path: Path) -> None:
    cache = tmp_path / "programme.cache"
    first = load_programme(serve_event(httpserver, SCHEDULE), tmp_path, cache=cache)
    assert detect_format(cache.read_bytes(), str(cache)) == "pretalx-api"
    assert parse_programme(cache.read_bytes(), str(cache)).sessions == first.sessions


def test_hostile_slots_are_skipped_not_the_programme() -> None:
    slots = [
        {"id": 1, "start": "not a time", "submission": {"code": "AAA", "title": "No start"}},
        {"id": 2, "start": "9999-12-31T23:00:00+00:00", "end": "9999-12-31T23:30:00+00:00", "submission": {"code": "BBB", "title": "Far"}},
        {"id": 3, "start": "2027-09-14T09:00:00+02:00", "end": "2027-09-14T08:00:00+02:00",
         "submission": {"code": "../x", "title": "<b>Odd</b>", "speakers": ["CODEONLY", 7], "track": 3}},
        "junk",
    ]
    document = {"pretalx_api": "https://pretalx.example.org/api/events/x/", "event": {"slug": "x"}, "slots": slots}
    (odd,) = parse_programme(json.dumps(document).encode(), "bundle.json").sessions
    assert (odd.id, odd.url, odd.speakers, odd.track) == ("../x", "", (), "")  # an odd code makes no link
    assert odd.end == odd.start
