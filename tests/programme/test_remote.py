"""A remote programme that goes bad must not stop the site: the poisoned-download sequence, a
programme that shrinks by more than half, `check` on a remote programme, and the zone it reports."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from aggregator import pipeline
from aggregator.cli.app import EXIT_CONFIG, EXIT_OK, cli
from aggregator.config import load_config
from aggregator.errors import ProgrammeError
from aggregator.programme.loading import PROGRAMME_KEY
from aggregator.store import Store

DATA = Path(__file__).parent / "data"
PATH = "/api/v2/abc123/view/All"
GOOD = (DATA / "sessionize-all.json").read_bytes()
PENDING = f"{PROGRAMME_KEY}.pending"
MAINTENANCE = b"<!DOCTYPE html>\n<html><head><title>Down for maintenance</title></head><body>Back soon</body></html>"

CONFIG = """
conference:
  name: "Remote Con"
  hashtags: ["#remotecon"]
  timezone: "Europe/Helsinki"
programme: {url}
sources:
  - type: feed
    name: blog
    path: {feed}
"""


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("aggregator.http.backoff_delay", lambda attempt, policy: 0)


@pytest.fixture
def config_path(write_config: Callable[[str], Path], httpserver: HTTPServer, tmp_path: Path) -> Path:
    feed = tmp_path / "feed.xml"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>B</title></channel></rss>')
    return write_config(CONFIG.format(url=httpserver.url_for(PATH), feed=feed))


def saved_copy(config_path: Path, key: str = PROGRAMME_KEY) -> bytes | None:
    """A saved value of the store the runs use (the database's blobs table, not a file)."""
    with Store(load_config(config_path).data_dir) as store:
        return store.blobs.load(key)


def answer(server: HTTPServer, body: bytes, status: int = 200, content_type: str = "application/json") -> None:
    server.clear()
    server.expect_request(PATH).respond_with_data(body, status=status, content_type=content_type)


def run(config_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--config", str(config_path), *args])
    return result.exit_code, result.output


def ids(config_path: Path) -> list[str]:
    return [s.id for s in pipeline.load_schedule(load_config(config_path)).sessions]


def test_the_poisoned_download_sequence(config_path: Path, httpserver: HTTPServer) -> None:
    answer(httpserver, GOOD)
    assert run(config_path, "run")[0] == EXIT_OK
    good = saved_copy(config_path)

    answer(httpserver, MAINTENANCE, content_type="text/html")  # 200 with an HTML maintenance page
    code, output = run(config_path, "run")
    assert code == EXIT_OK, output
    assert saved_copy(config_path) == good  # the saved copy is not overwritten
    assert "is an HTML page" in output and "using the copy saved" in output
    with Store(load_config(config_path).data_dir) as store:
        assert "is an HTML page" in store.state(pipeline.PROGRAMME_HEALTH).last_error

    answer(httpserver, b"Internal Server Error", status=500, content_type="text/plain")
    code, output = run(config_path, "run")
    assert code == EXIT_OK and "HTTP 500" in output
    assert ids(config_path) == ["481516", "481518", "481517", "481520"]

    changed = json.loads(GOOD.decode("utf-8-sig"))
    changed["sessions"][1]["title"] = "Linked data for very small libraries"
    answer(httpserver, json.dumps(changed).encode())
    assert run(config_path, "run")[0] == EXIT_OK
    assert b"very small libraries" in saved_copy(config_path)
    with Store(load_config(config_path).data_dir) as store:
        assert store.state(pipeline.PROGRAMME_HEALTH).last_error == ""


def test_without_a_saved_copy_an_unusable_download_is_a_configuration_error(config_path: Path, httpserver: HTTPServer) -> None:
    answer(httpserver, MAINTENANCE, content_type="text/html")
    code, output = run(config_path, "run")
    assert code == EXIT_CONFIG and "is an HTML page" in output
    with pytest.raises(ProgrammeError):
        pipeline.load_schedule(load_config(config_path))


def shrunk() -> bytes:
    document = json.loads(GOOD.decode("utf-8-sig"))
    document["sessions"] = document["sessions"][:1]
    return json.dumps(document).encode()


def test_a_programme_that_shrinks_by_more_than_half_is_kept_aside(config_path: Path, httpserver: HTTPServer) -> None:
    answer(httpserver, GOOD)
    assert len(ids(config_path)) == 4
    answer(httpserver, shrunk())
    code, output = run(config_path, "run")
    assert code == EXIT_OK
    assert "shrank from 4 to 1 sessions" in output and "--accept-programme" in output
    assert saved_copy(config_path) == GOOD
    assert saved_copy(config_path, PENDING) == shrunk()
    assert len(ids(config_path)) == 4

    code, output = run(config_path, "run", "--accept-programme")
    assert code == EXIT_OK, output
    assert saved_copy(config_path) == shrunk() and saved_copy(config_path, PENDING) is None
    assert ids(config_path) == ["481516"]


def test_half_the_sessions_is_not_more_than_half(config_path: Path, httpserver: HTTPServer) -> None:
    answer(httpserver, GOOD)
    ids(config_path)
    document = json.loads(GOOD.decode("utf-8-sig"))
    document["sessions"] = [s for s in document["sessions"] if s["id"] in ("481516", "481517")]
    answer(httpserver, json.dumps(document).encode())
    assert ids(config_path) == ["481516", "481517"]


def test_check_downloads_a_remote_programme_and_leaves_the_saved_copy(config_path: Path, httpserver: HTTPServer) -> None:
    answer(httpserver, GOOD)
    code, output = run(config_path, "check")
    assert code == EXIT_OK, output
    assert "programme:  4 sessions in 2 rooms over 2 days" in output
    assert "(downloaded now)" in output
    assert "time zone:  the programme names no time zone; its times are read in Europe/Helsinki" in output
    assert saved_copy(config_path) is None

    ids(config_path)  # a run saves it
    answer(httpserver, shrunk())
    code, output = run(config_path, "check")
    assert code == EXIT_OK and "4 sessions" in output and "warning:    " in output and "shrank" in output
    assert "1 sessions" in run(config_path, "check", "--accept-programme")[1]
    assert saved_copy(config_path) == GOOD


def test_check_reports_a_programme_read_as_utc_when_no_zone_is_known(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    (tmp_path / "talks.csv").write_text("title,start,end\nA talk,2027-10-05 10:00,2027-10-05 10:30\n")
    path = write_config('conference:\n  name: X\n  hashtags: [x]\nprogramme: talks.csv\n')
    code, output = run(path, "check")
    assert code == EXIT_OK
    assert "names no time zone and conference.timezone is not set: its times are read as UTC" in output


def test_a_programme_with_its_own_zone_says_nothing_about_zones(write_config: Callable[[str], Path]) -> None:
    path = write_config(f"conference:\n  name: X\n  hashtags: [x]\nprogramme: {DATA / 'schedule.xml'}\n")
    code, output = run(path, "check")
    assert code == EXIT_OK and "time zone:" not in output
