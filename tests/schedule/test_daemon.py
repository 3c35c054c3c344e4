"""The scheduler against real feeds on a loopback server, on tiny intervals (`every: 1s`)."""

from __future__ import annotations

import json
import shlex
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from pytest_httpserver import HTTPServer

from aggregator import runs
from aggregator.errors import LockedError
from aggregator.schedule import Daemon, LiveService
from aggregator.status import status
from aggregator.store import run_lock
from tests.collectors.bluesky.fakes import HANDLE, PASSWORD, FakeBluesky
from tests.schedule.conftest import attempts, feed_source, rss, runs_of, serve_feed, wait_until


def test_a_burst_of_changed_sources_leads_to_one_build(httpserver: HTTPServer, conference_today, running) -> None:
    config = conference_today(
        feed_source("a", serve_feed(httpserver, "/a.xml", rss("a1", "a2"))),
        feed_source("b", serve_feed(httpserver, "/b.xml", rss("b1"))),
    )
    running(config, build_quiet=1.0)
    wait_until(lambda: len(attempts(config, "a")) >= 3 and len(attempts(config, "b")) >= 3)
    wait_until(lambda: len(runs_of(config, "build")) >= 1)
    time.sleep(1.2)  # longer than the quiet time: a second build would have come by now
    assert [a.new for a in attempts(config, "a")][:2] == [2, 0]  # later reads change nothing
    assert len(runs_of(config, "build")) == 1
    assert (config.output / "index.html").is_file()


def test_each_source_keeps_its_own_interval(httpserver: HTTPServer, conference_today, running) -> None:
    config = conference_today(
        feed_source("fast", serve_feed(httpserver, "/fast.xml", rss("f")), every="1s"),
        feed_source("slow", serve_feed(httpserver, "/slow.xml", rss("s")), every="1h"),
    )
    running(config)
    wait_until(lambda: len(attempts(config, "fast")) >= 3)
    assert len(attempts(config, "slow")) == 1
    fast = attempts(config, "fast")
    gaps = [later.started - earlier.finished for earlier, later in pairwise(fast)]
    assert all(timedelta(seconds=0.8) < gap < timedelta(seconds=5) for gap in gaps), gaps


def test_a_429_delays_only_its_own_source(httpserver: HTTPServer, conference_today, running) -> None:
    httpserver.expect_request("/limited.xml").respond_with_data("slow down", status=429, headers={"Retry-After": "3600"})
    config = conference_today(
        feed_source("limited", httpserver.url_for("/limited.xml")),
        feed_source("healthy", serve_feed(httpserver, "/healthy.xml", rss("h"))),
    )
    daemon = running(config)
    wait_until(lambda: len(attempts(config, "healthy")) >= 3)
    [limited] = attempts(config, "limited")
    assert (limited.outcome, limited.http_status, limited.error_class) == ("rate-limited", 429, "RateLimited")
    found = status(config)
    assert found.daemon is not None and found.daemon.pid
    next_limited = found.daemon.next_runs["limited"]
    assert next_limited - datetime.now(UTC) > timedelta(minutes=59)
    assert found.daemon.next_runs["healthy"] - datetime.now(UTC) < timedelta(seconds=5)
    assert not daemon.stopping


def test_mastodons_x_ratelimit_reset_delays_that_server_until_the_moment_it_names(
    httpserver: HTTPServer, conference_today, running
) -> None:
    reset = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    httpserver.expect_request("/api/v1/timelines/tag/testcon").respond_with_json(
        {"error": "Too many requests"}, status=429, headers={"X-RateLimit-Reset": reset.isoformat().replace("+00:00", ".000Z")}
    )
    mastodon = f"  - type: mastodon\n    name: masto\n    instances: [{httpserver.url_for('/').rstrip('/')}]\n    every: 1s\n"
    config = conference_today(mastodon, feed_source("feed", serve_feed(httpserver, "/f.xml", rss("f"))))
    running(config)
    wait_until(lambda: len(attempts(config, "feed")) >= 2 and len(attempts(config, "masto")) >= 1)
    time.sleep(1.5)
    [limited] = attempts(config, "masto")
    assert limited.outcome == "rate-limited"
    plan = status(config).daemon
    assert plan is not None
    assert abs(plan.next_runs["masto"] - reset) < timedelta(seconds=5)
    assert status(config).sources[0].rate_limited_until is not None


def test_a_slow_source_is_never_read_twice_at_once_and_missed_runs_coalesce(
    httpserver: HTTPServer, conference_today, running
) -> None:
    config = conference_today(feed_source("slow", serve_feed(httpserver, "/slow.xml", rss("s"), delay=1.5), every="0.2s"))
    daemon = running(config)
    wait_until(lambda: len(attempts(config, "slow")) >= 3, timeout=30)
    assert daemon.stop()
    done = attempts(config, "slow")
    assert all(earlier.finished <= later.started for earlier, later in pairwise(done))  # never two at once
    # seven runs fell due during each read; they collapsed into the one that follows it, which starts
    # at once (3 s allows for a loaded machine; an idle wait would be one interval, a queue a burst)
    assert all(later.started - earlier.finished < timedelta(seconds=3) for earlier, later in pairwise(done))
    assert len(runs_of(config, "collect")) == len(done)


def test_a_restart_catches_up_without_repeating_what_was_just_done(
    httpserver: HTTPServer, conference_today, running
) -> None:
    config = conference_today(
        feed_source("hourly", serve_feed(httpserver, "/hourly.xml", rss("h")), every="1h"),
        feed_source("often", serve_feed(httpserver, "/often.xml", rss("o")), every="4s"),
    )
    first = running(config)
    wait_until(lambda: len(attempts(config, "hourly")) == 1 and len(attempts(config, "often")) == 1)
    assert first.stop()
    time.sleep(4.2)  # "often" is overdue now; "hourly" is not
    restarted = time.monotonic()
    running(config)
    wait_until(lambda: len(attempts(config, "often")) == 2, timeout=10)
    assert time.monotonic() - restarted < 3  # no gap: the overdue one ran at once, not an interval later
    assert len(attempts(config, "hourly")) == 1  # no duplicate work
    plan = status(config).daemon
    assert plan is not None
    assert plan.next_runs["hourly"] - attempts(config, "hourly")[0].finished > timedelta(minutes=59)


def test_a_run_and_the_daemon_never_write_at_the_same_time(httpserver: HTTPServer, conference_today, running) -> None:
    config = conference_today(
        feed_source("a", serve_feed(httpserver, "/a.xml", rss("a"), delay=0.2), every="1s"),
        feed_source("b", serve_feed(httpserver, "/b.xml", rss("b"), delay=0.2), every="1s"),
    )
    running(config, lock_retry=timedelta(seconds=0.3))
    outcomes: list[str] = []
    ends = time.monotonic() + 30
    while time.monotonic() < ends and not ({"ran", "locked"} <= set(outcomes) and len(outcomes) >= 6):
        try:
            runs.run(config)
            outcomes.append("ran")
        except LockedError:
            outcomes.append("locked")
        time.sleep(0.15)
    assert "locked" in outcomes and "ran" in outcomes  # each waited for nothing: it ran, or said it was locked
    done = sorted(attempts(config), key=lambda a: a.started)
    by_runs = {a.run_id for a in done}
    assert by_runs & {run["id"] for run in runs_of(config, "run")}  # the runs' own reads
    assert by_runs & {run["id"] for run in runs_of(config, "collect")}  # the daemon's
    # one run's sources are fetched at once, but two runs' writes never overlap
    spans = sorted(
        (min(a.started for a in done if a.run_id == run), max(a.finished for a in done if a.run_id == run))
        for run in by_runs
    )
    assert all(earlier_end <= later_start for (_, earlier_end), (later_start, _) in pairwise(spans))


class Ticker:
    """A tiny live service: asks for a build once, then waits to be stopped."""

    name = "ticker"

    def __init__(self) -> None:
        self.stopped = threading.Event()

    def run(self, stop: threading.Event, changed: Callable[[], None]) -> None:
        changed()
        stop.wait()
        self.stopped.set()


def test_a_live_service_runs_beside_the_jobs_asks_for_builds_and_stops_with_the_daemon(
    httpserver: HTTPServer, conference_today, running
) -> None:
    config = conference_today(feed_source("quiet", serve_feed(httpserver, "/q.xml", rss()), every="1h"))
    ticker = Ticker()
    assert isinstance(ticker, LiveService)
    daemon: Daemon = running(config, services=[ticker])
    wait_until(lambda: len(runs_of(config, "build")) == 1)  # the feed changed nothing: the build is the service's
    assert daemon.stop() and ticker.stopped.is_set()
    assert status(config).daemon is None


def test_a_job_that_finds_the_lock_taken_by_a_run_tries_again_soon(httpserver: HTTPServer, conference_today, running) -> None:
    config = conference_today(feed_source("a", serve_feed(httpserver, "/a.xml", rss("a")), every="0.5s"))
    running(config, lock_retry=timedelta(seconds=0.3))
    wait_until(lambda: len(attempts(config, "a")) >= 1)
    with run_lock(config.data_dir):  # what `aggregator run` holds while it writes
        held = datetime.now(UTC)
        time.sleep(1.5)
        released = datetime.now(UTC)
    wait_until(lambda: attempts(config, "a")[-1].started > released)
    assert not any(held < a.started < released for a in attempts(config, "a"))


def test_a_daemon_started_while_a_run_holds_the_lock_waits_for_it_then_starts(
    httpserver: HTTPServer, conference_today
) -> None:
    config = conference_today(feed_source("a", serve_feed(httpserver, "/a.xml", rss("a")), every="1h"))
    daemon = Daemon(config, lock_retry=timedelta(seconds=0.2), build_quiet=0.5)
    started: list[bool] = []
    with run_lock(config.data_dir):  # a cron `run` under way when systemd starts the daemon
        starting = threading.Thread(target=lambda: started.append(daemon.start()))
        starting.start()
        time.sleep(1.0)
        assert not started and attempts(config, "a") == []  # it waits: no exit 4, no write under the run's lock
        released = datetime.now(UTC)
    starting.join(timeout=10)
    try:
        assert started == [True]
        wait_until(lambda: len(attempts(config, "a")) == 1)
        assert attempts(config, "a")[0].started > released
    finally:
        assert daemon.stop()


def test_a_daemon_asked_to_stop_while_it_waits_for_the_lock_starts_nothing(conference_today) -> None:
    config = conference_today(feed_source("a", "http://127.0.0.1:9/never.xml", every="1h"))
    daemon = Daemon(config, lock_retry=timedelta(seconds=0.2))
    with run_lock(config.data_dir):
        threading.Timer(0.5, daemon.request_stop).start()
        assert daemon.start() is False
    assert daemon.stop() and attempts(config, "a") == []


def test_the_daemon_publishes_after_its_build_in_a_thread_of_its_own(
    httpserver: HTTPServer, conference_today, running, tmp_path
) -> None:
    marker = tmp_path / "published"
    script = f"import pathlib; pathlib.Path({str(marker)!r}).write_text('yes')"
    command = f"{sys.executable} -c {shlex.quote(script)}"
    config = conference_today(
        feed_source("a", serve_feed(httpserver, "/a.xml", rss("a")), every="1h"), extra=f"publish: {json.dumps(command)}\n"
    )
    daemon = running(config)
    wait_until(lambda: marker.exists(), timeout=20)
    wait_until(lambda: status(config).publish is not None)
    found = status(config).publish
    assert found is not None and found.ok and daemon.publisher.runs == 1


def test_blueskys_ratelimit_reset_delays_that_source_alone(
    httpserver: HTTPServer, conference_today, running, monkeypatch
) -> None:
    fake = FakeBluesky(httpserver)
    fake.account(HANDLE, password=PASSWORD)
    monkeypatch.setenv("BSKY_HANDLE", HANDLE)
    monkeypatch.setenv("BSKY_APP_PASSWORD", PASSWORD)
    reset = int(time.time()) + 3600
    fake.script("app.bsky.feed.searchPosts", 429, {"error": "RateLimitExceeded"}, {"RateLimit-Reset": str(reset)})
    bluesky = f"  - type: bluesky\n    name: sky\n    hashtags: [testcon]\n    service: {fake.url}\n    appview: {fake.url}\n    every: 1s\n"
    config = conference_today(bluesky, feed_source("feed", serve_feed(httpserver, "/f.xml", rss("f"))))
    running(config)
    wait_until(lambda: len(attempts(config, "feed")) >= 3 and len(attempts(config, "sky")) >= 1)
    [limited] = attempts(config, "sky")
    assert (limited.outcome, limited.error_class) == ("rate-limited", "RateLimited")
    plan = status(config).daemon
    assert plan is not None
    assert abs(plan.next_runs["sky"].timestamp() - reset) < 5
