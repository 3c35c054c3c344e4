"""The library's front door: what `import aggregator` offers, and what its functions do without the CLI."""

from __future__ import annotations

import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

import aggregator
from aggregator.errors import LockedError
from aggregator.store import Store, run_lock
from tests.collectors.feed.fakes import FEED_DATA
from tests.paths import EXAMPLE

PUBLIC_API = {
    "AggregatorError", "BuildError", "Config", "ConfigError", "Description", "LockedError", "ProgrammeError",
    "RunReport", "SourceError", "StoreError", "__version__", "build", "collect", "describe", "load_config", "run",
}  # fmt: skip


def test_the_public_api_is_pinned() -> None:
    assert set(aggregator.__all__) == PUBLIC_API
    assert all(hasattr(aggregator, name) for name in aggregator.__all__)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    folder = tmp_path / "shelfcon"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("output", ".aggregator"))
    return folder / "sources.yaml"


def test_run_from_the_library_collects_builds_and_records_the_run(example: Path) -> None:
    moment = datetime(2026, 6, 20, 12, 0, tzinfo=UTC)

    report = aggregator.run(example, clock=lambda: moment)

    config = aggregator.load_config(example)
    assert not report.failed and report.built.site.pages > 30
    assert (config.output / "index.html").is_file()
    assert report.built.digest.generated_at == moment  # the injected clock stamps the build
    with Store(config.data_dir) as store:
        [last] = store.last_runs(1)
    assert (last["kind"], last["status"]) == ("run", "ok")


def test_a_run_from_the_library_waits_for_no_one_it_refuses_while_the_lock_is_held(example: Path) -> None:
    config = aggregator.load_config(example)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with run_lock(config.data_dir):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        held.wait(10)
        with pytest.raises(LockedError):
            aggregator.collect(config)
        with pytest.raises(LockedError):
            aggregator.build(config)
    finally:
        release.set()
        holder.join()


def test_describe_says_what_check_prints(example: Path) -> None:
    described = aggregator.describe(example)

    assert described.name == "ShelfCon 2026"
    assert described.sessions == 34 and len(described.rooms) == 3 and len(described.days) == 2
    assert [s.type for s in described.sources] == ["bluesky", "mastodon", "feed"]


def test_within_window_on_a_feed_source_filters_through_the_pipeline(write_config) -> None:
    """The pipeline hands every collector its one window: conference dates ± 2 days."""
    feed = FEED_DATA / "tagged-blog.rss.xml"
    text = f"""
        conference:
          name: Window Con
          hashtags: ["#c4l27"]
          timezone: America/New_York
          start: "2027-03-02"
          end: "2027-03-02"
        sources:
          - {{type: feed, name: inside, path: "{feed}", within_window: true}}
          - {{type: feed, name: everything, path: "{feed}"}}
    """
    config = aggregator.load_config(write_config(text))

    report = aggregator.collect(config)

    read = {source.name: source.read for source in report.sources}
    assert read["everything"] == 3
    assert 0 < read["inside"] < read["everything"]
