"""Feeds are fetched at once, within `network.concurrency` in all and `network.per_host` per server.

A real HTTP server on 127.0.0.1 holds every answer for a moment and counts the requests in
flight, in all and per Host header (127.0.0.1 and localhost are two hosts to the client).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from aggregator.runs import collect
from aggregator.store import Store
from tests.collectors.mastodon.fakes import FakeMastodon, account, status

HOLD_SECONDS = 0.25
FEEDS_PER_HOST = 6
FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Blog {number}</title><link>https://blog{number}.example/</link>
<item><title>Recap {number} #cc27</title><link>https://blog{number}.example/recap</link>
<guid>https://blog{number}.example/recap</guid><pubDate>Tue, 02 Mar 2027 15:00:00 GMT</pubDate>
<description>It was good.</description></item>
</channel></rss>
"""


class InFlight:
    """Requests being answered right now, and the most there ever were, in all and per host."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now: Counter[str] = Counter()
        self.most: Counter[str] = Counter()
        self.most_in_all = 0

    def enter(self, host: str) -> None:
        with self._lock:
            self.now[host] += 1
            self.most[host] = max(self.most[host], self.now[host])
            self.most_in_all = max(self.most_in_all, sum(self.now.values()))

    def leave(self, host: str) -> None:
        with self._lock:
            self.now[host] -= 1


@pytest.fixture
def holding_server() -> Iterator[tuple[int, InFlight]]:
    counts = InFlight()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            host = self.headers["Host"].rsplit(":", 1)[0]
            counts.enter(host)
            try:
                time.sleep(HOLD_SECONDS)
            finally:
                # left before answering: once the client has its answer it may send the next request
                # at once, before this thread would get to count this one out
                counts.leave(host)
            if self.path == "/broken":
                self._answer(404, b"gone")
            else:
                self._answer(200, FEED.format(number=self.path.strip("/")).encode())

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], counts
    finally:
        server.shutdown()
        server.server_close()


def config_with_feeds(folder: Path, port: int, network: str) -> Path:
    lines = [
        'conference: {name: ConcurrentCon, hashtags: ["#cc27"], start: "2027-03-02", end: "2027-03-03"}',
        f"network: {{{network}}}",
        "sources:",
    ]
    for number in range(FEEDS_PER_HOST):
        for host in ("127.0.0.1", "localhost"):
            lines.append(f"  - {{type: feed, name: {host}-{number}, url: 'http://{host}:{port}/{host}{number}'}}")
    lines.append(f"  - {{type: feed, name: broken, url: 'http://127.0.0.1:{port}/broken'}}")
    path = folder / "sources.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_feeds_are_fetched_at_once_within_both_bounds(tmp_path: Path, holding_server: tuple[int, InFlight]) -> None:
    port, in_flight = holding_server
    started = time.monotonic()

    report = collect(config_with_feeds(tmp_path, port, "concurrency: 3, per_host: 2"))

    elapsed = time.monotonic() - started
    assert in_flight.most_in_all == 3  # the total bound was reached, never passed
    assert max(in_flight.most.values()) == 2 and set(in_flight.most) == {"127.0.0.1", "localhost"}
    assert elapsed < (2 * FEEDS_PER_HOST + 1) * HOLD_SECONDS * 0.7  # well under one after another
    assert [s.name for s in report.failed] == ["broken"]  # one failure costs its own source only
    assert sum(s.new for s in report.sources) == 2 * FEEDS_PER_HOST
    with Store(tmp_path / ".aggregator" / "sources") as store:  # the data folder is named after the config
        assert len(store.posts()) == 2 * FEEDS_PER_HOST
        assert store.state("broken").last_error


def test_concurrency_one_reads_one_source_after_another(tmp_path: Path, holding_server: tuple[int, InFlight]) -> None:
    port, in_flight = holding_server
    report = collect(config_with_feeds(tmp_path, port, "concurrency: 1"))
    assert in_flight.most_in_all == 1
    assert [s.name for s in report.sources][:2] == ["127.0.0.1-0", "localhost-0"]  # config order kept


def test_a_mastodon_server_fetched_in_a_worker_never_touches_the_store_there(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    # The collector asks for its stored posts while it fetches; on SQLite a connection belongs to
    # the thread that opened it, so those are read before the fetch is handed to a worker.
    server = FakeMastodon(httpserver).install()
    server.add(status(1, account("ada"), tags=["c4l24"]), status(2, account("bo"), tags=["c4l24"]))
    config = tmp_path / "sources.yaml"
    config.write_text(
        "conference: {name: C4L, hashtags: ['#c4l24'], start: '2024-03-05', end: '2024-03-06'}\n"
        f"sources:\n  - {{type: mastodon, name: glammr, instances: ['{server.base_url}']}}\n",
        encoding="utf-8",
    )
    for _ in range(2):  # the second run has stored posts to re-check
        report = collect(config)
        assert not report.failed, [s.error for s in report.failed]
    with Store(tmp_path / ".aggregator" / "sources") as store:
        assert store.count() == 2
