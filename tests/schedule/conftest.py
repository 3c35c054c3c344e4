"""Fixtures of the scheduler tests: feeds on a loopback server, a config whose conference is on
today, and helpers that wait on the store (never on a fixed sleep where a condition will do)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from aggregator.config import Config, load_config
from aggregator.schedule import Cadence, Daemon
from aggregator.store import Attempt
from aggregator.store.sqlite import Store

NO_JITTER = Cadence(jitter=0)


def rss(*slugs: str) -> str:
    items = "".join(
        f"<item><title>Notes on {slug}</title><link>https://notes.example.org/{slug}/</link>"
        f"<guid>https://notes.example.org/{slug}/</guid><pubDate>{datetime.now(UTC):%a, %d %b %Y %H:%M:%S} +0000</pubDate>"
        f"<category>testcon</category><description>About {slug} #testcon</description></item>"
        for slug in slugs
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Notes</title>'
        f"<link>https://notes.example.org/</link><description>d</description>{items}</channel></rss>"
    )


def feed_source(name: str, url: str, every: str = "1s") -> str:
    return f"  - type: feed\n    name: {name}\n    url: {url}\n    every: {every}\n"


@pytest.fixture
def conference_today(tmp_path: Path) -> Callable[..., Config]:
    """A sources.yaml for a conference held today, with the given source entries."""

    def write(*sources: str, extra: str = "") -> Config:
        today = datetime.now(UTC).date().isoformat()
        text = (
            f'conference:\n  name: "Test Con"\n  hashtags: ["#testcon"]\n  start: "{today}"\n  end: "{today}"\n'
            f"sources:\n{''.join(sources)}{extra}"
        )
        path = tmp_path / "sources.yaml"
        path.write_text(text, encoding="utf-8")
        return load_config(path)

    return write


def serve_feed(server: HTTPServer, path: str, body: str, delay: float = 0.0) -> str:
    def answer(request: Request) -> Response:
        time.sleep(delay)
        return Response(body, content_type="application/rss+xml")

    server.expect_request(path).respond_with_handler(answer)
    return server.url_for(path)


def attempts(config: Config, source: str | None = None) -> list[Attempt]:
    with Store(config.data_dir) as store:
        return list(reversed(store.attempts(source, limit=1000)))


def runs_of(config: Config, kind: str) -> list[dict]:
    with Store(config.data_dir) as store:
        return [run for run in store.last_runs(1000) if run["kind"] == kind]


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    ends = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > ends:
            raise AssertionError(f"not true within {timeout} s")
        time.sleep(0.05)


@pytest.fixture
def running() -> Iterator[Callable[..., Daemon]]:
    """Start a daemon on a config; every one started is stopped at the end of the test."""
    started: list[Daemon] = []

    def start(config: Config, **options: object) -> Daemon:
        options.setdefault("cadence", NO_JITTER)
        options.setdefault("build_quiet", 0.5)
        daemon = Daemon(config, **options)  # type: ignore[arg-type]
        daemon.start()
        started.append(daemon)
        return daemon

    yield start
    for daemon in started:
        if not daemon.stopping:
            daemon.stop()
