"""Big feeds are parsed in worker processes: same posts as in the fetching thread, failures contained."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from aggregator.collectors import SourceState
from aggregator.collectors.feed import parsing
from aggregator.collectors.feed.parsing import WORTH_A_PROCESS, ParserPool
from aggregator.errors import SourceError
from aggregator.http import NetworkSettings, network_session
from aggregator.models import Post
from tests.collectors.feed.fakes import feed_collector

ENTRIES = 60


def big_rss(entries: int = ENTRIES) -> bytes:
    """An RSS feed well past the size at which a parser process is worth it."""
    first = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
    items = "".join(
        f"<item><title>Notes {n} #c4l27</title><link>https://blog.example.org/{n}</link>"
        f"<pubDate>{(first + timedelta(minutes=n)).strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
        f"<description>&lt;p&gt;Talk {n}: &lt;a href=\"slides/{n}.pdf\"&gt;slides&lt;/a&gt; "
        f"&lt;img alt src=\"room-{n}.jpg\"&gt; {'words ' * 40}&lt;/p&gt;</description></item>"
        for n in range(entries)
    )
    document = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Big blog</title>'
        f"<link>https://blog.example.org/</link>{items}</channel></rss>"
    )
    return document.encode()


@pytest.fixture
def pool() -> Iterator[ParserPool]:
    """The module's pool, stopped afterwards so that no test leaves worker processes behind."""
    yield parsing.PARSERS
    parsing.PARSERS.shutdown()


def collected(httpserver: HTTPServer, tmp_path: Path, processes: int) -> tuple[Post, ...]:
    with network_session(NetworkSettings(parse_processes=processes)):
        return feed_collector(tmp_path, url=httpserver.url_for("/feed")).collect(SourceState()).posts


def test_a_big_feed_parsed_in_a_worker_gives_the_same_posts(
    httpserver: HTTPServer, tmp_path: Path, pool: ParserPool
) -> None:
    body = big_rss()
    assert len(body) >= WORTH_A_PROCESS
    httpserver.expect_request("/feed").respond_with_data(body, content_type="application/rss+xml")

    in_thread = collected(httpserver, tmp_path, processes=0)
    in_workers = collected(httpserver, tmp_path, processes=2)

    assert len(in_workers) == ENTRIES
    assert in_workers == in_thread
    assert in_workers[0].links == ("https://blog.example.org/slides/0.pdf",)
    assert [m.alt for m in in_workers[0].media] == [""]


def test_a_feed_that_cannot_be_read_fails_in_a_worker_as_in_the_thread(tmp_path: Path, pool: ParserPool) -> None:
    garbage = tmp_path / "garbage.xml"
    garbage.write_bytes(b"\x00 not a feed " * WORTH_A_PROCESS)

    for processes in (0, 2):
        with (
            network_session(NetworkSettings(parse_processes=processes)),
            pytest.raises(SourceError, match="garbage.xml: not a readable feed"),
        ):
            feed_collector(tmp_path, path=garbage).collect(SourceState())


def test_a_worker_that_dies_fails_its_job_and_the_next_job_gets_a_new_pool() -> None:
    pool = ParserPool()
    try:
        with pytest.raises(SourceError, match="parser process stopped"):
            pool.run(2, WORTH_A_PROCESS, os._exit, 3)
        assert pool.run(2, WORTH_A_PROCESS, len, "four") == 4
    finally:
        pool.shutdown()


def test_small_inputs_and_zero_processes_stay_in_this_process() -> None:
    pool = ParserPool()
    assert pool.run(2, WORTH_A_PROCESS - 1, os.getpid) == os.getpid()
    assert pool.run(0, 10 * WORTH_A_PROCESS, os.getpid) == os.getpid()
    try:
        assert pool.run(1, WORTH_A_PROCESS, os.getpid) != os.getpid()
    finally:
        pool.shutdown()
