"""Mastodon Status entities (JSON) in, normalized :class:`~aggregator.models.Post` out.

Every field is untrusted: ``content`` is sanitized again, URLs are kept only when http(s).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from aggregator.collectors import normalize_tag
from aggregator.errors import SourceError
from aggregator.models import Author, LinkCard, Media, MediaKind, Post
from aggregator.sanitize import clean_html, html_to_text, is_showable_time, references, web_url_or_empty

Status = Mapping[str, Any]

MEDIA_KINDS: dict[str, MediaKind] = {"image": "image", "gifv": "gif", "video": "video", "audio": "audio"}
_NOBOT = re.compile(r"(?<![\w#])#nobots?\b", re.IGNORECASE)
PUBLIC_VISIBILITIES = frozenset({"public", "unlisted"})


def status_uri(status: Status) -> str:
    """The status's global identifier: the same whichever server it was read through."""
    uri = status.get("uri") or status.get("url")
    if not isinstance(uri, str) or not uri:
        raise SourceError(f"a status without uri or url (id {status.get('id')!r}): not a Mastodon Status entity")
    return uri


def status_time(status: Status) -> datetime:
    raw = str(status.get("created_at") or "")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise SourceError(f"status {status.get('uri')}: unreadable created_at {raw!r}") from exc
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    if not is_showable_time(moment):
        raise SourceError(f"status {status.get('uri')}: created_at {raw!r} lies at the edge of the calendar")
    return moment.astimezone(UTC)


def malformed(status: Status) -> str:
    """Why a Status entity (it has a uri) cannot be read: an unreadable created_at; else ""."""
    try:
        status_time(status)
    except SourceError as exc:
        return str(exc)
    return ""


def status_account(status: Status) -> Mapping[str, Any]:
    """The status's Account entity ({} when it is missing or not an object)."""
    return _mapping(status.get("account"))


def tag_names(status: Status) -> tuple[str, ...]:
    """The status's hashtags, lower-case without '#'."""
    names = (normalize_tag(str(tag.get("name", ""))) for tag in status.get("tags") or () if isinstance(tag, Mapping))
    return tuple(dict.fromkeys(name for name in names if name))


def is_boost(status: Status) -> bool:
    return status.get("reblog") is not None


def is_public(status: Status) -> bool:
    """Followers-only and direct statuses (visible to a logged-in app) are never published."""
    return status.get("visibility", "public") in PUBLIC_VISIBILITIES


def opted_out(account: Mapping[str, Any]) -> bool:
    """#nobot/#nobots in the profile (bio or fields), or the account asked not to be indexed."""
    source = _mapping(account.get("source"))
    if account.get("noindex") is True or source.get("noindex") is True:
        return True
    fields = (
        f"{item.get('name', '')} {item.get('value', '')}"
        for item in account.get("fields") or ()
        if isinstance(item, Mapping)
    )
    return _says_nobot(" ".join((str(account.get("note") or ""), str(source.get("note") or ""), *fields)))


@lru_cache(maxsize=4096)
def _says_nobot(profile: str) -> bool:
    # an account's profile comes with every one of its statuses: read each distinct one once, not once a status
    return bool(_NOBOT.search(html_to_text(profile)))


def account_id(status: Status) -> str:
    account = status_account(status)
    return str(account.get("url") or account.get("uri") or account.get("acct") or "")


def status_to_post(status: Status, *, parent_uri: str = "", root_uri: str = "") -> Post:
    """Normalize one status. ``parent_uri``/``root_uri``: what the reply points at, when known."""
    uri = status_uri(status)
    url = web_url_or_empty(status.get("url")) or web_url_or_empty(uri)
    html = clean_html(str(status.get("content") or ""), base_url=url)
    tags = status.get("tags") or ()
    mentions = status.get("mentions") or ()
    card = _card(status.get("card"))
    quoted = _quoted_status(status)
    return Post(
        id=uri,
        source="mastodon",
        url=url,
        author=_author(status_account(status)),
        created_at=status_time(status),
        text=html_to_text(html),
        html=html,
        lang=str(status.get("language") or ""),
        hashtags=tag_names(status),
        links=_links(html, tags, mentions, card),
        mentions=tuple(dict.fromkeys(_mention_handle(m) for m in mentions if isinstance(m, Mapping))),
        media=tuple(_media(item) for item in status.get("media_attachments") or () if _media_url(item)),
        card=card,
        quote=status_to_post(quoted) if quoted else None,
        quote_id=status_uri(quoted) if quoted else "",
        reply_parent=parent_uri,
        reply_root=root_uri if root_uri != uri else "",
        content_warning=str(status.get("spoiler_text") or "").strip(),
        labels=("sensitive",) if status.get("sensitive") and status.get("media_attachments") else (),
        like_count=_int(status.get("favourites_count")) or 0,
        repost_count=_int(status.get("reblogs_count")) or 0,
        reply_count=_int(status.get("replies_count")) or 0,
    )


def handle(account: Mapping[str, Any]) -> str:
    """``@user@server`` for local and remote accounts alike."""
    acct = str(account.get("acct") or account.get("username") or "")
    if "@" in acct:
        return f"@{acct}"
    host = urlsplit(web_url_or_empty(account.get("url"))).netloc
    return f"@{acct}@{host}" if host else f"@{acct}"


def _author(account: Mapping[str, Any]) -> Author:
    name = html_to_text(str(account.get("display_name") or ""))
    return Author(
        id=web_url_or_empty(account.get("url")) or web_url_or_empty(account.get("uri")) or handle(account),
        handle=handle(account),
        display_name=name,
        url=web_url_or_empty(account.get("url")),
        avatar=web_url_or_empty(account.get("avatar")),
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _media(item: Mapping[str, Any]) -> Media:
    meta = item.get("meta") or {}
    original = _mapping(meta.get("original"))
    return Media(
        kind=MEDIA_KINDS.get(str(item.get("type")), "link"),
        url=_media_url(item),
        alt=str(item.get("description") or "").strip(),
        thumb=web_url_or_empty(item.get("preview_url")),
        width=_int(original.get("width")),
        height=_int(original.get("height")),
    )


def _media_url(item: Any) -> str:
    if not isinstance(item, Mapping):
        return ""
    return web_url_or_empty(item.get("url")) or web_url_or_empty(item.get("remote_url"))


def _card(card: Any) -> LinkCard | None:
    if not isinstance(card, Mapping) or not web_url_or_empty(card.get("url")):
        return None
    return LinkCard(
        url=web_url_or_empty(card.get("url")),
        title=html_to_text(str(card.get("title") or "")),
        description=html_to_text(str(card.get("description") or "")),
        thumb=web_url_or_empty(card.get("image")),
    )


def _quoted_status(status: Status) -> Status | None:
    """The quoted status (Mastodon 4.5 quotes), only when the quoted author accepted the quote."""
    quote = status.get("quote")
    if not isinstance(quote, Mapping) or quote.get("state") != "accepted":
        return None
    quoted = quote.get("quoted_status")
    if not isinstance(quoted, Mapping) or not (quoted.get("uri") or quoted.get("url")) or malformed(quoted):
        return None
    return None if opted_out(status_account(quoted)) else quoted


def _links(html: str, tags: Iterable[Any], mentions: Iterable[Any], card: LinkCard | None) -> tuple[str, ...]:
    """Links the author wrote, not the hashtag and mention links Mastodon adds to the content."""
    generated = {str(item.get("url")) for item in (*tags, *mentions) if isinstance(item, Mapping)}
    tag_paths = {f"/tags/{normalize_tag(str(t.get('name', '')))}" for t in tags if isinstance(t, Mapping)}
    links = [
        href
        for href in references(html).links
        if href not in generated and urlsplit(href).path.casefold().rstrip("/") not in tag_paths
    ]
    if card:
        links.append(card.url)
    return tuple(dict.fromkeys(links))


def _mention_handle(mention: Mapping[str, Any]) -> str:
    return handle(mention).lstrip("@")


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
