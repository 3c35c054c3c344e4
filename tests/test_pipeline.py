"""Pipeline behaviour that spans stages: remote programme cache, offline check, containment."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from aggregator import pipeline
from aggregator.config.model import load_config
from aggregator.errors import ProgrammeError

ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:talk-1@testcon
DTSTART:20270302T150000Z
DTEND:20270302T154500Z
SUMMARY:Linked data for small libraries
LOCATION:Main hall
END:VEVENT
END:VCALENDAR
"""

CONFIG = """
conference:
  name: "Test Con"
  hashtags: ["#testcon"]
  timezone: "America/Chicago"
programme: {url}
sources: []
"""


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("aggregator.http.backoff_delay", lambda attempt, policy: 0)


def test_remote_programme_is_saved_and_used_when_the_site_is_down(
    write_config, httpserver: HTTPServer, fast_retries: None, caplog: pytest.LogCaptureFixture
) -> None:
    httpserver.expect_ordered_request("/schedule.ics").respond_with_data(ICS, content_type="text/calendar")
    config = load_config(write_config(CONFIG.format(url=httpserver.url_for("/schedule.ics"))))
    sessions = pipeline.load_schedule(config).sessions
    assert [s.id for s in sessions] == ["talk-1@testcon"]

    httpserver.clear()
    httpserver.expect_request("/schedule.ics").respond_with_data("down", status=503)
    again = pipeline.load_schedule(config).sessions
    assert again == sessions
    assert "using the copy saved" in caplog.text


def test_remote_programme_without_a_saved_copy_is_an_error(
    write_config, httpserver: HTTPServer, fast_retries: None
) -> None:
    httpserver.expect_request("/schedule.ics").respond_with_data("gone", status=404)
    config = load_config(write_config(CONFIG.format(url=httpserver.url_for("/schedule.ics"))))
    with pytest.raises(ProgrammeError):
        pipeline.load_schedule(config)


def test_offline_loading_never_fetches(write_config, httpserver: HTTPServer) -> None:
    config = load_config(write_config(CONFIG.format(url=httpserver.url_for("/schedule.ics"))))
    schedule = pipeline.load_schedule(config, offline=True)
    assert schedule.sessions == () and schedule.conference.name == "Test Con"
    assert len(httpserver.log) == 0


def test_conference_dates_without_a_programme(write_config) -> None:
    path: Path = write_config(
        'conference:\n  name: X\n  hashtags: [x]\n  timezone: Europe/Berlin\n  start: "2027-05-04"\n  end: "2027-05-05"\n'
    )
    schedule = pipeline.load_schedule(load_config(path))
    conference, sessions = schedule.conference, schedule.sessions
    assert sessions == ()
    assert conference.start.isoformat() == "2027-05-04T00:00:00+02:00"
    assert conference.end.date().isoformat() == "2027-05-05"
