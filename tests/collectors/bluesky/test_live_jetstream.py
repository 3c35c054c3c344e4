"""`live: true` against a loopback Jetstream (tests/collectors/bluesky/jetstream.py) and the loopback AppView."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from aggregator.collectors import CollectContext
from aggregator.collectors.bluesky.collector import BlueskyOptions, BlueskyProgress
from aggregator.collectors.bluesky.live import BlueskyLiveService
from aggregator.store.sqlite import Store
from tests.collectors.bluesky.fakes import (
    BASE_TIME,
    CONFERENCE,
    FAST_RETRIES,
    Account,
    Harness,
    facet,
    tag,
)
from tests.collectors.bluesky.jetstream import Jetstream, account, commit, identity

SOURCE = "bluesky:shelfcon"
LIVE = f"{SOURCE}:live"
NOW = BASE_TIME + timedelta(hours=3)


@pytest.fixture
def jetstream() -> Iterator[Jetstream]:
    server = Jetstream().start()
    yield server
    server.stop()


def record(text: str, at: datetime, *, hashtag: str = "", reply_to: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "createdAt": at.isoformat().replace("+00:00", "Z"),
                            "langs": ["en"]}  # fmt: skip
    if hashtag:
        start = text.casefold().index(f"#{hashtag}")
        body["facets"] = [facet(text, text[start:start + len(hashtag) + 1], tag(hashtag))]
    if reply_to:
        ref = {"uri": reply_to, "cid": "bafyreiparent"}
        body["reply"] = {"root": ref, "parent": ref}
    return body


class Running:
    """The live service in a thread, as the daemon runs it; stopped by setting its event."""

    def __init__(self, service: BlueskyLiveService) -> None:
        self.service = service
        self.stop = threading.Event()
        self.changes = 0
        self.thread = threading.Thread(target=service.run, args=(self.stop, self._changed), daemon=True)
        self.thread.start()

    def _changed(self) -> None:
        self.changes += 1

    def halt(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive()


class World:
    def __init__(self, harness: Harness, jetstream: Jetstream, data_dir: Path) -> None:
        self.harness, self.fake, self.jetstream, self.data_dir = harness, harness.fake, jetstream, data_dir
        self.backfills = 0
        self.alice = self.fake.account("alice.test")
        self.bob = self.fake.account("bob.test")
        self.carol = self.fake.account("carol.test", description="Please no archiving #nobot")
        self.options = BlueskyOptions(type="bluesky", hashtags=("shelfcon",), live=True, stream=jetstream.url,
                                      service=self.fake.url, appview=self.fake.url, replies="self")  # fmt: skip

    def store(self) -> Store:
        return Store(self.data_dir)

    def service(self, now: Callable[[], datetime] = lambda: NOW) -> BlueskyLiveService:
        context = CollectContext(conference=CONFERENCE, data_dir=self.data_dir, now=now)
        return BlueskyLiveService(self.options, context, self.store, self._backfill)

    def _backfill(self) -> None:
        self.backfills += 1
        collector = self.harness.collector(hashtags=["shelfcon"], replies="self")
        collector.retry_policy = FAST_RETRIES
        with self.store() as store:
            result = collector.collect(store.state(SOURCE))
            store.save_collected(SOURCE, "bluesky", result.posts, result.deleted, result.state, withheld=result.withheld)

    def post(self, author: Account, rkey: str, minute: int, text: str, **kwargs: Any) -> str:
        at = BASE_TIME + timedelta(minutes=minute)
        self.jetstream.events.append(commit(author.did, at, "create", rkey, record(text, at, **kwargs)))
        return f"at://{author.did}/app.bsky.feed.post/{rkey}"

    def live_ids(self) -> set[str]:
        with self.store() as store:
            return {post.id for post in store.posts()}


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    ends = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < ends, "timed out"
        time.sleep(0.05)


@pytest.fixture
def world(harness: Harness, jetstream: Jetstream, tmp_path: Path) -> World:
    return World(harness, jetstream, tmp_path / "store")


def test_stream_catches_posts_continuations_and_deletions(world: World) -> None:
    fake = world.fake
    earlier = fake.post(world.alice, "Before the daemon #shelfcon", facets=[facet("Before the daemon #shelfcon", "#shelfcon", tag("shelfcon"))])
    running = Running(world.service())
    wait_for(lambda: len(world.jetstream.requests) == 1)
    assert world.backfills == 1 and earlier in world.live_ids()  # the first start is filled by search
    assert world.jetstream.requests[0]["wantedCollections"] == ["app.bsky.feed.post"]
    assert "cursor" not in world.jetstream.requests[0]

    keynote = world.post(world.alice, "3lkeynote", 10, "Keynote starts #ShelfCon", hashtag="shelfcon")
    reply = world.post(world.alice, "3lreply1", 11, "and the second slide says", reply_to=keynote)
    others = world.post(world.bob, "3lbob", 12, "and the second slide says", reply_to=keynote)  # not the author's
    chatter = world.post(world.bob, "3lchatter", 12, "lunch anyone?")
    opted_out = world.post(world.carol, "3lcarol", 13, "My notes #shelfcon", hashtag="shelfcon")
    typed = world.post(world.bob, "3ltyped", 14, "typed without a facet #shelfcon")
    at = BASE_TIME + timedelta(minutes=15)
    world.jetstream.events += [
        commit(world.bob.did, at, "create", "3llike", {"$type": "app.bsky.feed.like", "createdAt": "2025-06-02T09:15:00Z",
               "subject": {"uri": keynote, "cid": "bafyreikeynote"}}, collection="app.bsky.feed.like"),  # fmt: skip
        identity(world.bob.did, at, "bob.test"),
        account(world.bob.did, at, active=True),
        commit(world.alice.did, at, "update", "3lkeynote", record("Keynote starts now #ShelfCon", at, hashtag="shelfcon")),
        commit(world.alice.did, at + timedelta(seconds=1), "delete", earlier.rsplit("/", 1)[1]),
    ]

    wait_for(lambda: earlier not in world.live_ids() and reply in world.live_ids())
    running.halt()
    assert world.live_ids() == {keynote, reply, typed}
    assert {others, chatter, opted_out}.isdisjoint(world.live_ids())
    with world.store() as store:
        texts = {post.id: post.text for post in store.posts()}
        state = store.state(LIVE)
    assert texts[keynote] == "Keynote starts now #ShelfCon"
    assert int(state.cursor) == world.jetstream.events[-1]["time_us"]
    first_gap = BlueskyProgress.of(state.progress).gaps[0]
    assert first_gap["filled_by"] == "search" and first_gap["from"] == ""
    assert running.changes >= 2


def test_restart_resumes_from_the_stored_cursor_without_gap_or_duplicate(world: World) -> None:
    running = Running(world.service())
    wait_for(lambda: len(world.jetstream.requests) == 1)
    first = world.post(world.alice, "3lfirst", 10, "Talk one #shelfcon", hashtag="shelfcon")
    wait_for(lambda: first in world.live_ids())
    running.halt()
    with world.store() as store:
        cursor = store.state(LIVE).cursor

    # while it was down: a continuation, and the first post is deleted
    continued = world.post(world.alice, "3lmore", 11, "more from talk one", reply_to=first)
    second = world.post(world.alice, "3lsecond", 12, "Talk two #shelfcon", hashtag="shelfcon")
    running = Running(world.service())
    wait_for(lambda: len(world.jetstream.requests) == 2)
    assert world.jetstream.requests[1]["cursor"] == [cursor]
    wait_for(lambda: second in world.live_ids())
    running.halt()

    assert world.backfills == 1  # the restart was within the rewind window: no search
    assert world.live_ids() == {first, continued, second}
    with world.store() as store:
        assert store.count(include_deleted=True) == 3  # the replayed first post was not stored twice


def test_gap_longer_than_the_rewind_is_filled_by_search_and_noted(world: World) -> None:
    running = Running(world.service())
    wait_for(lambda: len(world.jetstream.requests) == 1)
    world.post(world.alice, "3lfirst", 10, "Talk one #shelfcon", hashtag="shelfcon")
    wait_for(lambda: len(world.live_ids()) == 1)
    running.halt()
    missed = world.fake.post(world.alice, "Posted during the outage #shelfcon", at=BASE_TIME + timedelta(hours=1),
                             facets=[facet("Posted during the outage #shelfcon", "#shelfcon", tag("shelfcon"))])  # fmt: skip

    running = Running(world.service(now=lambda: NOW + timedelta(days=2)))
    wait_for(lambda: len(world.jetstream.requests) == 2)
    running.halt()

    assert world.backfills == 2 and missed in world.live_ids()
    assert "cursor" not in world.jetstream.requests[1]  # the stream starts from its present
    with world.store() as store:
        gap = BlueskyProgress.of(store.state(LIVE).progress).gaps[-1]
    assert gap["from"] == (BASE_TIME + timedelta(minutes=10)).isoformat() and gap["filled_by"] == "search"


def test_deleted_account_takes_its_stored_posts_down(world: World) -> None:
    running = Running(world.service())
    wait_for(lambda: len(world.jetstream.requests) == 1)
    post = world.post(world.bob, "3lbobtalk", 10, "Talk #shelfcon", hashtag="shelfcon")
    wait_for(lambda: post in world.live_ids())
    world.jetstream.events.append(account(world.bob.did, BASE_TIME + timedelta(minutes=20), active=False, status="deleted"))
    wait_for(lambda: post not in world.live_ids())
    running.halt()


def test_reconciliation_counts_what_each_path_missed(world: World) -> None:
    service = world.service()
    service.reconciled_until = service.reconcile_after = BASE_TIME  # as if it had been running for a while
    only_searched = world.fake.post(world.alice, "Search saw it #shelfcon", at=BASE_TIME + timedelta(minutes=30),
                                    facets=[facet("Search saw it #shelfcon", "#shelfcon", tag("shelfcon"))])  # fmt: skip
    running = Running(service)
    wait_for(lambda: len(world.jetstream.requests) == 1)
    wait_for(lambda: only_searched in world.live_ids())
    running.halt()
    with world.store() as store:
        counts = BlueskyProgress.of(store.state(LIVE).progress).reconciliation
    assert counts["search_only"] == 1 and counts["stream_only"] == 0


def test_an_appview_failure_keeps_the_batch_for_a_later_try(world: World) -> None:
    running = Running(world.service())
    wait_for(lambda: len(world.jetstream.requests) == 1)
    world.fake.script("app.bsky.actor.getProfiles", 400, {"error": "InvalidRequest", "message": "try later"})
    post = world.post(world.alice, "3lretried", 10, "Talk #shelfcon", hashtag="shelfcon")
    wait_for(lambda: post in world.live_ids())
    running.halt()
    assert len(world.fake.called("app.bsky.actor.getProfiles")) == 2  # the refused one, then the retry


def test_the_service_keeps_one_client_while_it_runs_and_none_after(world: World) -> None:
    service = world.service()
    running = Running(service)
    wait_for(lambda: len(world.jetstream.requests) == 1)
    first = world.post(world.alice, "3lfirst", 10, "Opening #shelfcon", hashtag="shelfcon")
    wait_for(lambda: first in world.live_ids())
    client = service.client
    later = world.post(world.bob, "3llater", 20, "Second talk #shelfcon", hashtag="shelfcon")
    wait_for(lambda: later in world.live_ids())
    assert client is not None and service.client is client  # its connections and login are reused
    profiles = len(world.fake.called("app.bsky.actor.getProfiles"))
    running.halt()
    assert service.client is None
    with pytest.raises(RuntimeError, match="only while the service runs"):
        service._fetch_profiles([world.alice.did])
    assert len(world.fake.called("app.bsky.actor.getProfiles")) == profiles  # the closed client was not used
