"""Who and what may be published from Bluesky.

Withheld (never published, and tombstoned if stored): posts of authors who opted out
(``!no-unauthenticated`` label, ``#nobot``/``#nobots`` in the bio), of authors the curator
excluded, posts taken down by moderation, and sensitive posts under ``sensitive: hide``.
Under ``sensitive: warn`` those are kept with a content warning. A quoted post gets the
same treatment, except that a withheld quote is merely dropped (its id stays).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from aggregator.collectors.bluesky.posts import (
    PostLike,
    author_opted_out,
    must_hide,
    post_from_view,
    sensitive_labels,
)
from aggregator.models import Author, Post

log = logging.getLogger(__name__)

SensitivePolicy = Literal["hide", "warn"]


@dataclass(frozen=True)
class Withheld:
    id: str  # of a post that must not be published


Decision: TypeAlias = Post | Withheld | None  # None: nothing to publish (not a post, or unreadable)


@dataclass(frozen=True)
class Verdict:
    posts: tuple[Post, ...]  # normalized, ready to publish
    withheld: tuple[str, ...]  # ids that must not be published (and must be tombstoned if stored)


class PublicationPolicy:
    def __init__(self, sensitive: SensitivePolicy, exclude_authors: Iterable[str]) -> None:
        self.sensitive = sensitive
        self.excluded = [re.compile(pattern, re.IGNORECASE) for pattern in exclude_authors]

    def judge(self, views: Iterable[PostLike], profiles: Iterable[Any]) -> Verdict:
        """``profiles`` are full profiles (with bios) of the authors, where they could be fetched."""
        opted_out = {profile.did for profile in profiles if author_opted_out(profile)}
        return verdict_of(self.decide(view, opted_out) for view in views)

    def decide(self, view: PostLike, opted_out: Collection[str]) -> Decision:
        """One view's fate. ``opted_out``: the DIDs whose full profiles (with bios) show an opt-out."""
        try:
            post = post_from_view(view)
        except ValueError as exc:  # e.g. no readable time: nothing sensible to publish
            log.warning("skipping malformed Bluesky post %s: %s", view.uri, exc)
            return None
        if post is None:
            return None  # not an app.bsky.feed.post record
        if author_opted_out(view.author) or self._withheld(post, opted_out):
            return Withheld(post.id)
        return self._presented(post, opted_out)

    def excludes(self, author: Author) -> bool:
        return any(p.fullmatch(author.handle) or p.fullmatch(author.id) for p in self.excluded)

    def _withheld(self, post: Post, opted_out: Collection[str]) -> bool:
        return (
            post.author.id in opted_out
            or self.excludes(post.author)
            or must_hide(post)
            or (self.sensitive == "hide" and bool(sensitive_labels(post)))
        )

    def _presented(self, post: Post, opted_out: Collection[str]) -> Post:
        quote = post.quote
        if quote is not None:
            quote = None if self._withheld(quote, opted_out) else _with_warning(quote)
        presented = _with_warning(post)
        return presented if quote is post.quote else dataclasses.replace(presented, quote=quote)


def verdict_of(decisions: Iterable[Decision]) -> Verdict:
    posts: list[Post] = []
    withheld: list[str] = []
    for decision in decisions:
        if isinstance(decision, Post):
            posts.append(decision)
        elif decision is not None:
            withheld.append(decision.id)
    return Verdict(tuple(posts), tuple(withheld))


def _with_warning(post: Post) -> Post:
    labels = sensitive_labels(post)
    if not labels or post.content_warning:
        return post
    return dataclasses.replace(post, content_warning="Sensitive content: " + ", ".join(labels))
