"""`aggregator listen` against a real local Bluesky network: the PDS's own firehose (subscribeRepos).

The listener runs as a real process, as an operator would run it, subscribed to the devnet PDS;
posts, an untagged continuation and a deletion are made through the PDS while it runs, and the
built site is checked. Then the process is killed (SIGKILL) mid-stream, posts are made while it
is down, and a restarted listener must resume from its stored cursor: nothing missed, nothing twice.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aggregator.store.sqlite import Store
from tests.collectors.bluesky.devnet_network import DevNetwork, create_account, require_devnet, tagged

pytestmark = pytest.mark.devnet

require_devnet()

TAG = "devnetlive"
LIVE_STATE = f"bluesky:{TAG}:live"
CONFIG = """\
conference:
  name: DevnetLive
  hashtags: ["#{tag}"]
  timezone: UTC
  start: "{today}"
  end: "{today}"
data_dir: data
output: site
sources:
  - type: bluesky
    hashtags: ["{tag}"]
    replies: self
    live: true
    stream: {pds}
    service: {pds}
    appview: {appview}
"""


class Listener:
    """``aggregator listen`` in its own process, with no Bluesky credentials in its environment."""

    def __init__(self, config: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BSKY_")}
        self.log = (config.parent / "listen.log").open("a")
        command = [sys.executable, "-m", "aggregator", "--config", str(config), "listen", "--debounce", "0.5"]
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


def wait_for(condition: Callable[[], bool], seconds: float = 30.0) -> None:
    ends = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < ends, "timed out"
        time.sleep(0.2)


@pytest.fixture
def folder(tmp_path: Path, devnet: DevNetwork) -> Path:
    today = datetime.now(UTC).date().isoformat()
    config = CONFIG.format(tag=TAG, today=today, pds=devnet.pds, appview=devnet.appview)
    (tmp_path / "sources.yaml").write_text(config, encoding="utf-8")
    return tmp_path


@pytest.fixture
def listener(folder: Path) -> Iterator[Callable[[], Listener]]:
    started: list[Listener] = []

    def start() -> Listener:
        started.append(Listener(folder / "sources.yaml"))
        return started[-1]

    yield start
    for running in started:
        if running.process.poll() is None:
            running.kill()


def stored(folder: Path) -> tuple[set[str], int, str]:
    """Live post ids, all rows (tombstones included) and the stream's cursor."""
    with Store(folder / "data") as store:
        return {p.id for p in store.posts()}, store.count(include_deleted=True), store.state(LIVE_STATE).cursor


def published(folder: Path) -> list[str]:
    path = folder / "site" / "posts.csv"
    if not path.is_file():
        return []
    return [row["id"] for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))]


def subscribed(folder: Path, poster: Callable[[str], object]) -> None:
    """Wait until the listener stores stream positions (untagged chatter, ignored, moves the cursor)."""
    before = stored(folder)[2] if (folder / "data").exists() else ""

    def moved() -> bool:
        poster("chatter that nobody collects")
        return (folder / "data").exists() and stored(folder)[2] not in ("", before)

    wait_for(moved, 60)


def test_listener_follows_the_firehose_and_survives_a_kill(devnet: DevNetwork, folder: Path, listener) -> None:
    alice = create_account(devnet.pds, "alivelive.test")
    first = listener()
    subscribed(folder, alice.post)

    root = alice.post(tagged("Live keynote ", TAG, " starts"))
    reply = alice.post("2/ an untagged continuation", reply_to=root)
    doomed = alice.post(tagged("Typo ", TAG))
    wait_for(lambda: {root.uri, reply.uri, doomed.uri} <= stored(folder)[0])
    alice.delete(doomed)
    wait_for(lambda: doomed.uri not in stored(folder)[0])
    wait_for(lambda: {root.uri, reply.uri} <= set(published(folder)) and doomed.uri not in published(folder), 10)

    during = alice.post("3/ said just as the listener dies", reply_to=reply, root=root)
    first.kill()
    while_down = alice.post("4/ said while nobody listened", reply_to=root)
    _, rows_before, cursor_before = stored(folder)

    second = listener()
    wait_for(lambda: {during.uri, while_down.uri} <= stored(folder)[0])
    assert second.terminate() == 0
    ids, rows, cursor = stored(folder)
    assert ids == {root.uri, reply.uri, during.uri, while_down.uri}
    assert rows == 5 and rows >= rows_before  # the deleted one is a tombstone; nothing stored twice
    assert int(cursor) > int(cursor_before)
    assert sorted(published(folder)) == sorted(ids)  # the final build after SIGTERM
    log = (folder / "listen.log").read_text()
    assert "resuming from cursor" in log and log.count("first start") == 1
