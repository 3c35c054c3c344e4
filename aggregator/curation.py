"""Curator overrides: pin or move threads, hide posts, block accounts, exclude by pattern.

The `overrides:` key of sources.yaml (or a separate YAML file it names) is validated by
:class:`OverridesConfig`; :meth:`Overrides.from_config` compiles it once into a frozen
:class:`Overrides` that the pipeline applies on every build, deterministically:
:func:`filter_posts` drops what must not be published, and the assignment engine files a
pinned post's thread where the curator said (see :meth:`Overrides.pin_for`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field, field_validator

from aggregator.models import Author, Post, Thread
from aggregator.patterns import RegexPattern

HALLWAY = "hallway"
"""The pin target that sends a thread to the hallway page instead of a session."""


class OverridesConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    pin: dict[str, str] = Field(
        default_factory=dict,
        description=f'post id -> session id (or "{HALLWAY}"): file the thread holding that post there',
    )
    hide: list[str] = Field(default_factory=list, description="post ids never to publish")
    block: list[str] = Field(
        default_factory=list,
        description="accounts never to publish: a handle (alice.bsky.social, @alice@glammr.us), a DID or a profile URL",
    )
    exclude: list[RegexPattern] = Field(
        default_factory=list, description="regular expressions (case-insensitive): posts whose text matches are dropped"
    )
    exclude_authors: list[RegexPattern] = Field(
        default_factory=list,
        description="regular expressions (case-insensitive) on the author's handle: matching authors are dropped",
    )

    @field_validator("pin")
    @classmethod
    def _pins_named(cls, pins: dict[str, str]) -> dict[str, str]:
        for post_id, target in pins.items():
            if not post_id.strip() or not str(target).strip():
                raise ValueError("a pin needs a post id and a session id (or 'hallway')")
        return pins


@dataclass(frozen=True)
class Overrides:
    """Compiled overrides. ``pins`` maps a post id to a session id, or None for the hallway."""

    pins: dict[str, str | None] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()
    blocked: frozenset[str] = frozenset()  # normalized account keys, see _account_keys
    excluded_text: tuple[re.Pattern[str], ...] = ()
    excluded_authors: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def from_config(cls, config: OverridesConfig) -> Overrides:
        return cls(
            pins={post: (None if target == HALLWAY else str(target)) for post, target in config.pin.items()},
            hidden=frozenset(config.hide),
            blocked=frozenset(key for account in config.block for key in _account_keys(account)),
            excluded_text=tuple(re.compile(p, re.IGNORECASE) for p in config.exclude),
            excluded_authors=tuple(re.compile(p, re.IGNORECASE) for p in config.exclude_authors),
        )

    def allows(self, post: Post) -> bool:
        """May this post be published at all?"""
        return self.rejection(post) is None

    def rejection(self, post: Post) -> str | None:
        """Why the post is dropped ("hidden", "blocked author", ...), or None when it is kept."""
        if post.id in self.hidden:
            return "hidden"
        if self.is_blocked(post.author):
            return "blocked author"
        if any(p.search(post.author.handle) for p in self.excluded_authors):
            return "excluded author"
        text = "\n".join(part for part in (post.title, post.text) if part)
        if any(p.search(text) for p in self.excluded_text):
            return "excluded text"
        return None

    def is_blocked(self, author: Author) -> bool:
        if not self.blocked:
            return False
        keys = {key for value in (author.id, author.handle, author.url) if value for key in _account_keys(value)}
        return not keys.isdisjoint(self.blocked)

    def pin_for(self, thread: Thread) -> tuple[str, str | None] | None:
        """The pin deciding this thread, as (pinned post id, session id or None for the hallway).

        A pin on the root wins; otherwise the earliest pinned post of the thread decides.
        """
        for post in thread.posts:
            if post.id in self.pins:
                return post.id, self.pins[post.id]
        return None

    def unknown_pin_targets(self, session_ids: Collection[str]) -> list[str]:
        """Pins naming a session that is not in the programme (for `aggregator check`)."""
        return [
            f"pin {post}: no session {target!r}"
            for post, target in self.pins.items()
            if target is not None and target not in session_ids
        ]


def filter_posts(posts: Iterable[Post], overrides: Overrides | None) -> list[Post]:
    """The posts the curator allows, in their original order."""
    if overrides is None:
        return list(posts)
    return [post for post in posts if overrides.allows(post)]


_FEDIVERSE_ADDRESS = re.compile(r"^([^@/\s]+)@([^@/\s]+\.[^@/\s]+)$")
_PROFILE_URL = re.compile(r"^([^@/\s]+\.[^@/\s]+)/@([^@/\s]+)$")


def _account_keys(account: str) -> set[str]:
    """The spellings of one account: no leading '@', no scheme, no trailing slash, case-folded;
    a fediverse address user@host also matches its profile URL host/@user and vice versa."""
    key = re.sub(r"^https?://", "", account.strip().casefold()).rstrip("/").lstrip("@")
    keys = {key}
    if address := _FEDIVERSE_ADDRESS.match(key):
        keys.add(f"{address[2]}/@{address[1]}")
    elif profile := _PROFILE_URL.match(key):
        keys.add(f"{profile[2]}@{profile[1]}")
    return keys
