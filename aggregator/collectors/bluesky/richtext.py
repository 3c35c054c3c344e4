"""Bluesky rich text (post text + facets) to safe HTML.

Facet offsets count UTF-8 **bytes**, not characters: slice the encoded text, never the str.
Real posts carry facets that overlap, run past the text, split a multi-byte character or
include a trailing space (tags); all of that is tolerated. Link text is often shortened by
the app ("example.com/long-pa..."): the text is shown as written, the link goes to the
full ``uri``. Only http(s) links become anchors.

The HTML is written the way nh3 serializes it (``rel`` on links, ``&nbsp;``), so nh3 only runs
when the text or a link holds something whose cleaning is not obvious: the result is the same.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from atproto_client import models

from aggregator.collectors import normalize_tag
from aggregator.sanitize import LINK_REL, clean_html, is_web_url

PROFILE_URL = "https://bsky.app/profile/{}"
HASHTAG_URL = "https://bsky.app/hashtag/{}"

LINK, MENTION, TAG = "link", "mention", "tag"
# hrefs nh3 keeps exactly as written: http(s), a plain host name, no port, printable ASCII path
_PLAIN_HREF = re.compile(r"https?://[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+(?:[/?#][!#-;=?-~]*)?")


@dataclass(frozen=True)
class RichText:
    html: str
    hashtags: tuple[str, ...]  # lower-case, without '#', in order of appearance
    links: tuple[str, ...]  # full http(s) URLs of link facets
    mentions: tuple[str, ...]  # handles as written (without '@'), or DIDs


@dataclass(frozen=True)
class _Span:
    start: int  # byte offsets into the UTF-8 text
    end: int
    kind: str  # LINK, MENTION or TAG
    value: str  # the URL, the DID or the tag


def render_rich_text(text: str, facets: Iterable[models.AppBskyRichtextFacet.Main] | None) -> RichText:
    """HTML (one ``<p>`` per paragraph, ``<br>`` per line) plus what the facets point to."""
    data = text.encode("utf-8")
    spans = _usable_spans(data, _spans(facets or ()))
    hrefs = [_href(span) for span in spans]
    markup = _markup(data, spans, hrefs)
    return RichText(
        html=_nh3_form(markup) if _cleaning_is_obvious(markup, hrefs) else clean_html(markup),
        hashtags=_unique(normalize_tag(s.value) for s in spans if s.kind == TAG),
        links=_unique(s.value for s, href in zip(spans, hrefs, strict=True) if s.kind == LINK and href is not None),
        mentions=_unique(_mention_name(data, s) for s in spans if s.kind == MENTION),
    )


def _markup(data: bytes, spans: Sequence[_Span], hrefs: Sequence[str | None]) -> str:
    """The post as HTML before cleaning: escaped text in paragraphs, the facets as anchors."""
    pieces: list[str] = []
    position = 0
    for span, href in zip(spans, hrefs, strict=True):
        pieces.append(_escaped(data[position : span.start]))
        pieces.append(_anchor(data[span.start : span.end], href))
        position = span.end
    pieces.append(_escaped(data[position:]))
    return _paragraphs("".join(pieces))


def _cleaning_is_obvious(markup: str, hrefs: Iterable[str | None]) -> bool:
    """nh3 would only re-escape: no NUL (which it drops), no link running across paragraphs (whose
    tags it rebalances), every href one it keeps unchanged. (No lone surrogate can be left: the
    text was encoded to UTF-8 and decoded back.)"""
    return (
        "\x00" not in markup
        and all(href is None or _PLAIN_HREF.fullmatch(href) for href in hrefs)
        and all(paragraph.count("<a ") == paragraph.count("</a>") for paragraph in markup.split("</p>"))
    )


def _nh3_form(markup: str) -> str:
    return markup.replace("\xa0", "&nbsp;")  # after the paragraphs were stripped, as before cleaning


def profile_url(actor: str) -> str:
    return PROFILE_URL.format(quote(actor, safe=":."))


@lru_cache(maxsize=4096)  # a conference's posts share a few tags
def hashtag_url(tag: str) -> str:
    return HASHTAG_URL.format(quote(tag, safe=""))


def _spans(facets: Iterable[models.AppBskyRichtextFacet.Main]) -> list[_Span]:
    spans = []
    for facet in facets:
        feature = _first_supported_feature(facet.features)
        if feature is not None:
            spans.append(_Span(facet.index.byte_start, facet.index.byte_end, *feature))
    return spans


def _first_supported_feature(features: Iterable[Any]) -> tuple[str, str] | None:
    """Unknown feature types (the SDK hands them over as DotDicts) are skipped."""
    for feature in features:
        if isinstance(feature, models.AppBskyRichtextFacet.Link) and feature.uri:
            return LINK, feature.uri
        if isinstance(feature, models.AppBskyRichtextFacet.Mention) and feature.did:
            return MENTION, feature.did
        if isinstance(feature, models.AppBskyRichtextFacet.Tag) and normalize_tag(feature.tag):
            return TAG, feature.tag
    return None


def _usable_spans(data: bytes, spans: Sequence[_Span]) -> list[_Span]:
    """In byte order, within the text, on character boundaries, without overlaps."""
    usable: list[_Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        start, end = _char_boundary(data, span.start), _char_boundary(data, span.end)
        if start < 0 or end > len(data) or start >= end:
            continue
        if usable and start < usable[-1].end:
            continue  # the first of two overlapping facets wins
        usable.append(_Span(start, end, span.kind, span.value))
    return usable


def _char_boundary(data: bytes, offset: int) -> int:
    """Move an offset that points into a multi-byte character back to that character's start."""
    while 0 < offset < len(data) and data[offset] & 0b1100_0000 == 0b1000_0000:
        offset -= 1
    return offset


def _anchor(segment: bytes, href: str | None) -> str:
    label = segment.decode("utf-8", errors="replace")
    visible = label.rstrip()  # tag facets sometimes include the space after the tag
    trailing = _escaped_text(label[len(visible) :])
    if href is None or not visible:
        return _escaped_text(label)
    return f'<a href="{_attribute(href)}" rel="{LINK_REL}">{_escaped_text(visible)}</a>{trailing}'


def _attribute(value: str) -> str:
    """Escaped for a double-quoted attribute as nh3 writes it (``'`` stays as it is)."""
    return value.replace("&", "&amp;").replace('"', "&quot;")


def _href(span: _Span) -> str | None:
    if span.kind == LINK:
        return span.value.strip() if is_web_url(span.value) else None
    if span.kind == MENTION:
        return profile_url(span.value)
    return hashtag_url(normalize_tag(span.value))


def _mention_name(data: bytes, span: _Span) -> str:
    written = data[span.start : span.end].decode("utf-8", errors="replace").strip().lstrip("@")
    return written or span.value


def _escaped(segment: bytes) -> str:
    return _escaped_text(segment.decode("utf-8", errors="replace"))


def _escaped_text(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def _paragraphs(inline_html: str) -> str:
    paragraphs = (_trim_breaks(p.strip()) for p in inline_html.replace("\r", "").split("<br><br>"))
    return "".join(f"<p>{p}</p>" for p in paragraphs if p)


def _trim_breaks(fragment: str) -> str:
    while fragment.startswith("<br>"):
        fragment = fragment[4:].lstrip()
    while fragment.endswith("<br>"):
        fragment = fragment[:-4].rstrip()
    return fragment


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
