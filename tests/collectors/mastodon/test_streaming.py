"""`live: true` on Mastodon: deletions from a loopback streaming API, mapped through the re-check ledger."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from websockets.sync.server import Server, ServerConnection, serve

from aggregator.collectors import SourceState
from aggregator.collectors.mastodon.live import MastodonDeletionService, deleted_status_id
from aggregator.store.sqlite import Store
from tests.collectors.mastodon.fakes import FakeMastodon, account, make_context, mastodon_collector, status

TOKEN = "streaming-token-1"


class Streaming:
    """Mastodon's ``GET /api/v1/streaming`` over WebSocket: refuses a missing or wrong token, then
    sends what is queued as Mastodon does (``event`` and a string ``payload``)."""

    def __init__(self) -> None:
        self.outbox: list[dict[str, str]] = []
        self.paths: list[str] = []
        self.server: Server = serve(self._connection, "127.0.0.1", 0, process_request=self._authorize)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/api/v1/streaming"

    def _authorize(self, connection: ServerConnection, request):  # type: ignore[no-untyped-def]
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return connection.respond(401, '{"error":"Error: Missing access token"}\n')
        return None

    def _connection(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        self.paths.append(ws.request.path)
        sent = 0
        try:
            while True:
                for event in self.outbox[sent:]:
                    ws.send(json.dumps(event))
                sent = len(self.outbox)
                try:
                    ws.recv(timeout=0.05)
                except TimeoutError:
                    continue
        except Exception:  # noqa: BLE001 — the client went away
            return


@pytest.fixture
def streaming() -> Iterator[Streaming]:
    server = Streaming()
    yield server
    server.server.shutdown()


@pytest.fixture
def mastodon(httpserver: HTTPServer) -> FakeMastodon:
    return FakeMastodon(httpserver).install()


def stored_by_a_run(tmp_path: Path, mastodon: FakeMastodon, store_dir: Path) -> str:
    """An ordinary run stores the statuses and their ledger; returns the source's name."""
    collector = mastodon_collector(tmp_path, make_context(tmp_path), instances=(mastodon.base_url,))
    result = collector.collect(SourceState())
    with Store(store_dir) as store:
        store.save_collected(collector.options.label(), "mastodon", result.posts, result.deleted, result.state)
    return collector.options.label()


def test_delete_events_tombstone_stored_statuses_at_once(tmp_path: Path, mastodon: FakeMastodon, streaming: Streaming) -> None:
    ana = account("ana")
    kept, doomed = status(1, ana, tags=["c4l27"]), status(2, ana, minutes=5, tags=["c4l27"])
    mastodon.add(kept, doomed)
    store_dir = tmp_path / "store"
    stored_by_a_run(tmp_path, mastodon, store_dir)
    options = mastodon_collector(tmp_path, instances=(mastodon.base_url,), live=True).options
    service = MastodonDeletionService(options, lambda: Store(store_dir), TOKEN, lambda server: streaming.url)
    stop, changes = threading.Event(), []
    thread = threading.Thread(target=service.run, args=(stop, lambda: changes.append(1)), daemon=True)
    thread.start()

    streaming.outbox += [
        {"stream": ["public"], "event": "update", "payload": json.dumps(status(3, ana, minutes=9))},
        {"stream": ["public"], "event": "delete", "payload": "999999"},  # someone else's status
        {"stream": ["public"], "event": "delete", "payload": mastodon.local_id(doomed)},
    ]
    deadline = time.monotonic() + 10
    while True:
        with Store(store_dir) as store:
            live = {post.id for post in store.posts()}
        if doomed["uri"] not in live or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    stop.set()
    thread.join(timeout=15)

    assert live == {kept["uri"]} and changes == [1]
    assert streaming.paths and "stream=public" in streaming.paths[0]


def test_a_wrong_token_is_refused_and_retried_without_crashing(tmp_path: Path, mastodon: FakeMastodon, streaming: Streaming) -> None:
    options = mastodon_collector(tmp_path, instances=(mastodon.base_url,), live=True).options
    service = MastodonDeletionService(options, lambda: Store(tmp_path / "store"), "wrong", lambda server: streaming.url)
    stop = threading.Event()
    thread = threading.Thread(target=service.run, args=(stop, lambda: None), daemon=True)
    thread.start()
    time.sleep(1.5)
    stop.set()
    thread.join(timeout=15)
    assert not thread.is_alive() and streaming.paths == []


@pytest.mark.parametrize(
    ("message", "expected"),
    [('{"event":"delete","payload":"1234"}', "1234"), ('{"event":"update","payload":"{}"}', ""),
     ("not json", ""), ('{"event":"delete","payload":{"id":"1"}}', ""), ("[]", "")],
)  # fmt: skip
def test_only_delete_events_name_a_status(message: str, expected: str) -> None:
    assert deleted_status_id(message) == expected
