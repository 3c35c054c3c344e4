"""RSS and Atom feeds (`type: feed`): a blog's tag feed, a planet, a folder of saved feeds.

Fetched politely (conditional GET: an unchanged feed costs one 304), parsed by feedparser
from the raw bytes (so it sniffs the encoding itself), every entry normalized by
:mod:`aggregator.collectors.feed.entries`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin, urlsplit

import feedparser
from pydantic import Field, field_validator, model_validator

from aggregator.collectors import (
    Collector,
    CollectResult,
    SourceOptions,
    SourceState,
    matches_hashtags,
    register,
    saved_files,
)
from aggregator.collectors.feed.entries import FeedEntry, category_key, entry_to_post, feed_info
from aggregator.collectors.feed.parsing import PARSERS, default_processes
from aggregator.errors import SourceError
from aggregator.http import make_client, network_settings, raise_for_status, request
from aggregator.models import Post

ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)


class FeedOptions(SourceOptions):
    type: Literal["feed"]
    url: str | None = Field(
        default=None,
        description="Address of the RSS or Atom feed, e.g. a WordPress tag feed "
        "https://blog.example.org/tag/c4l27/feed/. Give either `url` or `path`.",
    )
    hashtags: tuple[str, ...] = Field(
        default=(),
        description="Keep only entries filed under one of these tags (as a category) or mentioning one as #tag in "
        "their title or text; case-insensitive. Empty: keep every entry.",
    )
    categories: tuple[str, ...] = Field(
        default=(),
        description="Keep only entries filed under one of these categories (case- and space-insensitive). "
        "Combined with `hashtags`, an entry matching either is kept. Empty: no category filter.",
    )
    within_window: bool = Field(
        default=False,
        description="Keep only entries published inside the collection window (the conference dates and margin). "
        "Off by default because recaps are often written days later.",
    )
    author: str = Field(
        default="",
        description="Author name for entries that name none (default: the feed's author, else the feed's title).",
    )

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError("expected an http:// or https:// address")
        return value

    @model_validator(mode="after")
    def _one_origin(self) -> FeedOptions:
        if (self.url is None) == (self.path is None):
            raise ValueError("give exactly one of `url` (a feed address) or `path` (a saved feed file or folder)")
        return self

    def identity(self) -> str:
        return self.url or str(self.path)


@dataclass(frozen=True)
class FeedDocument:
    """The raw bytes of one feed and where they came from."""

    content: bytes
    origin: str  # URL or file name, for messages
    base_url: str = ""  # for resolving the feed's relative links ("" for local files)
    content_type: str = ""


@register
class FeedCollector(Collector):
    type = "feed"
    Options = FeedOptions

    options: FeedOptions

    def collect(self, state: SourceState) -> CollectResult:
        if self.options.path is not None:
            documents = feed_documents(self.options.path)
            new_state = state
        else:
            fetched = self._fetch(state)
            if fetched is None:
                unchanged = ("not modified since the last run (HTTP 304)",)
                return CollectResult(posts=(), state=state.succeeded(self.context.now()), notes=unchanged)
            document, new_state = fetched
            documents = [document]
        notes: list[str] = []
        entries = [entry for document in documents for entry in self._read(document, notes)]
        kept = [entry.post for entry in entries if self._wanted(entry)]
        if len(kept) < len(entries):
            notes.append(f"{len(entries) - len(kept)} of {len(entries)} entries left out by the source's filters")
        self.context.progress(len(entries))
        return CollectResult(posts=_unique(kept), state=new_state.succeeded(self.context.now()), notes=tuple(notes))

    def _fetch(self, state: SourceState) -> tuple[FeedDocument, SourceState] | None:
        """GET the feed, conditionally; None when the server says it has not changed."""
        assert self.options.url is not None
        headers = {"Accept": ACCEPT, **_conditional_headers(state)}
        with make_client(self.context.timeout) as client:
            response = request(
                client,
                "GET",
                self.options.url,
                policy=self.retry_policy,
                headers=headers,
                max_bytes=network_settings().max_feed_bytes,
            )
        if response.status_code == 304:
            return None
        raise_for_status(response, f"feed {self.options.url}")
        new_state = dataclasses.replace(
            state,
            etag=response.headers.get("etag", ""),
            last_modified=response.headers.get("last-modified", ""),
        )
        document = FeedDocument(
            content=response.content,
            origin=self.options.url,
            base_url=str(response.url),
            content_type=response.headers.get("content-type", ""),
        )
        return document, new_state

    def _read(self, document: FeedDocument, notes: list[str]) -> list[FeedEntry]:
        processes = network_settings().parse_processes
        entries, document_notes = PARSERS.run(
            default_processes() if processes is None else processes,
            len(document.content),
            read_document,
            document,
            self.options.author,
            self.context.conference.timezone,
        )
        notes.extend(document_notes)
        return entries

    def _wanted(self, entry: FeedEntry) -> bool:
        return self._matches_filters(entry) and self._inside_window(entry.post.created_at)

    def _matches_filters(self, entry: FeedEntry) -> bool:
        hashtags, categories = self.options.hashtags, self.options.categories
        if not hashtags and not categories:
            return True
        if hashtags and matches_hashtags(entry.post.hashtags, hashtags):
            return True
        return bool(categories) and not entry.categories.isdisjoint(category_key(c) for c in categories)

    def _inside_window(self, moment: datetime) -> bool:
        if not self.options.within_window:
            return True
        start, end = self.context.window_start, self.context.window_end
        return (start is None or moment >= start) and (end is None or moment <= end)


def read_document(document: FeedDocument, default_author: str, timezone: str) -> tuple[list[FeedEntry], list[str]]:
    """One feed's dated entries, normalized, and notes on what was odd about it (run in a parser
    process for a big feed: everything it takes and gives is picklable)."""
    parsed = _parse(document)
    info = feed_info(parsed.feed, document.base_url, default_author, timezone)
    entries = [entry_to_post(entry, info) for entry in parsed.entries]
    notes: list[str] = []
    undated = entries.count(None)
    if undated:
        notes.append(f"{document.origin}: {undated} entries without any date left out")
    if parsed.get("bozo"):
        notes.append(f"{document.origin}: not a well-formed feed ({parsed.get('bozo_exception')}); read it anyway")
    return [entry for entry in entries if entry is not None], notes


# feedparser's fallback parser raises (instead of reporting) on a character reference to a
# surrogate or past U+10FFFF, e.g. "&#xD800;": one hostile entry would lose the whole source.
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")
_REPLACEMENT_REF = b"&#xFFFD;"


def _without_impossible_char_refs(content: bytes) -> bytes:
    def replace(match: re.Match[bytes]) -> bytes:
        hexadecimal, decimal = match.groups()
        if len(hexadecimal or decimal) > 8:
            return _REPLACEMENT_REF
        code = int(hexadecimal, 16) if hexadecimal else int(decimal)
        return _REPLACEMENT_REF if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF else match.group(0)

    return _CHAR_REF.sub(replace, content)


def _parse(document: FeedDocument) -> feedparser.FeedParserDict:
    """Parse one feed; raise SourceError when nothing usable came out."""
    headers = {"content-type": document.content_type} if document.content_type else {}
    parsed = feedparser.parse(
        _without_impossible_char_refs(document.content),
        response_headers=headers,
        # nh3 sanitizes every body, title and name afterwards and makes their links absolute (against
        # the xml:base feedparser records): once is enough. feedparser's own pass would also rewrite
        # an empty alt given bare (`<img alt src=…>`) as alt="alt".
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    if parsed.entries or parsed.get("version"):
        return parsed
    if _looks_like_html(document):
        announced = announced_feeds(document.content.decode("utf-8", "replace"), document.base_url)
        hint = (
            f"it announces {', '.join(announced)}: use one of those as `url`"
            if announced
            else "point `url` at the feed itself (WordPress: add /feed/ to a tag or category address)"
        )
        raise SourceError(f"{document.origin}: this is a web page, not a feed; {hint}")
    problem = parsed.get("bozo_exception") or "no RSS or Atom content"
    raise SourceError(f"{document.origin}: not a readable feed ({problem})")


def announced_feeds(page: str, base_url: str) -> list[str]:
    """Feed addresses a web page announces with <link rel="alternate" type="application/rss+xml" ...>."""
    finder = _FeedLinkFinder()
    finder.feed(page)
    finder.close()
    resolved = (urljoin(base_url, href) if base_url else href for href in finder.feeds)
    return list(dict.fromkeys(url for url in resolved if urlsplit(url).scheme in ("http", "https")))


class _FeedLinkFinder(HTMLParser):
    FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/feed+json"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.feeds: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "").strip() for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        is_feed = values.get("type", "").lower() in self.FEED_TYPES
        if tag == "link" and "alternate" in rels and is_feed and values.get("href"):
            self.feeds.append(values["href"])


def _looks_like_html(document: FeedDocument) -> bool:
    head = document.content[:1024].lstrip().lower()
    return "html" in document.content_type or head.startswith((b"<!doctype html", b"<html"))


def _conditional_headers(state: SourceState) -> Mapping[str, str]:
    headers: dict[str, str] = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def _unique(posts: Iterable[Post]) -> tuple[Post, ...]:
    """One post per id (a folder of saved feeds often repeats entries); the first copy wins."""
    by_id: dict[str, Post] = {}
    for post in posts:
        by_id.setdefault(post.id, post)
    return tuple(by_id.values())


def feed_documents(path: Path) -> list[FeedDocument]:
    """The saved feeds behind a `path:` option (a file or a folder of them)."""
    return [FeedDocument(p.read_bytes(), origin=str(p)) for p in saved_files(path)]
