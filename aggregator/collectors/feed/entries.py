"""feedparser's view of one RSS/Atom entry in, a normalized :class:`~aggregator.models.Post` out.

Only this module and :mod:`aggregator.collectors.feed.collector` know feedparser's shapes.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_tz
from typing import Any
from urllib.parse import urljoin, urlsplit

from aggregator.collectors import in_utc, normalize_tag
from aggregator.models import Author, Media, Post
from aggregator.sanitize import (
    ImageRef,
    clean_html,
    html_to_text,
    is_safe_url,
    is_showable_time,
    references,
    text_to_html,
)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg")
# A hashtag in running text: not part of a word or URL fragment, and not only digits ("#1").
_TEXT_HASHTAG = re.compile(r"(?<![\w/&#])#(\w*[^\W\d_]\w*)")
_WHITESPACE = re.compile(r"\s+")
# An RFC 822 date whose time has no zone after it ("Thu, 10 Jun 2027 09:30:00").
_RFC822_WITHOUT_ZONE = re.compile(r"^(?:[A-Za-z]{3},?\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?$")
ENTRY_DATE_KEYS = ("published", "updated", "created")
FEED_DATE_KEYS = ("updated", "published")


@dataclass(frozen=True)
class FeedInfo:
    """What an entry inherits from its feed."""

    base_url: str  # where the feed was read from ("" for a local file)
    home: str  # the site's own address (channel <link>)
    title: str
    author: str  # feed-level author, or the curator's `author:` option
    language: str
    updated: datetime | None
    timezone: str  # the conference's: a date written without a zone is its local time


@dataclass(frozen=True)
class FeedEntry:
    post: Post
    categories: frozenset[str]  # the entry's category terms, compared with `categories:` filters


def feed_info(feed: Mapping[str, Any], base_url: str, default_author: str, timezone: str) -> FeedInfo:
    home = _absolute(feed.get("link", ""), base_url)
    home = home if is_safe_url(home) else ""  # it stands in for entries' own unsafe links
    author = default_author or _author_name(feed) or html_to_text(feed.get("title", ""))
    return FeedInfo(
        base_url=base_url,
        home=home,
        title=html_to_text(feed.get("title", "")),
        author=author,
        language=feed.get("language", "") or "",
        updated=_dated(feed, FEED_DATE_KEYS, timezone),
        timezone=timezone,
    )


def entry_to_post(entry: Mapping[str, Any], feed: FeedInfo) -> FeedEntry | None:
    """Normalize one entry; None when it has no date at all (it could not be placed in time)."""
    created_at = _dated(entry, ENTRY_DATE_KEYS, feed.timezone) or feed.updated
    if created_at is None:
        return None
    link = _absolute(entry.get("link", ""), feed.base_url or feed.home)
    url = link if is_safe_url(link) else feed.home
    body, body_base = _raw_body(entry)
    page = link or feed.base_url or feed.home
    html = clean_html(body, base_url=_absolute(body_base, page) or page)
    categories = _categories(entry)
    text = html_to_text(html)
    found = references(html)
    title = _plain_title(entry)
    post = Post(
        id=_entry_id(entry, link, feed, title, created_at),
        source="feed",
        url=url,
        author=_author(entry, feed),
        created_at=created_at,
        text=text,
        html=html,
        title=title,
        lang=_language(entry) or feed.language,
        hashtags=_hashtags(categories, f"{title}\n{text}"),
        links=tuple(href for href in found.links if href != url),
        media=_images(entry, found.images, link),
    )
    return FeedEntry(post=post, categories=frozenset(category_key(c) for c in categories))


def category_key(term: str) -> str:
    """How category terms are compared: case-insensitive, whitespace-insensitive, without '#'."""
    return _WHITESPACE.sub("", normalize_tag(term))


def _entry_id(entry: Mapping[str, Any], link: str, feed: FeedInfo, title: str, created_at: datetime) -> str:
    explicit = (entry.get("id") or "").strip()
    if explicit:
        return explicit
    if link:
        return link
    # Neither guid nor link: a content hash keeps the id stable from one run to the next.
    digest = hashlib.sha1(f"{title}\n{created_at.isoformat()}".encode()).hexdigest()[:20]
    return f"{feed.base_url or feed.home or 'feed'}#entry-{digest}"


def _dated(item: Mapping[str, Any], keys: tuple[str, ...], timezone: str) -> datetime | None:
    """The first of ``keys`` that holds a readable date, in UTC."""
    for key in keys:
        moment = _zone_less(item.get(key), timezone) or _struct_to_datetime(item.get(f"{key}_parsed"))
        if moment is not None and is_showable_time(moment):
            return moment
    return None


def _zone_less(raw: str | None, timezone: str) -> datetime | None:
    """A date written without a zone, read in ``timezone``; None for any other.

    feedparser cannot read such an RFC 822 date at all, and takes such an ISO 8601 one for UTC.
    """
    text = (raw or "").strip()
    return in_utc(_naive_iso(text) or _naive_rfc822(text), timezone)


def _naive_iso(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is None else None


def _naive_rfc822(text: str) -> datetime | None:
    parts = parsedate_tz(text) if _RFC822_WITHOUT_ZONE.match(text) else None
    if parts is None:
        return None
    try:
        return datetime(*parts[:6])
    except ValueError:  # e.g. 31 Feb
        return None


def _struct_to_datetime(value: time.struct_time | None) -> datetime | None:
    # feedparser converts every date it understands to a UTC struct_time.
    if value is None:
        return None
    return datetime(*value[:6], tzinfo=UTC)


def _raw_body(entry: Mapping[str, Any]) -> tuple[str, str]:
    """The richest HTML the entry offers (content:encoded / atom:content, else the summary), and the
    xml:base in force where it was written ("" when none): its relative links are relative to that."""
    contents = [c for c in entry.get("content", ()) if c.get("value")]
    html_contents = [c for c in contents if c.get("type", "") in HTML_TYPES]
    chosen = max(html_contents or contents, key=lambda c: len(c["value"]), default=None)
    if chosen is None:
        summary = entry.get("summary_detail") or {}
        chosen = {"type": summary.get("type", "text/html"), "value": entry.get("summary", ""), "base": summary.get("base")}
    base = chosen.get("base") or ""
    if chosen.get("type", "") in HTML_TYPES:
        return chosen["value"], base
    return text_to_html(chosen["value"]), base


def _plain_title(entry: Mapping[str, Any]) -> str:
    detail = entry.get("title_detail") or {}
    title = entry.get("title", "") or ""
    return html_to_text(title) if detail.get("type", "") in HTML_TYPES else _WHITESPACE.sub(" ", title).strip()


def _author(entry: Mapping[str, Any], feed: FeedInfo) -> Author:
    detail = entry.get("author_detail") or {}
    name = _author_name(entry) or feed.author or "unknown author"
    site = urlsplit(feed.home or feed.base_url).netloc
    profile = detail.get("href", "") if is_safe_url(detail.get("href", "")) else ""
    # Names alone collide across blogs ("admin"), so the id carries the site it writes for.
    author_id = f"{name} <{site}>" if site else name
    return Author(id=author_id, handle=name, display_name=name, url=profile or feed.home)


def _author_name(item: Mapping[str, Any]) -> str:
    detail = item.get("author_detail") or {}
    name = detail.get("name") or item.get("author") or ""
    return _WHITESPACE.sub(" ", html_to_text(name)).strip()


def _language(entry: Mapping[str, Any]) -> str:
    for detail in (*entry.get("content", ()), entry.get("summary_detail") or {}):
        if detail.get("language"):
            return str(detail["language"])
    return ""


def _categories(entry: Mapping[str, Any]) -> tuple[str, ...]:
    terms = (tag.get("term") or tag.get("label") or "" for tag in entry.get("tags", ()))
    return tuple(dict.fromkeys(t.strip() for t in terms if t and t.strip()))


def _hashtags(categories: tuple[str, ...], text: str) -> tuple[str, ...]:
    from_categories = (category_key(c) for c in categories)
    from_text = (normalize_tag(m) for m in _TEXT_HASHTAG.findall(text))
    return tuple(dict.fromkeys(t for t in (*from_categories, *from_text) if t))


def _images(entry: Mapping[str, Any], in_body: tuple[ImageRef, ...], link: str) -> tuple[Media, ...]:
    media = {ref.src: Media("image", ref.src, ref.alt, width=ref.width, height=ref.height) for ref in in_body}
    for url, alt in _attached_images(entry):
        absolute = _absolute(url, link)
        if is_safe_url(absolute) and absolute not in media:
            media[absolute] = Media("image", absolute, alt)
    return tuple(media.values())


def _attached_images(entry: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Images attached outside the body: Media RSS content/thumbnails and image enclosures."""
    alt = html_to_text(entry.get("media_description", "") or "")
    found = [(item.get("url", ""), alt) for item in entry.get("media_content", ()) if _is_image(item, "url")]
    if not found:
        found.extend((item.get("url", ""), alt) for item in entry.get("media_thumbnail", ()))
    found.extend((item.get("href", ""), "") for item in entry.get("enclosures", ()) if _is_image(item, "href"))
    return [(url, text) for url, text in found if url]


def _is_image(item: Mapping[str, Any], url_key: str) -> bool:
    declared = item.get("medium") == "image" or str(item.get("type", "")).startswith("image/")
    return declared or urlsplit(str(item.get(url_key, ""))).path.lower().endswith(IMAGE_SUFFIXES)


def _absolute(url: str, base: str) -> str:
    url = (url or "").strip()
    return urljoin(base, url) if base and url else url
