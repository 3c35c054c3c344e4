"""``live: true`` on a Bluesky source: the network's event stream, as a :class:`LiveService`.

A reader thread receives the stream (Jetstream or firehose, see :mod:`.stream`), keeps only
what :class:`StreamFilter` wants and hands it to a bounded queue: when the writer falls
behind, the reader waits (the server buffers, or drops us and we resume from the cursor),
so memory never grows without bound. The writer takes the queue in batches, judges the
posts by the same :class:`PublicationPolicy` as search, and stores posts, deletions and the
cursor in one transaction: after a crash it resumes exactly after what was stored.

The stream's state lives under its own name, ``<source>:live``. A gap longer than the
stream's rewind window (or the first start) is filled by the source's search, and noted in
that state (``gaps``); the search is also run every ``RECONCILE_EVERY`` over the time the
stream covered, and how many posts each path saw that the other missed is logged and kept
(``reconciliation``).
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from aggregator.clock import stored_moment
from aggregator.collectors import CollectContext, SourceState
from aggregator.collectors.bluesky.client import XrpcClient
from aggregator.collectors.bluesky.collector import BlueskyCollector, BlueskyOptions, BlueskyProgress
from aggregator.collectors.bluesky.hydration import ProfileCache, local_view
from aggregator.collectors.bluesky.matching import StreamFilter
from aggregator.collectors.bluesky.posts import PostLike
from aggregator.collectors.bluesky.queries import ServiceReader, Window
from aggregator.collectors.bluesky.reading import StreamReader
from aggregator.collectors.bluesky.stream import PostEvent, StreamMessage
from aggregator.collectors.live import Backoff, live_name, while_holding
from aggregator.errors import AggregatorError
from aggregator.http import NetworkSettings, network_session, source_scope
from aggregator.store.protocol import PostStore

log = logging.getLogger(__name__)
QUEUE_SIZE = 10_000  # messages waiting for the writer; past it the reader waits
BATCH_SIZE = 500
BATCH_SECONDS = 1.0  # a batch is written at least this often while events arrive
RECONCILE_EVERY = timedelta(minutes=30)
SETTLE = timedelta(minutes=2)  # search indexing lag: reconcile only up to this long ago
KEPT_GAPS = 20


class BlueskyLiveService:
    """One Bluesky source's stream subscription."""

    def __init__(
        self,
        options: BlueskyOptions,
        context: CollectContext,
        open_store: Callable[[], PostStore],
        backfill: Callable[[], None],
        network: NetworkSettings = NetworkSettings(),
    ) -> None:
        self.options = options
        self.network = network
        self.context = context
        self.name = live_name(options.label())
        self.open_store = open_store
        self.backfill = backfill
        self.collector = BlueskyCollector(options, context)
        self.filter = StreamFilter(options.hashtags, options.query, options.replies)
        self.profiles = ProfileCache(self._fetch_profiles, context.now)
        self.seen: dict[str, datetime] = {}  # matching posts the stream brought, for reconciliation
        self.reconciled_until = context.now()
        self.reconcile_after = context.now() + RECONCILE_EVERY + SETTLE
        self.client: XrpcClient | None = None  # while running

    def run(self, stop: threading.Event, changed: Callable[[], None]) -> None:
        with network_session(self.network), self.open_store() as store, self.collector.client() as client:
            self.client = client  # one for the service's lifetime: its connections and login are reused
            state, cursor = self._resume(store, changed)
            messages: queue.Queue[StreamMessage] = queue.Queue(QUEUE_SIZE)
            halt = threading.Event()
            reader = StreamReader(self.options.stream, self.filter, messages, halt)
            thread = threading.Thread(target=reader.run, args=(cursor,), name=f"{self.name} reader", daemon=True)
            thread.start()
            try:
                self._write_until(stop, store, messages, state, changed)
            finally:
                halt.set()
                thread.join(timeout=10)
                self.client = None  # closed with the block: no later query may use it

    # --- starting ---------------------------------------------------------------------

    def _resume(self, store: PostStore, changed: Callable[[], None]) -> tuple[SourceState, int | None]:
        """The stored state and the cursor to resume from; None (the stream's present) after a
        gap the stream cannot replay, which the search fills first."""
        state = store.state(self.name)
        cursor = int(state.cursor) if state.cursor.isdigit() else None
        last = stored_moment(BlueskyProgress.of(state.progress).cursor_time)
        now = self.context.now()
        if cursor is not None and last is not None and now - last <= self.options.rewind:
            log.info("%s: resuming from cursor %s (%s ago)", self.name, cursor, now - last)
            self._remember_stored(store)
            return state, cursor
        state = self._filled_by_search(store, state, last, now)
        self._remember_stored(store)
        changed()
        return state, None

    def _remember_stored(self, store: PostStore) -> None:
        """The stored Bluesky posts (whatever source found them): their deletions and threads matter."""
        for post in store.posts():
            if post.source == "bluesky":
                self.filter.remember(post.id, post.reply_root)

    def _filled_by_search(self, store: PostStore, state: SourceState, since: datetime | None, now: datetime) -> SourceState:
        reason = "first start" if since is None else f"the stream cannot replay back to {since.isoformat()}"
        log.warning("%s: %s; filling the gap with the source's search", self.name, reason)
        try:
            self.backfill()
            outcome = "search"
        except AggregatorError as exc:
            log.error("%s: the search backfill failed: %s", self.name, exc)
            outcome = f"search failed: {exc}"
        gap = {"from": since.isoformat() if since else "", "to": now.isoformat(), "filled_by": outcome}
        progress = BlueskyProgress.of(state.progress)
        gaps = [*progress.gaps[-(KEPT_GAPS - 1):], gap]
        progress = dataclasses.replace(progress, gaps=gaps, stream=self.options.stream or "")
        state = dataclasses.replace(state, cursor="", progress=progress)
        self._save(store, (), (), state, ())
        return state

    # --- writing ----------------------------------------------------------------------

    def _write_until(
        self,
        stop: threading.Event,
        store: PostStore,
        messages: queue.Queue[StreamMessage],
        state: SourceState,
        changed: Callable[[], None],
    ) -> None:
        backoff = Backoff()
        while not stop.is_set():
            batch = _next_batch(messages, stop)
            while batch and not stop.is_set():
                try:
                    state, changes = self._write(store, batch, state)
                except AggregatorError as exc:  # the AppView or the store failed: the same batch again, later
                    log.warning("%s: storing %d stream messages failed (%s); trying again", self.name, len(batch), exc)
                    stop.wait(backoff.next_delay())
                    continue
                backoff.reset()
                if changes:
                    changed()
                break
            if self.context.now() >= self.reconcile_after:
                self.reconcile_after = self.context.now() + RECONCILE_EVERY
                state = self._reconcile(store, state, changed)

    def _write(self, store: PostStore, batch: list[StreamMessage], state: SourceState) -> tuple[SourceState, bool]:
        if any(message.outdated_cursor for message in batch):
            cursor_time = stored_moment(BlueskyProgress.of(state.progress).cursor_time)
            state = self._filled_by_search(store, state, cursor_time, self.context.now())
        deleted = {e.uri for m in batch for e in m.posts if e.action == "delete"}
        creates = {e.uri: e for m in batch for e in m.posts if e.action == "create" and e.uri not in deleted}
        posts, withheld = self._judged(list(creates.values()), batch)
        withheld = [*withheld, *self._of_closed_accounts(batch)]
        matching = {e.uri for e in creates.values() if self.filter.matches(e.record or {})}
        self.seen.update((post.id, post.created_at) for post in posts if post.id in matching)
        positioned = [m for m in batch if m.cursor >= 0]
        if positioned:
            last = positioned[-1]
            moment = (last.at or self.context.now()).isoformat()
            progress = dataclasses.replace(
                BlueskyProgress.of(state.progress), cursor_time=moment, stream=self.options.stream or ""
            )
            state = state.succeeded(self.context.now(), cursor=str(last.cursor), progress=progress)
        self._save(store, posts, [*deleted, *withheld], state, withheld)
        return state, bool(posts or deleted or withheld)

    def _judged(self, creates: list[PostEvent], batch: list[StreamMessage]) -> tuple[list[Any], list[str]]:
        """The creates as publishable posts, and the ids the publication rules withhold."""
        for did in {a.did for m in batch for a in m.accounts if a.handle_changed}:
            self.profiles.forget(did)  # a new handle: read the profile again on the next post
        if not creates:
            return [], []
        profiles = self.profiles.profiles(e.did for e in creates)
        views = self._views(creates, {p.did: p for p in profiles})
        verdict = self.collector.publisher.judge(views, profiles=profiles)
        posts = [p for p in verdict.posts if self.collector.window.contains(p.created_at)]
        return posts, list(verdict.withheld)

    def _views(self, creates: list[PostEvent], profiles: dict[str, Any]) -> list[PostLike]:
        """The AppView's own views where it has them already, views built from the records otherwise."""
        hydrated: dict[str, PostLike] = {}
        try:
            with self._reader() as reader:
                hydrated = {view.uri: view for view in reader.posts(e.uri for e in creates)}
        except AggregatorError as exc:
            log.info("%s: the AppView could not be asked for %d posts (%s); using the records", self.name, len(creates), exc)
        now = self.context.now()
        views = [hydrated.get(e.uri) or local_view(e, profiles.get(e.did), now) for e in creates]
        return [view for view in views if view is not None]

    def _of_closed_accounts(self, batch: list[StreamMessage]) -> list[str]:
        closed = {a.did for m in batch for a in m.accounts if not a.active}
        return [i for i in tuple(self.filter.stored) if i.split("/")[2] in closed] if closed else []

    def _save(self, store: PostStore, posts: Iterable[Any], deleted: Iterable[str], state: SourceState,
              withheld: Iterable[str]) -> None:  # fmt: skip
        posts, deleted, withheld = tuple(posts), tuple(deleted), tuple(withheld)
        while_holding(store, self.name, lambda: store.save_collected(self.name, "bluesky", posts, deleted, state,
                                                                     withheld=withheld))  # fmt: skip
        for post in posts:
            self.filter.remember(post.id, post.reply_root)
        for post_id in deleted:
            self.filter.forget(post_id)

    # --- reconciliation ---------------------------------------------------------------

    def _reconcile(self, store: PostStore, state: SourceState, changed: Callable[[], None]) -> SourceState:
        """Search the time the stream covered; store what only the search found; count both ways."""
        window = Window(self.reconciled_until, self.context.now() - SETTLE)
        try:
            with self._reader(self.context.max_pages) as reader:
                found = self.collector.searched(reader, window)
                profiles = list(reader.profiles({v.author.did for v in found}))
        except AggregatorError as exc:
            log.warning("%s: reconciliation search failed: %s", self.name, exc)
            return state
        streamed = {uri for uri, at in self.seen.items() if window.contains(at)}
        searched = {view.uri for view in found}
        missed = [view for view in found if view.uri not in streamed]
        verdict = self.collector.publisher.judge(missed, profiles=profiles)
        counts = {"from": window.start.isoformat() if window.start else "", "to": window.end.isoformat() if window.end else "",
                  "search_only": len(searched - streamed), "stream_only": len(streamed - searched)}  # fmt: skip
        log.info("%s: reconciliation %s to %s: search saw %d posts the stream missed, the stream %d the search missed",
                 self.name, counts["from"], counts["to"], counts["search_only"], counts["stream_only"])  # fmt: skip
        progress = dataclasses.replace(BlueskyProgress.of(state.progress), reconciliation=counts)
        state = dataclasses.replace(state, progress=progress)
        self._save(store, verdict.posts, verdict.withheld, state, verdict.withheld)
        if verdict.posts:
            changed()
        self._remember_stored(store)  # what the scheduled searches stored meanwhile
        self.reconciled_until = window.end or self.context.now()
        self.seen = {uri: at for uri, at in self.seen.items() if at >= self.reconciled_until}
        return state

    def _fetch_profiles(self, dids: list[str]) -> list[Any]:
        with self._reader() as reader:
            return list(reader.profiles(dids))

    @contextmanager
    def _reader(self, max_pages: int = 1) -> Iterator[ServiceReader]:
        """The service's AppView client, each use with the source's own request deadlines."""
        if self.client is None:
            raise RuntimeError(f"{self.name}: the AppView is queried only while the service runs")
        with source_scope(self.options.timeout, self.options.deadline):
            yield ServiceReader(self.client, max_pages=max_pages, progress=lambda advanced: None)


def _next_batch(messages: queue.Queue[StreamMessage], stop: threading.Event) -> list[StreamMessage]:
    """Up to ``BATCH_SIZE`` messages, waiting at most ``BATCH_SECONDS`` after the first."""
    try:
        batch = [messages.get(timeout=BATCH_SECONDS)]
    except queue.Empty:
        return []
    deadline = time.monotonic() + BATCH_SECONDS
    while len(batch) < BATCH_SIZE and not stop.is_set() and (left := deadline - time.monotonic()) > 0:
        try:
            batch.append(messages.get(timeout=left))
        except queue.Empty:
            break
    return batch
