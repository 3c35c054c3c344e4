"""The CLI end to end on small configs: exit codes, containment of a broken source, idempotent collects."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from aggregator.cli.app import EXIT_CONFIG, EXIT_LOCKED, EXIT_OK, EXIT_SOURCES_FAILED, cli
from aggregator.store.lock import run_lock
from aggregator.store.sqlite import Store

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Notes</title><link>https://notes.example.org/</link>
<description>d</description>
<item><title>Recap: linked data for small libraries</title><link>https://notes.example.org/recap-1/</link>
<guid>https://notes.example.org/recap-1/</guid><pubDate>Wed, 03 Mar 2027 18:00:00 +0000</pubDate>
<category>c4l27</category><description>&lt;p&gt;Great talk by Ada Example on linked data.&lt;/p&gt;</description></item>
</channel></rss>
"""

CONFIG = """
conference:
  name: "Test Con"
  hashtags: ["#testcon"]
  timezone: "America/Chicago"
sessions:
  - id: "ld-101"
    title: "Linked data for small libraries"
    start: "2027-03-02T10:00:00"
    end: "2027-03-02T10:45:00"
    room: "Main hall"
    speakers: ["Ada Example"]
sources:
  - type: feed
    name: good
    url: {good}
  - type: feed
    name: broken
    url: {broken}
"""


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def config_path(write_config, httpserver: HTTPServer) -> Path:
    httpserver.expect_request("/feed.xml").respond_with_data(RSS, content_type="application/rss+xml")
    httpserver.expect_request("/broken.xml").respond_with_data("oops", status=500)
    return write_config(CONFIG.format(good=httpserver.url_for("/feed.xml"), broken=httpserver.url_for("/broken.xml")))


def test_run_builds_the_site_even_when_a_source_fails(config_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("aggregator.http.backoff_delay", lambda attempt, policy: 0)
    code, output = invoke("--config", str(config_path), "run")
    assert code == EXIT_SOURCES_FAILED
    site = config_path.parent / "output"
    export = json.loads((site / "sessions.json").read_text())
    assert [p["id"] for s in export["sessions"] for p in s["posts"]] + [p["id"] for p in export["unassigned"]] == [
        "https://notes.example.org/recap-1/"
    ]
    assert (site / "index.html").is_file()
    with Store(config_path.parent / ".aggregator" / "sources") as store:
        assert store.state("broken").last_error
        assert store.state("good").last_success is not None
        [last_run] = store.last_runs(1)
        assert (last_run["kind"], last_run["status"]) == ("run", "sources-failed") and last_run["finished_at"]


def test_collect_twice_keeps_the_post_count(config_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("aggregator.http.backoff_delay", lambda attempt, policy: 0)
    for _ in range(2):
        code, _ = invoke("--config", str(config_path), "collect", "good")
        assert code == EXIT_OK
        with Store(config_path.parent / ".aggregator" / "sources") as store:
            assert store.count() == 1


def test_config_error_exits_2_with_file_and_line(write_config) -> None:
    path = write_config("conference:\n  name: X\n  hashtags: [x]\n  colour: red\nsources: []\n")
    code, output = invoke("--config", str(path), "check")
    assert code == EXIT_CONFIG
    assert f"{path}:4: conference.colour: unknown key" in output


def test_unknown_source_name_is_a_config_error(config_path: Path) -> None:
    code, output = invoke("--config", str(config_path), "collect", "nope")
    assert code == EXIT_CONFIG
    assert "no source named 'nope'; configured sources: good, broken" in output


def test_check_prints_a_summary_without_network(config_path: Path) -> None:
    code, output = invoke("--config", str(config_path), "check")
    assert code == EXIT_OK, output
    assert "programme:  1 sessions in 1 rooms over 1 days" in output
    assert "  - good" in output and "  - broken" in output


def test_a_second_run_waits_for_none_and_exits_4(config_path: Path) -> None:
    with run_lock(config_path.parent / ".aggregator" / "sources"):
        code, output = invoke("--config", str(config_path), "run")
    assert code == EXIT_LOCKED
    assert "in use by pid" in output


def test_dump_prints_normalized_posts_without_storing(config_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--config", str(config_path), "dump", "good", "--json"])
    assert result.exit_code == EXIT_OK
    first = json.loads(result.stdout.splitlines()[0])
    assert first["id"] == "https://notes.example.org/recap-1/"
    assert not (config_path.parent / ".aggregator" / "sources" / "aggregator.sqlite3").exists() or Store(
        config_path.parent / ".aggregator" / "sources"
    ).count() == 0


def test_python_dash_m_works() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "aggregator", "--help"], capture_output=True, text=True, check=True)
    assert "collect" in result.stdout and "evaluate" in result.stdout


def test_build_without_collect_still_builds(config_path: Path) -> None:
    code, output = invoke("--config", str(config_path), "build")
    assert code == EXIT_OK, output
    assert (config_path.parent / "output" / "hallway.html").is_file()
    shutil.rmtree(config_path.parent / "output")


def test_serve_previews_the_built_site(config_path: Path) -> None:
    import threading

    import httpx

    from aggregator.cli.preview import make_server

    assert invoke("--config", str(config_path), "build")[0] == EXIT_OK
    server = make_server(config_path.parent / "output", "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        response = httpx.get(f"http://127.0.0.1:{server.server_address[1]}/index.html")
        assert response.status_code == 200 and "Test Con" in response.text
    finally:
        server.shutdown()
        server.server_close()


def test_serve_without_a_built_site_says_what_to_do(config_path: Path) -> None:
    code, output = invoke("--config", str(config_path), "serve")
    assert code == 3 and "run `aggregator build` first" in output


def test_global_options_may_follow_the_command(config_path: Path) -> None:
    code, output = invoke("check", "--config", str(config_path), "--quiet")
    assert code == EXIT_OK and "programme:  1 sessions" in output


def test_explain_shows_the_candidates_and_the_decision(config_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("aggregator.http.backoff_delay", lambda attempt, policy: 0)
    invoke("--config", str(config_path), "collect", "good")
    code, output = invoke("--config", str(config_path), "explain", "https://notes.example.org/recap-1/")
    assert code == EXIT_OK, output
    assert "Linked data for small libraries" in output


def test_explain_an_unknown_post(config_path: Path) -> None:
    code, output = invoke("--config", str(config_path), "explain", "at://nope")
    assert code == 0
    assert "at://nope: not in any thread (not collected, hidden, blocked or excluded)" in output


def test_run_without_pagefind_builds_the_site_and_says_why_search_is_missing(
    write_config, httpserver: HTTPServer, monkeypatch
) -> None:
    monkeypatch.setattr("aggregator.site.search.find_pagefind", lambda: None)
    httpserver.expect_request("/feed.xml").respond_with_data(RSS, content_type="application/rss+xml")
    only_good = CONFIG.split("  - type: feed\n    name: broken")[0]
    config_path = write_config(only_good.format(good=httpserver.url_for("/feed.xml")))
    code, output = invoke("--config", str(config_path), "run")
    assert code == EXIT_OK
    assert "no search index" in output and "pagefind[bin]" in output
    site = config_path.parent / "output"
    assert (site / "index.html").is_file() and not (site / "pagefind").exists()
    assert "Search is not available" in (site / "search.html").read_text(encoding="utf-8")


def test_a_build_with_nothing_new_says_so_and_the_run_record_has_it(config_path: Path) -> None:
    assert invoke("--config", str(config_path), "build")[0] == EXIT_OK

    code, output = invoke("--config", str(config_path), "build")

    assert code == EXIT_OK, output
    assert "nothing changed since the last build" in output
    status = json.loads(invoke("--config", str(config_path), "status", "--json")[1])
    latest = status["runs"][0]
    assert latest["kind"] == "build" and latest["detail"]["build_skipped"] is True
