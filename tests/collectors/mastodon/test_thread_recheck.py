"""Review: a Mastodon server that is down for one run must not lose what the source follows there."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from aggregator.collectors import SourceState
from aggregator.collectors.mastodon.collector import MastodonProgress
from tests.collectors.mastodon.fakes import FakeMastodon, account, mastodon_collector, status


def test_open_threads_on_a_server_that_failed_are_followed_next_time(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    working = FakeMastodon(httpserver, statuses=[status(1, account("ana"), tags=["c4l27"])]).install()
    down = "http://127.0.0.1:9"  # nothing listens on the discard port
    followed = {"server": down, "id": "113000000000000042", "uri": "https://other.example/users/bob/statuses/42"}
    state = SourceState(progress=MastodonProgress(open_threads=[followed]))

    collector = mastodon_collector(tmp_path, instances=(working.base_url, down))
    result = collector.collect(state)

    assert any(note.startswith("FAILED") for note in result.notes)
    assert followed in MastodonProgress.of(result.state.progress).open_threads
