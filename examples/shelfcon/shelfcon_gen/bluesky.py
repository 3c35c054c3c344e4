"""Writes drafts as `app.bsky.feed.searchPosts` response pages (postViews, newest first, cursor-paged)."""
from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from . import ids
from .drafts import Draft, Image
from .people import BLUESKY, OPT_OUT_LABEL, BlueskyAccount
from .richtext import segments
from .sessions import TIMEZONE

PAGE_SIZE = 60
CDN = "https://cdn.bsky.app/img"
_SHORT_LINK = 28


def _number(seed: str, low: int, high: int) -> int:
    return low + int(hashlib.sha256(seed.encode()).hexdigest(), 16) % (high - low + 1)


def post_uri(draft: Draft) -> str:
    account = BLUESKY[draft.author]
    return f"at://{account.did}/app.bsky.feed.post/{ids.tid(draft.at, draft.key)}"


def post_cid(draft: Draft) -> str:
    return ids.record_cid("post:" + draft.key)


def short_link(url: str) -> str:
    shown = url.split("://", 1)[-1]
    return shown if len(shown) <= _SHORT_LINK else shown[: _SHORT_LINK - 3] + "..."


def _facet(start: int, end: int, feature: dict[str, Any]) -> dict[str, Any]:
    return {"$type": "app.bsky.richtext.facet", "features": [feature], "index": {"byteEnd": end, "byteStart": start}}


def richtext(text: str) -> tuple[str, list[dict[str, Any]]]:
    """The text as a Bluesky client posts it (links shortened) and its facets with UTF-8 byte offsets."""
    handles = {account.handle: account.did for account in BLUESKY.values()}
    shown = ""
    facets = []
    for part in segments(text):
        piece = short_link(part.value) if part.kind == "url" else part.text
        start = len(shown.encode("utf-8"))
        shown += piece
        end = len(shown.encode("utf-8"))
        if part.kind == "url":
            facets.append(_facet(start, end, {"$type": "app.bsky.richtext.facet#link", "uri": part.value}))
        elif part.kind == "tag":
            facets.append(_facet(start, end, {"$type": "app.bsky.richtext.facet#tag", "tag": part.value}))
        elif part.kind == "mention" and part.value in handles:
            facets.append(_facet(start, end, {"$type": "app.bsky.richtext.facet#mention", "did": handles[part.value]}))
    return shown, facets


def _blob(seed: str, mime: str = "image/jpeg") -> dict[str, Any]:
    return {"$type": "blob", "ref": {"$link": ids.blob_cid(seed)}, "mimeType": mime,
            "size": _number(seed, 90_000, 480_000)}


def _image_seed(draft: Draft, image: Image) -> str:
    return f"image:{draft.key}:{image.alt}"


def _record_embed(draft: Draft, by_key: dict[str, Draft]) -> dict[str, Any] | None:
    if draft.images:
        return {"$type": "app.bsky.embed.images", "images": [
            {"alt": image.alt, "aspectRatio": {"height": image.height, "width": image.width},
             "image": _blob(_image_seed(draft, image))}
            for image in draft.images
        ]}
    if draft.card:
        return {"$type": "app.bsky.embed.external", "external": {
            "description": draft.card.description, "thumb": _blob("thumb:" + draft.card.url),
            "title": draft.card.title, "uri": draft.card.url}}
    if draft.quote_of:
        quoted = by_key[draft.quote_of]
        return {"$type": "app.bsky.embed.record", "record": {"cid": post_cid(quoted), "uri": post_uri(quoted)}}
    return None


def _embed_view(draft: Draft, by_key: dict[str, Draft], counts: dict[str, dict[str, int]]) -> dict[str, Any] | None:
    did = BLUESKY[draft.author].did
    if draft.images:
        return {"$type": "app.bsky.embed.images#view", "images": [
            {"thumb": f"{CDN}/feed_thumbnail/plain/{did}/{ids.blob_cid(_image_seed(draft, image))}@jpeg",
             "fullsize": f"{CDN}/feed_fullsize/plain/{did}/{ids.blob_cid(_image_seed(draft, image))}@jpeg",
             "alt": image.alt, "aspectRatio": {"height": image.height, "width": image.width}}
            for image in draft.images
        ]}
    if draft.card:
        thumb = f"{CDN}/feed_thumbnail/plain/{did}/{ids.blob_cid('thumb:' + draft.card.url)}@jpeg"
        return {"$type": "app.bsky.embed.external#view", "external": {
            "uri": draft.card.url, "title": draft.card.title, "description": draft.card.description,
            "thumb": thumb}}
    if draft.quote_of:
        quoted = by_key[draft.quote_of]
        view: dict[str, Any] = {
            "$type": "app.bsky.embed.record#viewRecord", "uri": post_uri(quoted), "cid": post_cid(quoted),
            "author": _author(BLUESKY[quoted.author]), "value": _record(quoted, by_key),
            "labels": [], "indexedAt": _indexed_at(quoted), **counts[quoted.key],
        }
        return {"$type": "app.bsky.embed.record#view", "record": view}
    return None


def _created_at(draft: Draft) -> str:
    if draft.local_offset:
        # Some clients send local time with an offset and microseconds instead of UTC `Z`.
        return draft.at.astimezone(TIMEZONE).isoformat(timespec="microseconds")
    return ids.utc_z(draft.at)


def _indexed_at(draft: Draft) -> str:
    return ids.utc_z(draft.at + timedelta(milliseconds=_number("indexed:" + draft.key, 300, 2600)))


def _record(draft: Draft, by_key: dict[str, Draft]) -> dict[str, Any]:
    text, facets = richtext(draft.text)
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "createdAt": _created_at(draft)}
    embed = _record_embed(draft, by_key)
    if embed:
        record["embed"] = embed
    if facets:
        record["facets"] = facets
    record["langs"] = list(draft.langs)
    if draft.reply_to and draft.root:
        parent, root = by_key[draft.reply_to], by_key[draft.root]
        record["reply"] = {"parent": {"cid": post_cid(parent), "uri": post_uri(parent)},
                           "root": {"cid": post_cid(root), "uri": post_uri(root)}}
    if draft.hidden_tags:
        record["tags"] = list(draft.hidden_tags)
    record["text"] = text
    return record


def _author(account: BlueskyAccount) -> dict[str, Any]:
    labels = []
    if account.opted_out:
        labels.append({
            "src": account.did, "uri": f"at://{account.did}/app.bsky.actor.profile/self",
            "cid": ids.record_cid("profile:" + account.handle), "val": OPT_OUT_LABEL,
            "cts": ids.utc_z(account.joined),
        })
    return {
        "did": account.did,
        "handle": account.handle,
        "displayName": account.display_name,
        "avatar": f"{CDN}/avatar/plain/{account.did}/{ids.blob_cid('avatar:' + account.handle)}@jpeg",
        "labels": labels,
        "createdAt": ids.utc_z(account.joined),
    }


def _counts(drafts: list[Draft]) -> dict[str, dict[str, int]]:
    replies = {draft.key: 0 for draft in drafts}
    quotes = dict(replies)
    for draft in drafts:
        if draft.reply_to:
            replies[draft.reply_to] += 1
        if draft.quote_of:
            quotes[draft.quote_of] += 1
    return {
        draft.key: {
            "replyCount": replies[draft.key],
            "repostCount": _number("reposts:" + draft.key, 0, 6),
            "likeCount": _number("likes:" + draft.key, 2, 48),
            "quoteCount": quotes[draft.key],
        }
        for draft in drafts
    }


def post_view(draft: Draft, by_key: dict[str, Draft], counts: dict[str, dict[str, int]]) -> dict[str, Any]:
    view: dict[str, Any] = {
        "uri": post_uri(draft),
        "cid": post_cid(draft),
        "author": _author(BLUESKY[draft.author]),
        "record": _record(draft, by_key),
    }
    embed = _embed_view(draft, by_key, counts)
    if embed:
        view["embed"] = embed
    view.update(counts[draft.key])
    view["indexedAt"] = _indexed_at(draft)
    view["labels"] = []
    return view


def search_pages(drafts: list[Draft]) -> list[dict[str, Any]]:
    """The pages a `searchPosts?q=#shelfcon26&sort=latest&limit=60` walk returns, newest first."""
    posts = [draft for draft in drafts if draft.source == "bluesky"]
    by_key = {draft.key: draft for draft in posts}
    counts = _counts(posts)
    newest_first = sorted(posts, key=lambda draft: draft.at, reverse=True)
    pages = []
    for offset in range(0, len(newest_first), PAGE_SIZE):
        chunk = newest_first[offset: offset + PAGE_SIZE]
        page: dict[str, Any] = {"posts": [post_view(draft, by_key, counts) for draft in chunk]}
        if offset + PAGE_SIZE < len(newest_first):
            page["cursor"] = str(offset + PAGE_SIZE)
        pages.append(page)
    return pages
