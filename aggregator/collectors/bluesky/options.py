"""What a ``type: bluesky`` source accepts and what it remembers, without the atproto SDK.

Reading sources.yaml and the store needs only these; the collector itself (and the SDK it is built
on, the largest import of the program) is loaded at the first collect of a Bluesky source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from aggregator.collectors import CollectorKind, SourceOptions, declare, friendly_duration, normalize_tag
from aggregator.collectors.progress import CollectorProgress
from aggregator.patterns import RegexPattern

DEFAULT_JETSTREAM = "wss://jetstream2.us-east.bsky.network/subscribe"


class BlueskyOptions(SourceOptions):
    """A Bluesky source. Credentials come from BSKY_HANDLE / BSKY_APP_PASSWORD, never from here."""

    type: Literal["bluesky"] = Field("bluesky", description="Source type.")
    path: Path | None = Field(
        None,
        description="Replay saved XRPC answers instead of the network: a searchPosts/getPosts, getFeed/"
        "getAuthorFeed/getListFeed or getPostThread JSON file, or a folder of them. Not filtered by hashtag.",
    )
    hashtags: tuple[str, ...] = Field(
        (),
        description="Hashtags to search for (with or without '#'); a post matching any of them is collected. "
        "With `feed`, `list` or `accounts` they filter those posts instead of searching.",
    )
    query: str = Field("", description="Free-text search (combined with each hashtag when both are given).")
    feed: str = Field("", description="A custom feed's at:// URI (app.bsky.feed.generator) to read with getFeed.")
    list: str = Field("", description="A list's at:// URI (app.bsky.graph.list) to read with getListFeed.")
    accounts: tuple[str, ...] = Field((), description="Handles or DIDs whose posts and self-threads are read.")
    since: datetime | None = Field(
        None, description="Collect posts from this moment (ISO 8601; without an offset, conference local time; default: the conference start minus `margin`)."
    )
    until: datetime | None = Field(
        None, description="Collect posts up to this moment (ISO 8601; without an offset, conference local time; default: the conference end plus `margin`)."
    )
    margin: timedelta = Field(
        timedelta(days=2), description="Widening of the conference dates for the default window, e.g. '2d', '36h'."
    )
    replies: Literal["self", "all", "none"] = Field(
        "all",
        description="Thread replies to keep: 'self' the author's own continuation chain, 'all' also other people's "
        "replies (kept as conversation), 'none' only the matching posts (no thread fetching).",
    )
    sensitive: Literal["hide", "warn"] = Field(
        "hide", description="Posts labelled porn/sexual/nudity/graphic-media: 'hide' leaves them out, 'warn' keeps "
        "them behind a content warning."
    )
    exclude_authors: tuple[RegexPattern, ...] = Field(
        (), description=r"Regular expressions; authors whose handle or DID fully matches one are left out "
        r"(e.g. '.*\.ap\.brid\.gy' for bridged accounts)."
    )
    check_deletions: bool = Field(
        True, description="Re-check stored posts with getPosts every run; the ones gone upstream are tombstoned."
    )
    service: str = Field("https://bsky.social", description="The PDS / entryway to log in to (self-hosters, tests).")
    appview: str = Field(
        "https://public.api.bsky.app", description="The AppView queried when no credentials are set."
    )
    live: bool = Field(
        False, description="Also follow the network's event stream (`stream`) while `aggregator listen` or the "
        "scheduler runs: matching posts, their threads' continuations and deletions arrive within seconds."
    )
    stream: str = Field(
        DEFAULT_JETSTREAM,
        description="The event stream `live` reads: a Jetstream URL (its path ends in `/subscribe`; JSON) or a relay "
        "or PDS firehose (`com.atproto.sync.subscribeRepos`, any other URL, e.g. `wss://bsky.network`).",
    )
    rewind: timedelta = Field(
        timedelta(hours=24),
        description="How far back the stream can replay (Jetstream and relays keep about a day or more); after a "
        "longer outage the gap is filled by a search instead, e.g. '24h', '3d'.",
    )

    @field_validator("margin", "rewind", mode="before")
    @classmethod
    def _friendly_duration(cls, value: Any) -> Any:
        return friendly_duration(value)

    @field_validator("hashtags", mode="after")
    @classmethod
    def _clean_tags(cls, tags: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(normalize_tag(tag) for tag in tags if normalize_tag(tag)))

    @field_validator("feed", "list", mode="after")
    @classmethod
    def _at_uri(cls, uri: str) -> str:
        if uri and not uri.startswith("at://"):
            raise ValueError("expected an at:// URI")
        return uri

    @model_validator(mode="after")
    def _something_to_read(self) -> BlueskyOptions:
        if self.path is None and not (self.hashtags or self.query or self.feed or self.list or self.accounts):
            raise ValueError("give at least one of hashtags, query, feed, list, accounts or path")
        return self

    @property
    def searches(self) -> bool:
        return not (self.feed or self.list or self.accounts)


@dataclass(frozen=True)
class BlueskyProgress(CollectorProgress):
    """Where each query stopped, and the threads still followed (the login is a store blob)."""

    newest: dict[str, str] = field(default_factory=dict)  # query key → newest indexedAt read
    threads: dict[str, str] = field(default_factory=dict)  # thread root URI → when first followed
    # the live stream's own row (``<source>:live``, see bluesky/live.py): where the cursor stands
    cursor_time: str = ""  # when the event at the stored cursor happened (ISO 8601)
    stream: str = ""  # the endpoint the cursor belongs to
    gaps: list[dict[str, str]] = field(default_factory=list)  # the latest gaps the search filled
    reconciliation: dict[str, Any] = field(default_factory=dict)  # what each path saw that the other missed
    # query key → the pages a run's page bound left unread ({"since": …, "cursor": …} each)
    unfinished: dict[str, list[dict[str, str]]] = field(default_factory=dict)


declare(CollectorKind("bluesky", BlueskyOptions, BlueskyProgress, module="aggregator.collectors.bluesky.collector"))
