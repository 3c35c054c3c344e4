"""A bug in one collector, or a full disk, fails clearly; the other sources go on (issue #9)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from aggregator.cli.app import cli
from aggregator.collectors.feed.collector import FeedCollector
from aggregator.store import Store
from tests.hardening.test_network import HEALTHY_FEED

CONFIG = """conference: {name: HardCon, hashtags: ["#hc27"], start: "2027-03-02", end: "2027-03-03"}
sources:
  - {type: feed, name: buggy, path: buggy.xml}
  - {type: feed, name: healthy, path: healthy.xml}
"""


def write(folder: Path) -> Path:
    for name in ("buggy.xml", "healthy.xml"):
        (folder / name).write_text(HEALTHY_FEED, encoding="utf-8")
    (folder / "sources.yaml").write_text(CONFIG, encoding="utf-8")
    return folder / "sources.yaml"


@pytest.fixture
def buggy_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    original = FeedCollector.collect

    def collect(self: FeedCollector, state):  # type: ignore[no-untyped-def]
        if self.options.name == "buggy":
            raise KeyError("a bug deep inside")
        return original(self, state)

    monkeypatch.setattr(FeedCollector, "collect", collect)


@pytest.mark.usefixtures("buggy_collector")
@pytest.mark.parametrize(("flag", "traceback"), [("--quiet", False), ("--verbose", True)])
def test_an_unexpected_bug_costs_its_source_only_with_the_traceback_under_verbose(
    tmp_path: Path, flag: str, traceback: bool
) -> None:
    result = CliRunner().invoke(cli, [flag, "--config", str(write(tmp_path)), "run"])
    assert result.exit_code == 1, result.output
    assert "buggy: FAILED" in result.output and "unexpected KeyError" in result.output
    assert ("Traceback" in result.output) is traceback
    with Store(tmp_path / ".aggregator" / "sources") as store:
        assert store.post_ids("healthy")
    assert (tmp_path / "output" / "index.html").is_file()
