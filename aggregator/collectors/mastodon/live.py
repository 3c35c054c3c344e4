"""``live: true`` on a Mastodon source: each server's streaming API, for deletions as they happen.

Mastodon sends a ``delete`` event (its payload: the status's id on that server) on the public
stream for every public status removed there. The ids are matched against the source's
re-check ledger (:mod:`.rechecks`: which stored status has which id on which server, kept by
the ordinary runs) and tombstoned at once. The streaming API wants a token: servers are only
streamed when the source's ``token_env`` holds one. The periodic re-checks stay the
backstop for what a stream misses (a server restart, an outage of the listener).
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from urllib.parse import urlencode

from websockets.exceptions import WebSocketException
from websockets.sync.client import ClientConnection, connect

from aggregator.collectors.live import Backoff, live_name, while_holding
from aggregator.collectors.mastodon.collector import MastodonOptions, MastodonProgress
from aggregator.collectors.mastodon.rechecks import Entry
from aggregator.errors import SourceError
from aggregator.store.protocol import PostStore

log = logging.getLogger(__name__)
RECEIVE_TIMEOUT = 1.0
LEDGER_REFRESH_SECONDS = 60.0
QUEUE_SIZE = 10_000


class MastodonDeletionService:
    """The deletions of one Mastodon source's servers, as their streams announce them."""

    def __init__(self, options: MastodonOptions, open_store: Callable[[], PostStore], token: str,
                 streaming_url: Callable[[str], str]) -> None:  # fmt: skip
        self.options = options
        self.name = live_name(options.label())
        self.open_store = open_store
        self.token = token
        self.streaming_url = streaming_url  # a server's base URL → its streaming endpoint
        self.deleted: queue.Queue[tuple[str, str]] = queue.Queue(QUEUE_SIZE)  # (server, status id)

    def run(self, stop: threading.Event, changed: Callable[[], None]) -> None:
        readers = [threading.Thread(target=self._read, args=(server, stop), daemon=True, name=f"{self.name} {server}")
                   for server in self.options.instances]  # fmt: skip
        for reader in readers:
            reader.start()
        with self.open_store() as store:
            ids, read_at = self._ledger_ids(store), time.monotonic()
            while not stop.is_set():
                try:
                    key = self.deleted.get(timeout=RECEIVE_TIMEOUT)
                except queue.Empty:
                    continue
                if key not in ids and time.monotonic() - read_at > LEDGER_REFRESH_SECONDS:
                    ids, read_at = self._ledger_ids(store), time.monotonic()  # the runs stored more since
                if key in ids:
                    self._tombstone(store, ids[key], key[0])
                    changed()
        for reader in readers:
            reader.join(timeout=10)

    def _tombstone(self, store: PostStore, uri: str, server: str) -> None:
        while_holding(store, self.name, lambda: store.tombstone([uri]))
        log.info("%s: %s was deleted on %s", self.name, uri, server)

    def _ledger_ids(self, store: PostStore) -> dict[tuple[str, str], str]:
        ledger: dict[str, Entry] = MastodonProgress.of(store.state(self.options.label()).progress).ledger
        return {(entry.get("server", ""), entry.get("id", "")): uri for uri, entry in ledger.items()}

    def _read(self, server: str, stop: threading.Event) -> None:
        backoff = Backoff()
        while not stop.is_set():
            try:
                url = f"{self.streaming_url(server)}?{urlencode({'stream': 'public'})}"
                headers = {"Authorization": f"Bearer {self.token}"}
                with connect(url, open_timeout=10, close_timeout=1, additional_headers=headers) as ws:
                    backoff.reset()
                    self._receive(ws, server, stop)
            except (OSError, WebSocketException, TimeoutError, SourceError) as exc:
                log.warning("%s: streaming from %s failed (%s); reconnecting", self.name, server, exc)
            stop.wait(backoff.next_delay())

    def _receive(self, ws: ClientConnection, server: str, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                text = ws.recv(timeout=RECEIVE_TIMEOUT)
            except TimeoutError:
                continue
            status_id = deleted_status_id(text)
            if status_id:
                self.deleted.put((server, status_id))


def deleted_status_id(text: str | bytes) -> str:
    """The status id of a streaming ``delete`` event; "" for any other message."""
    try:
        event = json.loads(text)
    except ValueError:
        return ""
    if not isinstance(event, dict) or event.get("event") != "delete":
        return ""
    payload = event.get("payload")
    return payload if isinstance(payload, str) and payload.isdigit() else ""
