"""`aggregator status` and `publish:` from real failing and healthy sources on a loopback server."""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from aggregator.cli.app import EXIT_OK, EXIT_SOURCES_FAILED, EXIT_UNHEALTHY, cli
from aggregator.config import load_config
from aggregator.deploy import last_publish, record_publish
from aggregator.store import open_store
from tests.schedule.conftest import rss

CONFIG = """
conference:
  name: "Test Con"
  hashtags: ["#testcon"]
  start: "2027-03-02"
  end: "2027-03-03"
sources:
  - type: feed
    name: good
    url: {good}
  - type: feed
    name: broken
    url: {broken}
health:
  max_failing: {max_failing}
{publish}
"""


def invoke(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=False)
    return result.exit_code, result.output


def write(write_config, httpserver: HTTPServer, max_failing: str = "1h", publish: str = "") -> Path:
    httpserver.expect_request("/good.xml").respond_with_data(rss("g1"), content_type="application/rss+xml")
    httpserver.expect_request("/broken.xml").respond_with_data("gone", status=404)
    return write_config(
        CONFIG.format(
            good=httpserver.url_for("/good.xml"), broken=httpserver.url_for("/broken.xml"),
            max_failing=max_failing, publish=publish,
        )  # fmt: skip
    )


def test_status_shows_each_sources_health_and_exits_0_while_failures_are_recent(write_config, httpserver) -> None:
    config = write(write_config, httpserver)
    assert invoke(config, "-q", "run")[0] == EXIT_SOURCES_FAILED
    code, output = invoke(config, "status")
    assert code == EXIT_OK, output
    assert "good" in output and "broken" in output and "SourceError" in output and "HTTP 404" in output
    assert "sources-failed" in output  # the run's real outcome
    assert "no scheduler running" in output


def test_status_exits_5_and_says_which_source_once_it_has_failed_longer_than_max_failing(
    write_config, httpserver
) -> None:
    config = write(write_config, httpserver, max_failing="1s")
    invoke(config, "-q", "run")
    time.sleep(1.1)
    invoke(config, "-q", "collect")  # failing again: "since" stays at the first failure
    code, output = invoke(config, "status", "--json")
    assert code == EXIT_UNHEALTHY
    found = json.loads(output)
    assert found["unhealthy"] == ["broken"] and found["max_failing"] == "1s"
    broken = {s["name"]: s for s in found["sources"]}["broken"]
    good = {s["name"]: s for s in found["sources"]}["good"]
    assert broken["failing_since"] < broken["last_attempt"]
    assert (broken["error_class"], broken["last_outcome"], broken["posts"]) == ("SourceError", "failed", 0)
    assert (good["failing_since"], good["last_outcome"], good["posts"]) == (None, "ok", 1)
    assert [run["status"] for run in found["runs"]] == ["sources-failed", "sources-failed"]
    assert found["runs"][0]["detail"]["failed"] == ["broken"]


def test_publish_runs_after_each_build_and_its_failure_is_recorded_and_shown(write_config, httpserver, tmp_path) -> None:
    marker = tmp_path / "published.txt"
    script = f"import pathlib, sys; pathlib.Path({str(marker)!r}).write_text(str(len(list(pathlib.Path('output').iterdir()))))"
    config = write(write_config, httpserver, publish=f"publish: {json.dumps(f'{sys.executable} -c {json.dumps(script)}')}")
    invoke(config, "-q", "run")
    assert int(marker.read_text()) > 3  # it ran in the config's folder, after the site was there
    found = json.loads(invoke(config, "status", "--json")[1])
    assert found["publish"]["ok"] is True and found["publish"]["exit_code"] == 0

    failing = f"{sys.executable} -c \\\"import sys; sys.stderr.write('host unreachable'); sys.exit(3)\\\""
    config = write_config(config.read_text().replace(config.read_text().splitlines()[-1], f'publish: "{failing}"'))
    code, output = invoke(config, "build")
    assert code == EXIT_OK  # a failed publish never fails the build
    found = json.loads(invoke(config, "status", "--json")[1])
    assert (found["publish"]["ok"], found["publish"]["exit_code"]) == (False, 3)
    assert "host unreachable" in found["publish"]["message"]
    assert "FAILED (exit code 3)" in invoke(config, "status")[1]


def test_a_publish_command_past_its_timeout_is_stopped_and_recorded(write_config, httpserver) -> None:
    slow = f"{sys.executable} -c 'import time; time.sleep(30)'"
    config = write(write_config, httpserver, publish=f"publish:\n  command: \"{slow}\"\n  timeout: 1s")
    started = time.monotonic()
    invoke(config, "-q", "build")
    assert time.monotonic() - started < 10
    found = json.loads(invoke(config, "status", "--json")[1])
    assert found["publish"]["ok"] is False and "timeout of 1 s" in found["publish"]["message"]


def test_a_skipped_build_publishes_again_only_when_the_last_publish_failed(write_config, httpserver, tmp_path) -> None:
    marker = tmp_path / "published.txt"
    script = f"import pathlib; pathlib.Path({str(marker)!r}).touch()"
    config = write(write_config, httpserver, publish=f"publish: {json.dumps(f'{sys.executable} -c {json.dumps(script)}')}")
    invoke(config, "-q", "run")
    assert marker.exists()
    marker.unlink()

    invoke(config, "-q", "run")  # nothing new: the build is skipped, and that site was published

    assert not marker.exists()
    assert json.loads(invoke(config, "status", "--json")[1])["runs"][0]["detail"]["build_skipped"] is True

    with open_store(load_config(config)) as store:  # as if that publish had failed
        last = last_publish(store)
        assert last is not None
        record_publish(store, dataclasses.replace(last, ok=False, exit_code=3))
    invoke(config, "-q", "run")

    assert marker.exists()  # skipped build, but the site there was not published yet


def test_a_skipped_build_publishes_a_site_that_changed_since_its_last_publish(write_config, httpserver, tmp_path) -> None:
    # e.g. a build that rewrote only the about page, whose publish never ran (the scheduler stopped first)
    marker = tmp_path / "published.txt"
    script = f"import pathlib; pathlib.Path({str(marker)!r}).touch()"
    config = write(write_config, httpserver, publish=f"publish: {json.dumps(f'{sys.executable} -c {json.dumps(script)}')}")
    invoke(config, "-q", "run")
    marker.unlink()
    about = load_config(config).output / "about.html"
    rewritten = about.read_text(encoding="utf-8")
    about.unlink()
    about.write_text(rewritten, encoding="utf-8")  # a new file where the published one was

    invoke(config, "-q", "run")  # nothing new: the build is skipped

    assert marker.exists()  # but this folder is not the one last published
