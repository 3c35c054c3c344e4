"""`aggregator schedule` as a real child process: SIGTERM and SIGINT stop it cleanly and fast."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from pytest_httpserver import HTTPServer

from aggregator import runs
from aggregator.store.sqlite import Store
from tests.paths import REPO
from tests.schedule.conftest import attempts, feed_source, rss, serve_feed, wait_until


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_daemon_within_10_s_with_exit_0_and_nothing_half_written(
    httpserver: HTTPServer, conference_today, stop_signal: signal.Signals
) -> None:
    config = conference_today(
        feed_source("quick", serve_feed(httpserver, "/quick.xml", rss("q1", "q2")), every="1s"),
        feed_source("slow", serve_feed(httpserver, "/slow.xml", rss("s1"), delay=3), every="1s"),
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "aggregator", "--config", str(config.config_path), "schedule"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        wait_until(lambda: len(attempts(config, "quick")) >= 1, timeout=30)
        wait_until(lambda: child.poll() is not None or _reading_slow(config), timeout=15)  # mid-step: a slow read
        sent = time.monotonic()
        child.send_signal(stop_signal)
        output, _ = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    assert time.monotonic() - sent < 10
    assert child.returncode == 0, output
    assert "scheduler stopped" in output and "Traceback" not in output
    with Store(config.data_dir) as store:
        assert store.count() >= 2  # what was committed stays
        assert store.conference() is not None
    assert not config.output.exists() or (config.output / "index.html").is_file()  # no site, or a whole one


def _reading_slow(config) -> bool:
    with Store(config.data_dir) as store:
        return any(run["status"] == "running" and run["kind"] == "collect" for run in store.last_runs(5))


def test_a_run_left_running_by_a_killed_daemon_is_marked_abandoned_at_the_next_start(
    httpserver: HTTPServer, conference_today
) -> None:
    config = conference_today(feed_source("slow", serve_feed(httpserver, "/slow.xml", rss("s"), delay=5), every="1s"))
    child = subprocess.Popen(
        [sys.executable, "-m", "aggregator", "--config", str(config.config_path), "-q", "schedule"], cwd=REPO
    )
    try:
        wait_until(lambda: _reading_slow(config), timeout=30)
    finally:
        child.kill()
        child.wait()
    runs.build(config)
    with Store(config.data_dir) as store:
        statuses = [run["status"] for run in store.last_runs(10)]
    assert "abandoned" in statuses and "running" not in statuses
