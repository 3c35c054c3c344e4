"""The Bluesky queries the collector makes: searches, feeds, threads, re-checks and profiles.

Each reader method pages through one XRPC query until the time window is covered (or the
answer runs out, or the page bound is hit) and yields post views; nothing here decides
what gets published.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeAlias

from atproto_client import models

from aggregator.collectors.bluesky.client import XrpcClient, XrpcError
from aggregator.collectors.bluesky.posts import post_time
from aggregator.collectors.bluesky.replay import views_of_feed
from aggregator.collectors.bluesky.threads import RepliesPolicy, ThreadPick, pick_thread

PostView: TypeAlias = models.AppBskyFeedDefs.PostView
Page: TypeAlias = tuple[list[PostView], str | None]  # the views of one answer, and its cursor

PAGE_SIZE = 100
BATCH_SIZE = 25  # getPosts and getProfiles take at most 25 at a time
THREAD_DEPTH = 100
THREAD_PARENTS = 100
GONE_ERRORS = frozenset({"NotFound", "BlockedActor", "BlockedByActor"})


@dataclass(frozen=True)
class Window:
    start: datetime | None = None
    end: datetime | None = None

    def contains(self, moment: datetime) -> bool:
        return (self.start is None or moment >= self.start) and (self.end is None or moment <= self.end)


@dataclass
class Paging:
    """Where a paged read starts (a cursor an earlier run stopped at) and, once read, whether the
    page bound cut it short: then ``stopped_at`` is the cursor of the first page left unread."""

    start: str | None = None
    stopped_at: str | None = field(default=None, init=False)


def sort_time(view: PostView) -> datetime:
    """When the post counts as made (raises ValueError for a post without a readable time)."""
    return post_time(getattr(view.record, "created_at", ""), view.indexed_at)


class ServiceReader:
    def __init__(self, client: XrpcClient, *, max_pages: int, progress: Callable[[int], None]) -> None:
        self.client = client
        self.max_pages = max_pages
        self.progress = progress

    def search(self, query: str, tag: str | None, window: Window, paging: Paging) -> Iterator[PostView]:
        def fetch(cursor: str | None) -> Page:
            answer = self.client.query(
                "app.bsky.feed.searchPosts",
                {
                    "q": query,
                    "tag": [tag] if tag else None,
                    "sort": "latest",
                    "since": _iso(window.start),
                    "until": _iso(window.end),
                    "limit": PAGE_SIZE,
                    "cursor": cursor,
                },
                models.AppBskyFeedSearchPosts.Response,
            )
            return list(answer.posts), answer.cursor

        return self._paginate(fetch, window, paging, chronological=True)

    def author_feed(self, actor: str, window: Window, paging: Paging) -> Iterator[PostView]:
        params = {"actor": actor, "filter": "posts_and_author_threads"}
        model = models.AppBskyFeedGetAuthorFeed.Response
        return self._feed("app.bsky.feed.getAuthorFeed", params, model, window, paging)

    def list_feed(self, list_uri: str, window: Window, paging: Paging) -> Iterator[PostView]:
        model = models.AppBskyFeedGetListFeed.Response
        return self._feed("app.bsky.feed.getListFeed", {"list": list_uri}, model, window, paging)

    def custom_feed(self, feed_uri: str, window: Window, paging: Paging) -> Iterator[PostView]:
        # a custom feed may rank rather than sort: read on while a page still holds window posts
        model = models.AppBskyFeedGetFeed.Response
        return self._feed("app.bsky.feed.getFeed", {"feed": feed_uri}, model, window, paging, chronological=False)

    def thread(self, uri: str, replies: RepliesPolicy) -> ThreadPick:
        try:
            answer = self.client.query(
                "app.bsky.feed.getPostThread",
                {"uri": uri, "depth": THREAD_DEPTH, "parentHeight": THREAD_PARENTS},
                models.AppBskyFeedGetPostThread.Response,
            )
        except XrpcError as exc:
            if exc.status == 400 and exc.error in GONE_ERRORS:
                return ThreadPick((), ())
            raise
        picked = pick_thread(answer.thread, replies)
        self.progress(len(picked.posts))
        return picked

    def posts(self, uris: Iterable[str]) -> Iterator[PostView]:
        """The posts that still exist among ``uris`` (25 per call)."""
        for batch in _batches(list(uris)):
            answer = self.client.query("app.bsky.feed.getPosts", {"uris": batch}, models.AppBskyFeedGetPosts.Response)
            yield from answer.posts

    def profiles(self, actors: Iterable[str]) -> Iterator[Any]:
        """Full profiles (with the bio a post view leaves out), 25 per call."""
        for batch in _batches(list(actors)):
            answer = self.client.query(
                "app.bsky.actor.getProfiles", {"actors": batch}, models.AppBskyActorGetProfiles.Response
            )
            yield from answer.profiles

    def _feed(
        self,
        nsid: str,
        params: dict[str, Any],
        model: type[Any],
        window: Window,
        paging: Paging,
        *,
        chronological: bool = True,
    ) -> Iterator[PostView]:
        def fetch(cursor: str | None) -> Page:
            answer = self.client.query(nsid, {**params, "limit": PAGE_SIZE, "cursor": cursor}, model)
            return list(views_of_feed(answer.feed)), answer.cursor

        return self._paginate(fetch, window, paging, chronological=chronological)

    def _paginate(
        self, fetch: Callable[[str | None], Page], window: Window, paging: Paging, *, chronological: bool
    ) -> Iterator[PostView]:
        cursor = paging.start
        for _ in range(self.max_pages):
            views, cursor = fetch(cursor)
            self.progress(len(views))
            yield from views
            if not cursor or not views or _window_passed(views, window, chronological):
                return
        paging.stopped_at = cursor


def _window_passed(views: list[PostView], window: Window, chronological: bool) -> bool:
    """Newest first: once posts are older than the window start, later pages are older still."""
    if window.start is None:
        return False
    times = [sort_time(view) for view in views]
    oldest_relevant = min(times) if chronological else max(times)
    return oldest_relevant < window.start


def _batches(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None
