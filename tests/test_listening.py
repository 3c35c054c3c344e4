"""`aggregator listen`'s parts that need no stream: which sources become services, the debounce, refusal."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from aggregator.cli.app import EXIT_CONFIG, cli
from aggregator.collectors.bluesky.live import BlueskyLiveService
from aggregator.collectors.live import Backoff
from aggregator.collectors.mastodon.live import MastodonDeletionService
from aggregator.config import load_config
from aggregator.listening import _search_backfill, listen, live_services
from aggregator.schedule.debounce import Debounced
from aggregator.store import open_store
from tests.paths import REPO

CONFIG = """
conference:
  name: "Test Con"
  hashtags: ["#testcon"]
  timezone: "UTC"
  start: "2027-03-02"
  end: "2027-03-03"
sources:
  - type: bluesky
    name: streamed
    hashtags: [testcon]
    live: true
    stream: ws://127.0.0.1:9/subscribe
  - type: bluesky
    name: searched
    hashtags: [testcon]
  - type: bluesky
    name: paused
    hashtags: [testcon]
    live: true
    enabled: false
"""


def test_only_enabled_live_sources_become_services(write_config: Callable[[str], Path]) -> None:
    services = live_services(load_config(write_config(CONFIG)))
    assert [service.name for service in services] == ["streamed:live"]
    assert isinstance(services[0], BlueskyLiveService) and services[0].options.stream == "ws://127.0.0.1:9/subscribe"


def test_listen_without_live_sources_is_a_configuration_error(write_config: Callable[[str], Path]) -> None:
    path = write_config(CONFIG.replace("live: true", "live: false"))
    result = CliRunner().invoke(cli, ["--config", str(path), "listen"])
    assert result.exit_code == EXIT_CONFIG
    assert "live: true" in result.output


def _counting_builder(stop: threading.Event, quiet: float, longest: float) -> tuple[Debounced, list[float]]:
    runs: list[float] = []
    builder = Debounced("build", lambda: runs.append(time.monotonic()), stop, quiet, longest)
    builder.start()
    return builder, runs


def _stopped(builder: Debounced, stop: threading.Event) -> bool:
    stop.set()
    builder.wake()
    return builder.join(timeout=5)


def test_a_burst_of_changes_gives_one_build_after_the_quiet() -> None:
    stop = threading.Event()
    builder, runs = _counting_builder(stop, quiet=0.2, longest=10)
    started = time.monotonic()
    for _ in range(5):
        builder.request()
    time.sleep(0.1)
    assert runs == []
    time.sleep(0.5)
    assert len(runs) == 1 and runs[0] - started >= 0.2  # taken once
    assert not builder.pending and _stopped(builder, stop)


def test_changes_that_keep_coming_still_build_after_the_longest_wait() -> None:
    stop = threading.Event()
    builder, runs = _counting_builder(stop, quiet=0.2, longest=0.5)
    started = time.monotonic()
    while not runs:
        builder.request()
        time.sleep(0.05)
        assert time.monotonic() - started < 2
    assert runs[0] - started >= 0.5
    assert _stopped(builder, stop)


def test_a_build_that_fails_unexpectedly_leaves_the_builder_running(caplog) -> None:
    stop = threading.Event()
    attempts: list[int] = []

    def failing_once() -> None:
        attempts.append(len(attempts))
        if len(attempts) == 1:
            raise OSError("No space left on device")

    builder = Debounced("build", failing_once, stop, 0.05, 1.0)
    builder.start()
    builder.request()
    deadline = time.monotonic() + 5
    while not attempts and time.monotonic() < deadline:
        time.sleep(0.02)
    builder.request()  # the next change still builds
    while len(attempts) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(attempts) == 2 and "build failed unexpectedly" in caplog.text
    assert _stopped(builder, stop)


class Recording:
    """A live service that reports one change and waits for the stop, as a real one does."""

    name = "recording"

    def __init__(self) -> None:
        self.stopped = False

    def run(self, stop: threading.Event, changed: Callable[[], None]) -> None:
        changed()
        stop.wait()
        self.stopped = True


def test_listen_builds_after_a_change_and_stops_its_services(write_config: Callable[[str], Path]) -> None:
    config = load_config(write_config(CONFIG))
    service, stop = Recording(), threading.Event()
    thread = threading.Thread(target=listen, args=(config, stop), kwargs={"services": [service], "quiet": 0.1}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not (config.output / "index.html").is_file():
        assert time.monotonic() < deadline, "no build"
        time.sleep(0.1)
    stop.set()
    thread.join(timeout=20)
    assert service.stopped and not thread.is_alive()


@pytest.mark.parametrize("failures", [0, 3, 20])
def test_backoff_doubles_up_to_the_longest_with_jitter(failures: int) -> None:
    backoff = Backoff(first=1.0, longest=30.0)
    for _ in range(failures):
        backoff.next_delay()
    delay = backoff.next_delay()
    expected = min(30.0, 2.0**failures)
    assert 0.75 * expected <= delay <= expected
    backoff.reset()
    assert backoff.next_delay() <= 1.0


MASTODON = """
conference:
  name: "Test Con"
  hashtags: ["#testcon"]
  timezone: "UTC"
sources:
  - type: mastodon
    instances: [https://glammr.example]
    live: true
    token_env: TEST_STREAM_TOKEN
"""


def test_a_live_mastodon_source_streams_only_with_its_token(write_config: Callable[[str], Path], monkeypatch, caplog) -> None:
    config = load_config(write_config(MASTODON))
    monkeypatch.delenv("TEST_STREAM_TOKEN", raising=False)
    assert live_services(config) == []
    assert "needs a token in TEST_STREAM_TOKEN" in caplog.text
    monkeypatch.setenv("TEST_STREAM_TOKEN", "t0ken")
    services = live_services(config)
    assert len(services) == 1 and isinstance(services[0], MastodonDeletionService) and services[0].token == "t0ken"


def test_the_search_backfill_is_an_ordinary_collect_of_that_source(write_config: Callable[[str], Path]) -> None:
    replayed = REPO / "tests" / "collectors" / "bluesky" / "data"
    undated = CONFIG.replace('  start: "2027-03-02"\n  end: "2027-03-03"\n', "")  # every replayed post counts
    path = write_config(undated.replace("    hashtags: [testcon]\n    live: true\n    stream: ws://127.0.0.1:9/subscribe",
                                        f"    path: {replayed}\n    live: true"))  # fmt: skip
    config = load_config(path)
    _search_backfill(config, "streamed")()
    with open_store(config) as store:
        assert store.state("streamed").last_success is not None and store.count() > 0
