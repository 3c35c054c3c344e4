"""Untrusted HTML in, safe HTML or plain text out (nh3 allow-list; relative URLs made absolute)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import nh3

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "em", "figcaption", "figure",
        "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "q", "s", "small",
        "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset({"href", "src"})
LINK_REL = "nofollow noopener noreferrer"  # on every link: it opens the original site and passes on no referrer

_BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(p|div|li|h[1-6]|blockquote|pre|tr)\s*>")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_PARSER_REWRITES = re.compile("[<&\r\0\ufeff]")  # a tag or comment, an entity, a CR (to LF), a NUL or BOM (dropped)
_LONE_SURROGATES = re.compile("[\ud800-\udfff]")  # JSON allows "\ud800"; UTF-8 (and nh3) cannot take it


def clean_html(fragment: str, base_url: str = "") -> str:
    """Keep a safe subset of HTML; links open the original site and never pass on referrer data."""

    def resolve(tag: str, attribute: str, value: str) -> str | None:
        if attribute not in URL_ATTRIBUTES:
            return value
        if not value.strip():  # an emptied (e.g. javascript:) link must not become a link to the base
            return None
        try:
            absolute = urljoin(base_url, value.strip()) if base_url else value.strip()
        except ValueError:  # an unparsable base or value: no link rather than an error
            return None
        return absolute if is_safe_url(absolute) else None

    return nh3.clean(
        well_formed(fragment),
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(SAFE_SCHEMES),
        attribute_filter=resolve,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, paragraphs kept as lines."""
    marked = _BLOCK_END.sub("\n", well_formed(fragment))
    # Text with no markup, entity or character the HTML parser rewrites (most names and titles)
    # comes out of nh3 as it went in: only its spaces need tidying.
    stripped = marked if _PARSER_REWRITES.search(marked) is None else html.unescape(
        nh3.clean(marked, tags=set(), strip_comments=True)
    )
    lines = (_SPACES.sub(" ", line).strip() for line in stripped.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


_STRIP_ROUNDS = 8  # each round that changes the text removes a tag or decodes an entity


def strip_markup(text: str) -> str:
    """One line of plain text in which no reader finds markup, even one that decodes entities
    first and then renders the result as HTML (as many do with RSS titles).

    Tags are stripped and entities decoded until nothing changes, so ``&lt;img onerror=…&gt;``
    cannot come back to life after one more decoding. A literal ``<`` that starts no tag stays.
    """
    current = " ".join(well_formed(text).split())
    for _ in range(_STRIP_ROUNDS):
        stripped = " ".join(html.unescape(nh3.clean(current, tags=set(), strip_comments=True)).split())
        if stripped == current:
            return current
        current = stripped
    return current.replace("<", "").replace(">", "")  # still changing: nothing tag-like may stay


def well_formed(text: str) -> str:
    """The text with lone surrogates replaced by U+FFFD, so it can be encoded and sanitized."""
    return _LONE_SURROGATES.sub("\ufffd", text)


def is_safe_url(url: str) -> bool:
    return url_scheme(url) in SAFE_SCHEMES


# Days of margin so that the time is a date in every time zone a page may show it in.
_EARLIEST = datetime.min.replace(tzinfo=UTC) + timedelta(days=3)
_LATEST = datetime.max.replace(tzinfo=UTC) - timedelta(days=3)


def is_showable_time(moment: datetime) -> bool:
    """Whether an aware time from outside stays a date in every time zone (not at year 1 or 9999's edge)."""
    return _EARLIEST <= moment <= _LATEST


def is_web_url(url: str) -> bool:
    """An http(s) address that parses (so every later ``urlsplit`` of it succeeds too)."""
    return url_scheme(url) in {"http", "https"}


def web_url_or_empty(url: Any) -> str:
    """``url`` when it is an http(s) address that parses, else "" (for images, avatars, video)."""
    return url.strip() if isinstance(url, str) and is_web_url(url) else ""


# http(s) in printable ASCII without brackets: urlsplit cannot fail on it and reads that scheme
_PLAIN_WEB_URL = re.compile(r"(?i)(https?)://[!-Z\\^-~]*")


def url_scheme(url: str) -> str:
    """The lower-case scheme, or "" for a relative URL or one that does not parse at all.

    ``urlsplit`` raises on some untrusted strings ("https://[x", hosts that NFKC-normalize to
    a slash); those are not safe links, and must not crash whoever checks them.
    """
    plain = _PLAIN_WEB_URL.fullmatch(url.strip())
    if plain is not None:  # what urlsplit would say, without its cost (most links are like this)
        return plain[1].lower()
    try:
        return urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""


def url_host(url: str) -> str:
    """The host name of a URL, "" when it has none or does not parse."""
    try:
        return urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""


def text_to_html(text: str) -> str:
    """Escape plain text and keep its line breaks."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


@dataclass(frozen=True)
class ImageRef:
    src: str
    alt: str = ""
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class References:
    """What an HTML fragment points at: its distinct http(s) links and images, in document order."""

    links: tuple[str, ...]
    images: tuple[ImageRef, ...]


def references(fragment: str) -> References:
    """The links and images of HTML that :func:`clean_html` made, read in one pass.

    Read with a pattern, not an HTML parser: nh3 writes every tag the same way (lower-case names,
    every attribute as name="value" with ``&``, ``"``, ``<`` and ``>`` escaped, ``<`` in text escaped, no
    comments, no script or style), so a tag is exactly what the pattern finds.
    """
    links: list[str] = []
    images: dict[str, ImageRef] = {}
    for tag, attributes in _LINK_OR_IMAGE.findall(fragment):
        values = {name: html.unescape(value).strip() for name, value in _ATTRIBUTE.findall(attributes)}
        if tag == "a" and is_web_url(values.get("href", "")):
            links.append(values["href"])
        elif tag == "img" and is_web_url(values.get("src", "")):
            width, height = _dimension(values.get("width")), _dimension(values.get("height"))
            images.setdefault(values["src"], ImageRef(values["src"], values.get("alt", ""), width, height))
    return References(tuple(dict.fromkeys(links)), tuple(images.values()))


_LINK_OR_IMAGE = re.compile(r'<(a|img)((?:\s+[^\s"=<>/]+="[^"]*")*)\s*/?>')
_ATTRIBUTE = re.compile(r'([^\s"=<>/]+)="([^"]*)"')


def _dimension(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
