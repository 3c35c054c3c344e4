"""Which events of the whole network's stream a live Bluesky source keeps, decided on raw records.

It runs for every post of the network (thousands a second at peak), so it looks only at plain
dicts: the record's hashtags (facets ∪ ``tags``), its text, and its reply reference. What it
keeps is validated and judged by the publication rules afterwards, a few posts at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from aggregator.collectors import normalize_tag
from aggregator.collectors.bluesky.stream import PostEvent
from aggregator.collectors.bluesky.threads import RepliesPolicy

TAG_FEATURE = "app.bsky.richtext.facet#tag"


class StreamFilter:
    """The hashtags and query of a source, and what it already holds: stored posts (whose
    deletions matter) and thread roots (whose replies are the untagged continuations)."""

    def __init__(self, hashtags: Iterable[str], query: str, replies: RepliesPolicy) -> None:
        self.hashtags = frozenset(normalize_tag(tag) for tag in hashtags if normalize_tag(tag))
        self.terms = tuple(term.casefold() for term in query.split() if not term.startswith("#"))
        query_tags = [normalize_tag(term) for term in query.split() if term.startswith("#")]
        self.query_tags = frozenset(tag for tag in query_tags if tag)
        self.text_tags = _tag_pattern(self.hashtags | self.query_tags)
        self.replies = replies
        self.stored: set[str] = set()
        self.roots: set[str] = set()

    def remember(self, post_id: str, reply_root: str = "") -> None:
        """A post now stored: its deletion will be applied, replies into its thread kept."""
        self.stored.add(post_id)
        self.roots.add(reply_root or post_id)

    def forget(self, post_id: str) -> None:
        self.stored.discard(post_id)

    def wants(self, event: PostEvent) -> bool:
        if event.action == "delete":
            return event.uri in self.stored
        record = event.record or {}
        if event.uri in self.stored:
            return True
        if self.matches(record) or self._continues(event.did, record):
            # at once, not when stored: its continuation may be the very next event
            self.remember(event.uri, _reply_root(record) or "")
            return True
        return False

    def matches(self, record: dict[str, Any]) -> bool:
        """The record carries one of the hashtags, or the query's words and tags."""
        text = record.get("text")
        text = text if isinstance(text, str) else ""
        tags = set(_record_tags(record))
        if self.text_tags is not None:
            tags.update(normalize_tag(found) for found in self.text_tags.findall(text))
        if self.hashtags and not tags & self.hashtags:
            return False
        if self.query_tags and not self.query_tags <= tags:
            return False
        folded = text.casefold()
        return all(term in folded for term in self.terms) and bool(self.hashtags or self.query_tags or self.terms)

    def _continues(self, did: str, record: dict[str, Any]) -> bool:
        if self.replies == "none":
            return False
        root = _reply_root(record)
        if root is None or root not in self.roots:
            return False
        return self.replies == "all" or root.startswith(f"at://{did}/")


def _tag_pattern(tags: frozenset[str]) -> re.Pattern[str] | None:
    """``#tag`` typed in the text without a facet (some clients never add one)."""
    if not tags:
        return None
    alternatives = "|".join(sorted(map(re.escape, tags), key=len, reverse=True))
    return re.compile(rf"(?<![\w#])#({alternatives})(?!\w)", re.IGNORECASE)


def _record_tags(record: dict[str, Any]) -> Iterable[str]:
    for tag in record.get("tags") or ():
        if isinstance(tag, str):
            yield normalize_tag(tag)
    for facet in record.get("facets") or ():
        features = facet.get("features") if isinstance(facet, dict) else None
        for feature in features or ():
            if isinstance(feature, dict) and feature.get("$type") == TAG_FEATURE and isinstance(feature.get("tag"), str):
                yield normalize_tag(feature["tag"])


def _reply_root(record: dict[str, Any]) -> str | None:
    reply = record.get("reply")
    root = reply.get("root") if isinstance(reply, dict) else None
    uri = root.get("uri") if isinstance(root, dict) else None
    return uri if isinstance(uri, str) else None
