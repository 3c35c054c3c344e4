"""What the about page says about the archive's sources: their public addresses and their health.

Which addresses are shown (also in the README, "Reading the site"): only what anyone could open
without an account. A feed's address without user name, password, query string or fragment (a
private feed's key usually sits in its query); a Mastodon server's public tag timeline; a
Bluesky hashtag or text search. Never a token, a password, an environment variable's value, a
list's or custom feed's at:// URI (lists can be private), nor the path of a saved capture.

Health is the store's record of each source's attempts (:meth:`PostStore.source_health`, the same
that `aggregator status` shows), read in :func:`stored_health` alone. The page shows what a reader
should see change (a source failing, since when, why; when it last worked), never the time of each
successful read: that would rebuild the site after every collect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlsplit, urlunsplit

from aggregator.collectors import SourceOptions
from aggregator.store import health as stored
from aggregator.store.protocol import PostStore


@dataclass(frozen=True)
class SourceHealth:
    name: str
    type: str  # bluesky, mastodon, feed
    addresses: tuple[str, ...]  # public addresses only (see the module's docstring)
    enabled: bool
    # When it last worked, only while it fails: a read that works and brings nothing new must not
    # change the site (`aggregator status` shows the time of every read).
    last_success: datetime | None
    last_error: str  # empty when the last read succeeded
    failing_since: datetime | None = None  # the first failure since the last success
    rate_limited_until: datetime | None = None  # its server asked us to wait until then
    posts: int = 0  # live posts it collected
    read_ok: bool = False  # it was read successfully at least once


@dataclass(frozen=True)
class ArchiveFacts:
    """What the about page reports beyond the digest itself."""

    sources: tuple[SourceHealth, ...] = ()
    removed_posts: int = 0  # stored posts kept off the site: deleted by their authors or opted out


def archive_facts(sources: tuple[SourceOptions, ...], hashtags: tuple[str, ...], store: PostStore) -> ArchiveFacts:
    known = stored_health(store)
    health = tuple(_health(options, hashtags, known.get(options.label())) for options in sources)
    return ArchiveFacts(sources=health, removed_posts=store.count(include_deleted=True) - store.count())


def stored_health(store: PostStore) -> dict[str, stored.SourceHealth]:
    """The store's record of every source's last reads, by source name."""
    return {health.name: health for health in store.source_health()}


def _health(options: SourceOptions, hashtags: tuple[str, ...], known: stored.SourceHealth | None) -> SourceHealth:
    troubled = known is not None and known.troubled
    return SourceHealth(
        name=options.label(),
        type=options.type,
        addresses=public_addresses(options, hashtags),
        enabled=options.enabled,
        read_ok=known is not None and known.last_success is not None,
        last_success=known.last_success if known and troubled else None,
        last_error=known.last_error if known else "",
        failing_since=known.failing_since if known else None,
        rate_limited_until=known.rate_limited_until if known else None,
        posts=known.posts if known else 0,
    )


def public_addresses(options: SourceOptions, conference_hashtags: tuple[str, ...]) -> tuple[str, ...]:
    """The addresses of ``options`` anyone may open; none for a saved capture or a private kind."""
    if options.path is not None:
        return ()
    tags = tuple(tag.lstrip("#").lower() for tag in getattr(options, "hashtags", ()) if tag.strip("#"))
    if options.type == "feed":
        return _public_feed_address(getattr(options, "url", None) or "")
    if options.type == "mastodon":
        hosts = (_host(instance) for instance in getattr(options, "instances", ()))
        return tuple(f"https://{host}/tags/{quote(tag)}" for host in hosts if host for tag in tags or conference_hashtags)
    if options.type == "bluesky":
        return _bluesky_searches(options, tags or conference_hashtags)
    return ()


def _public_feed_address(url: str) -> tuple[str, ...]:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ()
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return (urlunsplit((parts.scheme, host, parts.path, "", "")),)


def _bluesky_searches(options: SourceOptions, tags: tuple[str, ...]) -> tuple[str, ...]:
    if getattr(options, "feed", "") or getattr(options, "list", "") or getattr(options, "accounts", ()):
        return ()  # what a feed, list or account set reads is not a public search
    text = str(getattr(options, "query", "")).strip()
    terms = [f"#{tag} {text}".strip() for tag in tags] if tags else [text] if text else []
    return tuple(f"https://bsky.app/search?q={quote(term)}" for term in terms)


def _host(instance: str) -> str:
    instance = instance.strip()
    parts = urlsplit(instance if "://" in instance else f"https://{instance}")
    return parts.hostname or ""
