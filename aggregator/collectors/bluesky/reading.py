"""The reader half of a live Bluesky source: one WebSocket, reconnected with backoff, feeding a queue.

Only the messages the filter wants go into the queue, plus a bare cursor now and then
(``CHECKPOINT_SECONDS``) so that the stored position advances through quiet stretches too.
A full queue makes the reader wait: that is the backpressure.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
import time

from atproto_client import models
from atproto_firehose import FirehoseSubscribeReposClient
from atproto_subscription.frames import MessageFrame
from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

from aggregator.collectors.bluesky.matching import StreamFilter
from aggregator.collectors.bluesky.stream import (
    StreamMessage,
    firehose_base,
    firehose_message,
    jetstream_message,
    jetstream_url,
    stream_kind,
)
from aggregator.collectors.live import Backoff

log = logging.getLogger(__name__)
CHECKPOINT_SECONDS = 1.0
RECEIVE_TIMEOUT = 1.0  # seconds between looks at the stop signal on a quiet connection
MAX_MESSAGE_BYTES = 5 * 1024 * 1024  # a firehose frame carries at most a 2 MB commit


class StreamReader:
    def __init__(self, url: str, wanted: StreamFilter, messages: queue.Queue[StreamMessage], halt: threading.Event) -> None:
        self.url = url
        self.wanted = wanted
        self.messages = messages
        self.halt = halt
        self.cursor: int | None = None
        self.checkpointed = 0.0
        self.backoff = Backoff()

    def run(self, cursor: int | None) -> None:
        self.cursor = cursor
        read = self._jetstream if stream_kind(self.url) == "jetstream" else self._firehose
        while not self.halt.is_set():
            try:
                read()
            except (OSError, WebSocketException, TimeoutError) as exc:
                log.warning("%s: stream connection lost (%s); reconnecting from cursor %s", self.url, exc, self.cursor)
            except Exception:  # noqa: BLE001 — whatever the server sends, the subscription must go on
                log.exception("%s: stream reader failed; reconnecting from cursor %s", self.url, self.cursor)
            self.halt.wait(self.backoff.next_delay())

    def offer(self, message: StreamMessage) -> None:
        """Queue what the filter wants of ``message`` (waiting while the queue is full)."""
        if message.cursor >= 0:
            self.cursor = message.cursor
        wanted = tuple(event for event in message.posts if self.wanted.wants(event))
        now = time.monotonic()
        if not (wanted or message.accounts or message.outdated_cursor) and now - self.checkpointed < CHECKPOINT_SECONDS:
            return
        self.checkpointed = now
        item = dataclasses.replace(message, posts=wanted)
        while not self.halt.is_set():
            try:
                self.messages.put(item, timeout=RECEIVE_TIMEOUT)
                return
            except queue.Full:
                continue

    def _jetstream(self) -> None:
        with connect(jetstream_url(self.url, self.cursor), open_timeout=10, close_timeout=1, max_size=MAX_MESSAGE_BYTES) as ws:
            log.info("%s: connected (cursor %s)", self.url, self.cursor)
            self.backoff.reset()
            while not self.halt.is_set():
                try:
                    text = ws.recv(timeout=RECEIVE_TIMEOUT)
                except TimeoutError:
                    continue
                message = jetstream_message(text)
                if message is not None:
                    self.offer(message)

    def _firehose(self) -> None:
        params = models.ComAtprotoSyncSubscribeRepos.Params(cursor=self.cursor) if self.cursor is not None else None
        client = FirehoseSubscribeReposClient(params, base_uri=firehose_base(self.url))
        watcher = threading.Thread(target=self._stop_when_halted, args=(client,), daemon=True)
        watcher.start()

        def received(frame: MessageFrame) -> None:
            message = firehose_message(frame)
            if message is None:
                return
            self.backoff.reset()
            self.offer(message)
            if self.cursor is not None:
                client.update_params({"cursor": self.cursor})  # the SDK's own reconnects resume from here

        client.start(received, self._callback_failed)
        client.stop()

    def _stop_when_halted(self, client: FirehoseSubscribeReposClient) -> None:
        self.halt.wait()
        client.stop()

    def _callback_failed(self, exc: BaseException) -> None:
        log.error("%s: a stream message could not be handled: %s", self.url, exc, exc_info=exc)
