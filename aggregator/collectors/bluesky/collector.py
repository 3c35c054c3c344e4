"""Bluesky source (``type: bluesky``): hashtag searches, feeds, lists and accounts, whole live-threads.

One query per hashtag (``searchPosts``'s ``tag`` parameter ANDs several), newest first,
paged until the time window is covered; later runs start from the newest post already seen
(with a small overlap). Each post that starts or continues a thread brings the author's
own continuation chain along (``getPostThread``), others' replies per ``replies:``.
Opted-out authors (``!no-unauthenticated`` label, ``#nobot`` in the bio) are never
published: their ids come back as deleted so stored copies get tombstoned, like posts
that ``getPosts`` no longer returns.
"""

from __future__ import annotations

import builtins
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any, ClassVar

from atproto_client import models

from aggregator.clock import stored_moment
from aggregator.collectors import (
    CollectContext,
    Collector,
    CollectResult,
    SourceOptions,
    SourceState,
    matches_hashtags,
    register,
)
from aggregator.collectors import (
    collection_window as shared_window,
)
from aggregator.collectors.bluesky.client import (
    AuthXrpcError,
    SavedSession,
    XrpcClient,
    XrpcError,
    credentials_from_env,
)
from aggregator.collectors.bluesky.embeds import embed_parts
from aggregator.collectors.bluesky.options import BlueskyOptions, BlueskyProgress
from aggregator.collectors.bluesky.publication import Decision, PublicationPolicy, verdict_of
from aggregator.collectors.bluesky.queries import Paging, PostView, ServiceReader, Window, sort_time
from aggregator.collectors.bluesky.replay import replayed_views
from aggregator.collectors.bluesky.threads import may_continue
from aggregator.collectors.progress import CollectorProgress

log = logging.getLogger(__name__)
OVERLAP = timedelta(minutes=15)  # re-read this much before the newest stored post (indexing lag)
MAX_UNFINISHED = 10  # interrupted reads kept per query; older ones are given up
FOLLOW_THREADS = timedelta(hours=12)  # keep re-reading threads that grew this recently
MAX_THREAD_CALLS = 1000
POST_URI = re.compile(r"at://did:[a-z]+:[A-Za-z0-9._:%-]+/app\.bsky\.feed\.post/[A-Za-z0-9._:~-]{1,512}")



@register
class BlueskyCollector(Collector):
    type: ClassVar[str] = "bluesky"
    Options: ClassVar[builtins.type[SourceOptions]] = BlueskyOptions
    Progress: ClassVar[builtins.type[CollectorProgress] | None] = BlueskyProgress
    options: BlueskyOptions
    sleep: Callable[[float], None] = staticmethod(time.sleep)

    def __init__(self, options: SourceOptions, context: CollectContext) -> None:
        super().__init__(options, context)
        self.window = collection_window(self.options, context)
        self.publisher = PublicationPolicy(self.options.sensitive, self.options.exclude_authors)

    def collect(self, state: SourceState) -> CollectResult:
        if self.options.path is not None:
            return self._replay(state)
        with self.client() as client:
            reader = ServiceReader(client, max_pages=self.context.max_pages, progress=self.context.progress)
            return self._live(reader, state)

    def _replay(self, state: SourceState) -> CollectResult:
        assert self.options.path is not None
        # decided as read, so that the answers' models are let go page by page (held all at once, the
        # garbage collector's passes over them cost more than the reading); the last copy of a post wins
        decisions: dict[str, Decision] = {}
        for view in replayed_views(self.options.path, self.options.replies):
            if self.in_window(view):
                decisions[view.uri] = self.publisher.decide(view, opted_out=())
        self.context.progress(len(decisions))
        verdict = verdict_of(decisions.values())
        notes = (f"replayed {len(decisions)} posts from {self.options.path}",)
        return CollectResult(verdict.posts, state.succeeded(self.context.now()), verdict.withheld, notes, withheld=verdict.withheld)

    def _live(self, reader: ServiceReader, state: SourceState) -> CollectResult:
        saved = BlueskyProgress.of(state.progress)
        newest = dict(saved.newest)
        unfinished = {key: list(pages) for key, pages in saved.unfinished.items()}
        matching = _unique(self._matching(reader, newest, unfinished))
        rechecked, gone = self._recheck(reader)
        threads, followed = self._with_threads(reader, [*matching, *_recent(rechecked, self.context.now())], state)
        views = _unique([*matching, *threads])
        profiles = tuple(reader.profiles(_actors([*views, *rechecked])))
        verdict = self.publisher.judge(views, profiles=profiles)
        withheld_stored = self.publisher.judge(rechecked, profiles=profiles).withheld
        withheld = tuple(uri for uri in dict.fromkeys((*verdict.withheld, *withheld_stored)) if uri not in gone)
        deleted = (*gone, *withheld)
        progress = BlueskyProgress(newest=newest, threads=followed, unfinished=unfinished)
        notes = (
            f"{len(matching)} matching posts, {len(views) - len(matching)} from threads, "
            f"{len(verdict.posts)} kept, {len(deleted)} deleted or withheld, {reader.client.calls} calls",
            *(f"{key}: stopped after {reader.max_pages} pages; will continue next run" for key in unfinished),
        )
        cursor = max(newest.values(), default=state.cursor)
        return CollectResult(
            verdict.posts, state.succeeded(self.context.now(), cursor=cursor, progress=progress), deleted, notes, withheld=withheld
        )

    def _matching(
        self, reader: ServiceReader, newest: dict[str, str], unfinished: dict[str, list[dict[str, str]]]
    ) -> Iterator[PostView]:
        """The posts the configured queries find, each query read from where the last run stopped.

        A read the page bound cut short is kept in ``unfinished`` (its window start and the cursor
        of its first unread page) and taken up again by the next run, so no older post is skipped.
        """
        for key, read in self._queries(reader):
            for pending in unfinished.pop(key, [])[-MAX_UNFINISHED:]:
                resumed = Window(stored_moment(pending["since"]), self.window.end)
                try:
                    yield from self._read_query(key, read, resumed, Paging(pending["cursor"]), newest, unfinished)
                except XrpcError as exc:
                    if exc.status != 400 or isinstance(exc, AuthXrpcError):
                        raise
                    log.warning("%s: the service no longer accepts the saved cursor (%s); dropped it", key, exc.error)
            since = self.window.start
            if key in newest:
                resume = datetime.fromisoformat(newest[key]) - OVERLAP
                since = max(since, resume) if since else resume
            yield from self._read_query(key, read, Window(since, self.window.end), Paging(), newest, unfinished)

    def _read_query(
        self,
        key: str,
        read: Callable[[Window, Paging], Iterator[PostView]],
        window: Window,
        paging: Paging,
        newest: dict[str, str],
        unfinished: dict[str, list[dict[str, str]]],
    ) -> Iterator[PostView]:
        latest: datetime | None = None
        for view in read(window, paging):
            if not self.in_window(view):
                continue
            latest = max(latest, sort_time(view)) if latest else sort_time(view)
            if not self.options.hashtags or self._tagged(view):
                yield view
        if latest is not None:
            newest[key] = max(latest.isoformat(), newest.get(key, ""))
        if paging.stopped_at:
            since = window.start.isoformat() if window.start else ""
            unfinished.setdefault(key, []).append({"since": since, "cursor": paging.stopped_at})

    def _queries(self, reader: ServiceReader) -> Iterator[tuple[str, Any]]:
        options = self.options
        if options.searches:
            for tag in options.hashtags or (None,):
                query = options.query or f"#{tag}"
                yield f"search:{query}:{tag or ''}", lambda w, p, q=query, t=tag: reader.search(q, t, w, p)
        if options.feed:
            yield f"feed:{options.feed}", lambda w, p: reader.custom_feed(options.feed, w, p)
        if options.list:
            yield f"list:{options.list}", lambda w, p: reader.list_feed(options.list, w, p)
        for actor in options.accounts:
            yield f"account:{actor}", lambda w, p, a=actor: reader.author_feed(a, w, p)

    def _with_threads(
        self, reader: ServiceReader, matching: Iterable[PostView], state: SourceState
    ) -> tuple[list[PostView], dict[str, str]]:
        """Thread posts around the matching ones, and the threads to keep following next run."""
        if self.options.replies == "none":
            return [], {}
        now = self.context.now()
        followed = {uri: when for uri, when in BlueskyProgress.of(state.progress).threads.items()
                    if datetime.fromisoformat(when) >= now - FOLLOW_THREADS}  # fmt: skip
        queue = [*followed, *(v.uri for v in sorted(matching, key=sort_time) if may_continue(v))]
        covered: set[str] = set()
        found: list[PostView] = []
        calls = 0
        while queue and calls < MAX_THREAD_CALLS:
            uri = queue.pop(0)
            if uri in covered:
                continue
            calls += 1
            picked = reader.thread(uri, self.options.replies)
            in_window = [v for v in picked.posts if self.in_window(v)]
            found.extend(in_window)
            covered.update(v.uri for v in picked.posts if v.uri not in picked.truncated)
            queue.extend(picked.truncated)
            if in_window:
                followed[uri] = max(sort_time(v) for v in in_window).isoformat()
        return found, followed

    def _recheck(self, reader: ServiceReader) -> tuple[list[PostView], tuple[str, ...]]:
        """Stored posts that still exist, and the ids of those that do not."""
        if not self.options.check_deletions:
            return [], ()
        stored = [i for i in self.context.stored_ids() if POST_URI.fullmatch(i)]
        existing = list(reader.posts(stored))
        alive = {view.uri for view in existing}
        return existing, tuple(uri for uri in stored if uri not in alive)

    def searched(self, reader: ServiceReader, window: Window) -> list[PostView]:
        """What the configured queries find in ``window`` (the stream's reconciliation)."""
        found = (view for _, read in self._queries(reader) for view in read(window, Paging()))
        return _unique(v for v in found if self.in_window(v) and (not self.options.hashtags or self._tagged(v)))

    def _tagged(self, view: PostView) -> bool:
        record = view.record
        if not isinstance(record, models.AppBskyFeedPost.Record):
            return False
        tags = [f.tag for facet in record.facets or () for f in facet.features
                if isinstance(f, models.AppBskyRichtextFacet.Tag)]  # fmt: skip
        return matches_hashtags([*tags, *(record.tags or ())], self.options.hashtags)

    def in_window(self, view: PostView) -> bool:
        try:
            return self.window.contains(sort_time(view))
        except ValueError:
            return False  # no readable time: it cannot be placed anywhere

    def client(self) -> XrpcClient:
        credentials = credentials_from_env()
        saved_session = (
            SavedSession.for_account(self.context.saved_values, self.options.service, credentials.identifier)
            if credentials
            else None
        )
        return XrpcClient(
            appview=self.options.appview,
            service=self.options.service,
            credentials=credentials,
            saved_session=saved_session,
            timeout=self.context.timeout,
            policy=self.retry_policy,
            sleep=self.sleep,
        )


def collection_window(options: BlueskyOptions, context: CollectContext) -> Window:
    """Explicit ``since``/``until`` first, then the pipeline's window, then the conference ± margin."""
    return Window(*shared_window(context, options.since, options.until, options.margin))


def _recent(views: Iterable[PostView], now: datetime) -> list[PostView]:
    """Stored posts recent enough that their threads may still grow (a reply since the last run
    shows in a fresh reply count even when the search no longer returns the tagged post)."""
    horizon = now - FOLLOW_THREADS
    recent = []
    for view in views:
        try:
            if sort_time(view) >= horizon:
                recent.append(view)
        except ValueError:
            continue
    return recent


def _unique(views: Iterable[PostView]) -> list[PostView]:
    return list({view.uri: view for view in views}.values())


def _actors(views: Iterable[PostView]) -> list[str]:
    """Authors whose bios decide what may be shown: the posts' and the quoted posts'."""
    actors: dict[str, None] = {}
    for view in views:
        actors[view.author.did] = None
        quoted = embed_parts(view.embed, view.uri).quote
        if quoted is not None:
            actors[quoted.author.did] = None
    return list(actors)
