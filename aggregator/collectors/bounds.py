"""A ceiling on what one post may weigh once stored and published (``network.max_post_kb``).

A hostile or broken source can send a 50 MB entry; the store and every page, feed and export
that carries the post would hold it whole. Each text field is cut to the cap, and a shortened
post says so and keeps its link to the original.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Sequence

from aggregator.models import Author, LinkCard, Media, Post
from aggregator.sanitize import is_web_url

SHORTENED = "… [shortened: the full text is at the original]"
MAX_ITEMS = 1_000  # links, mentions, hashtags, media, labels per post
_SMALL_SHARE = 10  # names, titles, alt texts, warnings: a tenth of the cap


def bounded_post(post: Post, max_chars: int) -> Post:
    """``post`` with every text field within ``max_chars`` (its own small fields within a tenth)."""
    small = max(1, max_chars // _SMALL_SHARE)
    text, text_cut = _cut(post.text, max_chars)
    body, html_cut = _cut(post.html, max_chars)
    if html_cut:
        link = f' <a href="{html.escape(post.url)}">{html.escape(SHORTENED)}</a>' if is_web_url(post.url) else ""
        body = body + (link or html.escape(SHORTENED))
    bounded = dataclasses.replace(
        post,
        text=text + SHORTENED if text_cut else text,
        html=body,
        title=_cut(post.title, small)[0],
        content_warning=_cut(post.content_warning, small)[0],
        author=_bounded_author(post.author, small),
        hashtags=_bounded_strings(post.hashtags, small),
        links=_bounded_strings(post.links, small),
        mentions=_bounded_strings(post.mentions, small),
        labels=_bounded_strings(post.labels, small),
        media=tuple(_bounded_media(m, small) for m in post.media[:MAX_ITEMS]),
        card=_bounded_card(post.card, small) if post.card else None,
        quote=bounded_post(post.quote, max_chars) if post.quote else None,
    )
    return bounded


def _cut(value: str, limit: int) -> tuple[str, bool]:
    return (value, False) if len(value) <= limit else (value[:limit], True)


def _bounded_strings(values: Sequence[str], limit: int) -> tuple[str, ...]:
    return tuple(_cut(value, limit)[0] for value in values[:MAX_ITEMS])


def _bounded_author(author: Author, limit: int) -> Author:
    return dataclasses.replace(
        author, handle=_cut(author.handle, limit)[0], display_name=_cut(author.display_name, limit)[0]
    )


def _bounded_media(media: Media, limit: int) -> Media:
    return dataclasses.replace(media, alt=_cut(media.alt, limit)[0])


def _bounded_card(card: LinkCard, limit: int) -> LinkCard:
    return dataclasses.replace(card, title=_cut(card.title, limit)[0], description=_cut(card.description, limit)[0])
