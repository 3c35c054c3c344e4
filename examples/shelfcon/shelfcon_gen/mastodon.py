"""Writes drafts as Mastodon Status entities, as glam.example's API returns them (newest first)."""
from __future__ import annotations

import hashlib
from datetime import datetime
from html import escape
from typing import Any

from . import ids
from .drafts import Card, Draft
from .people import MASTODON, MASTODON_HOME, MastodonAccount
from .richtext import segments

_BLURHASH = "UBL_:rOpGG-;~qRjWBay4nj[M{of~qWBj[of"


def _number(seed: str, low: int, high: int) -> int:
    return low + int(hashlib.sha256(seed.encode()).hexdigest(), 16) % (high - low + 1)


def local_id(draft: Draft) -> str:
    """The id glam.example gives the status (remote statuses get a local id too)."""
    return ids.mastodon_id(draft.at, "local:" + draft.key)


def status_uri(draft: Draft) -> str:
    """The status's ActivityPub id on its origin server: the post's stable original identifier."""
    account = MASTODON[draft.author]
    origin_id = local_id(draft) if account.is_local else ids.mastodon_id(draft.at, "origin:" + draft.key)
    return f"https://{account.domain}/users/{account.username}/statuses/{origin_id}"


def status_url(draft: Draft) -> str:
    account = MASTODON[draft.author]
    return f"{account.profile_url}/{status_uri(draft).rsplit('/', 1)[-1]}"


def _link_html(url: str) -> str:
    scheme, rest = url.split("://", 1)
    visible, hidden = rest[:30], rest[30:]
    ellipsis = "ellipsis" if hidden else ""
    return (f'<a href="{escape(url)}" target="_blank" rel="nofollow noopener noreferrer" translate="no">'
            f'<span class="invisible">{scheme}://</span><span class="{ellipsis}">{escape(visible)}</span>'
            f'<span class="invisible">{escape(hidden)}</span></a>')


def _mention_html(account: MastodonAccount) -> str:
    return (f'<span class="h-card" translate="no"><a href="{account.profile_url}" class="u-url mention">'
            f'@<span>{account.username}</span></a></span>')


def content_html(text: str, mentioned: MastodonAccount | None) -> str:
    """Mastodon's rendering of a status: paragraphs, hashtag links, shortened links, h-card mentions."""
    paragraphs = []
    for n, paragraph in enumerate(text.split("\n\n")):
        html = _mention_html(mentioned) + " " if mentioned and n == 0 else ""
        for part in segments(paragraph):
            if part.kind == "tag":
                html += (f'<a href="https://{MASTODON_HOME}/tags/{part.value.lower()}" class="mention hashtag" '
                         f'rel="tag">#<span>{escape(part.value)}</span></a>')
            elif part.kind == "url":
                html += _link_html(part.value)
            else:
                html += escape(part.text, quote=False).replace("\n", "<br />")
        paragraphs.append(f"<p>{html}</p>")
    return "".join(paragraphs)


def _account(account: MastodonAccount, statuses: int) -> dict[str, Any]:
    avatar = f"https://{MASTODON_HOME}/system/accounts/avatars/{account.local_id}/original/avatar.png"
    return {
        "id": account.local_id,
        "username": account.username,
        "acct": account.acct,
        "display_name": account.display_name,
        "locked": False,
        "bot": False,
        "discoverable": True,
        "group": False,
        "created_at": ids.utc_z(account.joined.replace(hour=0, minute=0)),
        "note": account.note,
        "url": account.profile_url,
        "uri": f"https://{account.domain}/users/{account.username}",
        "avatar": avatar,
        "avatar_static": avatar,
        "header": f"https://{MASTODON_HOME}/headers/original/missing.png",
        "header_static": f"https://{MASTODON_HOME}/headers/original/missing.png",
        "followers_count": _number("followers:" + account.acct, 80, 2400),
        "following_count": _number("following:" + account.acct, 60, 900),
        "statuses_count": statuses + _number("statuses:" + account.acct, 150, 4000),
        "last_status_at": "2026-06-12",
        "emojis": [],
        "fields": [],
    }


def _media(draft: Draft) -> list[dict[str, Any]]:
    attachments = []
    for n, image in enumerate(draft.images):
        media_id = str(int(local_id(draft)) + n + 1)
        path = f"https://{MASTODON_HOME}/system/media_attachments/files/{media_id[:3]}/{media_id[3:6]}/{media_id[6:9]}"
        small_height = round(400 * image.height / image.width)
        file_name = f"{hashlib.sha256(media_id.encode()).hexdigest()[:16]}.jpeg"
        account = MASTODON[draft.author]
        origin = None if account.is_local else f"https://{account.domain}/media/original/{file_name}"
        attachments.append({
            "id": media_id,
            "type": "image",
            "url": f"{path}/original/{file_name}",
            "preview_url": f"{path}/small/{file_name}",
            "remote_url": origin,
            "preview_remote_url": None,
            "text_url": None,
            "meta": {
                "original": {"width": image.width, "height": image.height,
                             "size": f"{image.width}x{image.height}", "aspect": round(image.width / image.height, 4)},
                "small": {"width": 400, "height": small_height, "size": f"400x{small_height}",
                          "aspect": round(image.width / image.height, 4)},
            },
            "description": image.alt,
            "blurhash": _BLURHASH,
        })
    return attachments


def _card(card: Card | None) -> dict[str, Any] | None:
    if card is None:
        return None
    return {
        "url": card.url, "title": card.title, "description": card.description, "language": "en", "type": "link",
        "author_name": "", "author_url": "", "provider_name": "", "provider_url": "", "html": "",
        "width": 0, "height": 0, "image": None, "image_description": "", "embed_url": "", "blurhash": None,
        "published_at": None, "authors": [],
    }


def _status(draft: Draft, by_key: dict[str, Draft], counts: dict[str, int], posted: dict[str, int]) -> dict[str, Any]:
    account = MASTODON[draft.author]
    parent = by_key.get(draft.reply_to or "")
    mentioned = MASTODON[parent.author] if parent and parent.author != draft.author else None
    tags = sorted({tag.lower() for tag in (part.value for part in segments(draft.text) if part.kind == "tag")})
    return {
        "id": local_id(draft),
        "created_at": ids.utc_z(draft.at),
        "in_reply_to_id": local_id(parent) if parent else None,
        "in_reply_to_account_id": MASTODON[parent.author].local_id if parent else None,
        "sensitive": bool(draft.spoiler),
        "spoiler_text": draft.spoiler,
        "visibility": "public",
        "language": draft.langs[0],
        "uri": status_uri(draft),
        "url": status_url(draft),
        "replies_count": counts.get(draft.key, 0),
        "reblogs_count": _number("boosts:" + draft.key, 0, 5),
        "favourites_count": _number("favs:" + draft.key, 1, 40),
        "edited_at": None,
        "content": content_html(draft.text, mentioned),
        "reblog": None,
        "account": _account(account, posted[draft.author]),
        "media_attachments": _media(draft),
        "mentions": [{"id": mentioned.local_id, "username": mentioned.username, "url": mentioned.profile_url,
                      "acct": mentioned.acct}] if mentioned else [],
        "tags": [{"name": tag, "url": f"https://{MASTODON_HOME}/tags/{tag}"} for tag in tags],
        "emojis": [],
        "card": _card(draft.card),
        "poll": None,
    }


def _boost(booster: MastodonAccount, original: dict[str, Any], at: datetime, posted: int) -> dict[str, Any]:
    boost_id = ids.mastodon_id(at, "boost:" + original["id"])
    return {
        "id": boost_id, "created_at": ids.utc_z(at), "in_reply_to_id": None, "in_reply_to_account_id": None,
        "sensitive": False, "spoiler_text": "", "visibility": "public", "language": None,
        "uri": f"https://{MASTODON_HOME}/users/{booster.username}/statuses/{boost_id}/activity",
        "url": None, "replies_count": 0, "reblogs_count": 0, "favourites_count": 0, "edited_at": None,
        "content": "", "reblog": original, "account": _account(booster, posted), "media_attachments": [],
        "mentions": [], "tags": [], "emojis": [], "card": None, "poll": None,
    }


def statuses(drafts: list[Draft], boost: tuple[str, str, datetime]) -> list[dict[str, Any]]:
    """The tag timeline of #shelfcon26 plus the reply threads, newest first, with one boost mixed in."""
    posts = [draft for draft in drafts if draft.source == "mastodon"]
    by_key = {draft.key: draft for draft in posts}
    counts: dict[str, int] = {}
    posted: dict[str, int] = {}
    for draft in posts:
        if draft.reply_to:
            counts[draft.reply_to] = counts.get(draft.reply_to, 0) + 1
        posted[draft.author] = posted.get(draft.author, 0) + 1
    entries = [(draft.at, _status(draft, by_key, counts, posted)) for draft in posts]
    booster, original_key, boosted_at = boost
    original = next(status for at, status in entries if status["id"] == local_id(by_key[original_key]))
    entries.append((boosted_at, _boost(MASTODON[booster], original, boosted_at, posted.get(booster, 0))))
    return [status for _, status in sorted(entries, key=lambda pair: pair[0], reverse=True)]
