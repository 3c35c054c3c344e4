"""Bluesky post views to the common :class:`~aggregator.models.Post`, plus who may be published.

Pure functions over validated SDK models: no network, no state. :func:`post_from_view`
accepts a feed ``postView`` or the ``viewRecord`` of a quoted post.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeAlias

from atproto_client import models
from atproto_core.uri import AtUri

from aggregator.collectors import normalize_tag
from aggregator.collectors.bluesky.embeds import embed_parts, merged_links, quoted_embeds
from aggregator.collectors.bluesky.richtext import profile_url, render_rich_text
from aggregator.models import Author, Post
from aggregator.sanitize import is_showable_time, web_url_or_empty

PostLike: TypeAlias = models.AppBskyFeedDefs.PostView | models.AppBskyEmbedRecord.ViewRecord
Profile = Any  # any app.bsky.actor.defs#profileView* (basic, plain or detailed)

OPT_OUT_LABEL = "!no-unauthenticated"  # "do not show my content to logged-out visitors"
SENSITIVE_LABELS = frozenset({"porn", "sexual", "nudity", "graphic-media", "gore"})
HIDE_LABELS = frozenset({"!hide", "!takedown"})
NOBOT = re.compile(r"(?<!\w)#nobots?(?!\w)", re.IGNORECASE)
INVALID_HANDLE = "handle.invalid"
POST_URL = "https://bsky.app/profile/{}/post/{}"
CACHED = 65_536  # authors and post times kept: a big conference's accounts, and one run's posts


def post_from_view(view: PostLike) -> Post | None:
    """Normalize one post view; None when its record is not an ``app.bsky.feed.post``."""
    record = _record(view)
    if not isinstance(record, models.AppBskyFeedPost.Record):
        return None
    author = author_from_profile(view.author)
    url = POST_URL.format(author.handle, AtUri.from_str(view.uri).rkey)
    rich = render_rich_text(record.text, record.facets)
    embed = embed_parts(_embed(view), url)
    quote = _quoted_post(embed.quote)
    return Post(
        id=view.uri,
        source="bluesky",
        url=url,
        author=author,
        created_at=post_time(record.created_at, view.indexed_at),
        text=record.text,
        html=rich.html,
        lang=record.langs[0] if record.langs else "",
        hashtags=_hashtags(rich.hashtags, record.tags),
        links=merged_links(rich.links, embed.links),
        mentions=rich.mentions,
        media=embed.media,
        card=embed.card,
        quote=quote,
        quote_id=embed.quote_id,
        reply_parent=record.reply.parent.uri if record.reply else "",
        reply_root=record.reply.root.uri if record.reply else "",
        labels=label_values(view),
        canonical_url=_bridged_original(record),
        like_count=_count(getattr(view, "like_count", None)),
        repost_count=_count(getattr(view, "repost_count", None)),
        reply_count=_count(getattr(view, "reply_count", None)),
    )


def _count(value: Any) -> int:
    """An engagement count from the AppView; 0 when absent or not a sane number."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _bridged_original(record: models.AppBskyFeedPost.Record) -> str:
    """Bridgy Fed marks the Bluesky copy of a fediverse or blog post with the original's address."""
    original = (record.model_extra or {}).get("bridgyOriginalUrl")
    return original if isinstance(original, str) and original.startswith(("http://", "https://")) else ""


def _quoted_post(view: models.AppBskyEmbedRecord.ViewRecord | None) -> Post | None:
    """The quoted post, unless its author opted out (then only ``quote_id`` is kept)."""
    if view is None or author_opted_out(view.author):
        return None
    return post_from_view(view)


def author_from_profile(profile: Profile) -> Author:
    return _author(profile.did, profile.handle, profile.display_name, profile.avatar)


@lru_cache(maxsize=CACHED)  # an author's posts all carry the same profile view: one Author for them
def _author(did: str, handle: str | None, display_name: str | None, avatar: str | None) -> Author:
    public_handle = _public_handle(did, handle)
    return Author(
        id=did,
        handle=public_handle,
        display_name=(display_name or "").strip(),
        url=profile_url(public_handle),
        avatar=web_url_or_empty(avatar),
    )


def author_opted_out(profile: Profile) -> bool:
    """The author asked not to be shown to logged-out readers, or put #nobot in their bio."""
    if any(label.val == OPT_OUT_LABEL and not label.neg for label in profile.labels or ()):
        return True
    description = getattr(profile, "description", None)
    return isinstance(description, str) and NOBOT.search(description) is not None


def label_values(view: PostLike) -> tuple[str, ...]:
    """Labels on the post (self-labels and labellers'), negations removed."""
    values = [label.val for label in view.labels or () if not label.neg]
    record = _record(view)
    self_labels = getattr(record, "labels", None)
    if isinstance(self_labels, models.ComAtprotoLabelDefs.SelfLabels):
        values.extend(label.val for label in self_labels.values)
    negated = {label.val for label in view.labels or () if label.neg}
    return tuple(dict.fromkeys(v for v in values if v not in negated))


def sensitive_labels(post: Post) -> tuple[str, ...]:
    return tuple(label for label in post.labels if label in SENSITIVE_LABELS)


def must_hide(post: Post) -> bool:
    """Moderation removed it: never shown, whatever ``sensitive:`` says."""
    return any(label in HIDE_LABELS for label in post.labels)


def post_time(created_at: Any, indexed_at: Any) -> datetime:
    """Bluesky's sort time: the author's claimed time, unless later than when the AppView saw the post.

    Raises ValueError only when neither time can be read.
    """
    moment = _earliest_readable(_text(created_at), _text(indexed_at))
    if moment is None:
        raise ValueError(f"unreadable post times {created_at!r} / {indexed_at!r}")
    return moment


@lru_cache(maxsize=CACHED)  # the window check reads a post's time before it is normalized
def _earliest_readable(*values: str) -> datetime | None:
    return min(filter(None, map(_readable_datetime, values)), default=None)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _readable_datetime(value: str) -> datetime | None:
    try:
        moment = parse_datetime(value)
    except (ValueError, OverflowError):
        return None
    return moment if is_showable_time(moment) else None


_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_datetime(value: str) -> datetime:
    """ISO 8601 as Bluesky writes it (``Z`` or an offset, 0–9 fraction digits) → aware UTC."""
    parsed = datetime.fromisoformat(_FRACTION.sub(r"\1", value.strip()))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _hashtags(facet_tags: tuple[str, ...], record_tags: list[str] | None) -> tuple[str, ...]:
    tags = (*facet_tags, *(normalize_tag(tag) for tag in record_tags or ()))
    return tuple(dict.fromkeys(tag for tag in tags if tag))


def _record(view: PostLike) -> Any:
    return view.record if isinstance(view, models.AppBskyFeedDefs.PostView) else view.value


def _embed(view: PostLike) -> Any:
    return view.embed if isinstance(view, models.AppBskyFeedDefs.PostView) else quoted_embeds(view)


def _public_handle(did: str, handle: str | None) -> str:
    handle = (handle or "").strip()
    return did if not handle or handle == INVALID_HANDLE else handle
