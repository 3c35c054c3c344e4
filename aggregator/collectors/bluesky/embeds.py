"""Bluesky embed views (``app.bsky.embed.*#view``) to media, link cards and quotes.

Every embed type the AppView serves is read: images, gallery, video, external link cards,
quoted records and record-with-media, including the not-found / blocked / detached quote
variants. Anything else (a type added after this was written, a feed generator or list
card) becomes a link to the original post, so nothing is silently lost and nothing crashes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias

from atproto_client import models

from aggregator.models import LinkCard, Media, MediaKind
from aggregator.sanitize import is_web_url, web_url_or_empty

QuotedView: TypeAlias = models.AppBskyEmbedRecord.ViewRecord


@dataclass(frozen=True)
class EmbedParts:
    media: tuple[Media, ...] = ()
    card: LinkCard | None = None
    links: tuple[str, ...] = ()  # http(s) URLs the embed points to
    quote: QuotedView | None = None  # the quoted post, when the AppView could show it
    quote_id: str = ""  # the quoted record's at:// URI, even when it could not
    unavailable: str = ""  # why a quoted post is missing: "not found", "blocked", "detached"


def embed_parts(embed: Any, original_url: str) -> EmbedParts:
    """What one post's ``embed`` view holds. ``original_url`` is where unknown kinds are seen."""
    if embed is None:
        return EmbedParts()
    if isinstance(embed, models.AppBskyEmbedRecordWithMedia.View):
        record = _record_parts(embed.record, original_url)
        media = embed_parts(embed.media, original_url)
        return EmbedParts(
            media=media.media,
            card=media.card,
            links=media.links,
            quote=record.quote,
            quote_id=record.quote_id,
            unavailable=record.unavailable,
        )
    if isinstance(embed, models.AppBskyEmbedRecord.View):
        return _record_parts(embed, original_url)
    if isinstance(embed, models.AppBskyEmbedExternal.View):
        return _external_parts(embed.external)
    return EmbedParts(media=_media(embed, original_url))


def quoted_embeds(view: QuotedView) -> Any:
    """A quoted post carries its own embeds as a list; the first one is its main embed."""
    return view.embeds[0] if view.embeds else None


def _media(embed: Any, original_url: str) -> tuple[Media, ...]:
    if isinstance(embed, models.AppBskyEmbedImages.View):
        return tuple(_image(i.fullsize, i.thumb, i.alt, i.aspect_ratio) for i in embed.images)
    if isinstance(embed, models.AppBskyEmbedGallery.View):
        return tuple(
            _image(i.fullsize, i.thumbnail, i.alt, i.aspect_ratio)
            for i in embed.items
            if isinstance(i, models.AppBskyEmbedGallery.ViewImage)
        )
    if isinstance(embed, models.AppBskyEmbedVideo.View):
        width, height = _size(embed.aspect_ratio)
        kind: MediaKind = "gif" if embed.presentation == "gif" else "video"
        playlist, thumb = web_url_or_empty(embed.playlist), web_url_or_empty(embed.thumbnail)
        return (Media(kind, playlist, embed.alt or "", thumb, width, height),)
    return (_link_to_original(embed, original_url),)


def _link_to_original(embed: Any, original_url: str) -> Media:
    return Media("link", original_url, f"Embedded content ({_type_name(embed)}): see the original post")


def _image(fullsize: str, thumb: str, alt: str, ratio: Any) -> Media:
    width, height = _size(ratio)
    return Media("image", web_url_or_empty(fullsize), alt or "", web_url_or_empty(thumb), width, height)


def _size(ratio: models.AppBskyEmbedDefs.AspectRatio | None) -> tuple[int | None, int | None]:
    return (ratio.width, ratio.height) if ratio is not None else (None, None)


def _external_parts(external: models.AppBskyEmbedExternal.ViewExternal) -> EmbedParts:
    if not is_web_url(external.uri):
        return EmbedParts()
    card = LinkCard(external.uri, external.title or "", external.description or "", web_url_or_empty(external.thumb))
    return EmbedParts(card=card, links=(external.uri,))


def _record_parts(view: models.AppBskyEmbedRecord.View, original_url: str) -> EmbedParts:
    record = view.record
    if isinstance(record, models.AppBskyEmbedRecord.ViewRecord):
        if isinstance(record.value, models.AppBskyFeedPost.Record):
            return EmbedParts(quote=record, quote_id=record.uri)
        return EmbedParts(quote_id=record.uri)
    for kind, reason in _UNAVAILABLE:
        if isinstance(record, kind):
            return EmbedParts(quote_id=record.uri, unavailable=reason)
    # a feed generator, list, labeler or starter pack card, or a type unknown to us
    return EmbedParts(media=(_link_to_original(record, original_url),))


_UNAVAILABLE: tuple[tuple[type[Any], str], ...] = (
    (models.AppBskyEmbedRecord.ViewNotFound, "not found"),
    (models.AppBskyEmbedRecord.ViewBlocked, "blocked"),
    (models.AppBskyEmbedRecord.ViewDetached, "detached"),
)


def _type_name(embed: Any) -> str:
    name = getattr(embed, "py_type", None)
    if name is None:
        try:
            name = embed["$type"]
        except (KeyError, TypeError):
            name = type(embed).__name__
    return str(name)


def merged_links(*groups: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(link for group in groups for link in group if is_web_url(link)))
