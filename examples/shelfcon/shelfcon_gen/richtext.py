"""Finds hashtags, mentions and links in draft text (shared by the Bluesky and Mastodon writers)."""
from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"(?P<url>https?://[^\s]+)"
    r"|(?<![\w/])#(?P<tag>[A-Za-z][A-Za-z0-9_]*)"
    r"|(?<![\w/])@(?P<mention>[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]+)"
)
_URL_TRAILERS = ".,!?):;"


@dataclass(frozen=True)
class Segment:
    """A run of text; `kind` is "text", "url", "tag" or "mention", `value` the tag/handle/url itself."""

    kind: str
    text: str
    value: str = ""


def segments(text: str) -> list[Segment]:
    parts: list[Segment] = []
    position = 0
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        kind = match.lastgroup or "text"
        value = match.group(kind)
        if kind == "url":
            stripped = value.rstrip(_URL_TRAILERS)
            end -= len(value) - len(stripped)
            value = stripped
        if start > position:
            parts.append(Segment("text", text[position:start]))
        parts.append(Segment(kind, text[start:end], value))
        position = end
    if position < len(text):
        parts.append(Segment("text", text[position:]))
    return parts


def hashtags(text: str) -> list[str]:
    return [part.value for part in segments(text) if part.kind == "tag"]
