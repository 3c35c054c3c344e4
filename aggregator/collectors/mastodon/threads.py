"""Every status one run has seen, once per ``uri``, and the live-threads picked out of them.

A status read through several servers has a different ``id`` on each (and its
``in_reply_to_id`` is in that server's numbering) but one ``uri``. The pool remembers every
(server, id) → uri sighting so a reply's parent resolves to the parent's ``uri`` — the key
the thread builder links posts by.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from aggregator.collectors.mastodon.statuses import Status, account_id, is_boost, is_public, malformed, status_uri

log = logging.getLogger(__name__)

RepliesPolicy = Literal["self", "all", "none"]


@dataclass(frozen=True)
class Sighting:
    server: str  # the server (base URL) it was read through; "" for saved files
    status_id: str
    in_reply_to_id: str


class StatusPool:
    def __init__(self) -> None:
        self._statuses: dict[str, Status] = {}
        self._sightings: dict[str, list[Sighting]] = defaultdict(list)
        self._uri_by_id: dict[tuple[str, str], str] = {}
        self.boosts_skipped = 0
        self.private_skipped = 0
        self.malformed_skipped = 0

    def add(self, status: Status, server: str = "") -> str:
        """Remember a status; returns its uri ("" for boosts and non-public statuses, which are skipped)."""
        if is_boost(status):
            self.boosts_skipped += 1
            return ""
        uri = status_uri(status)  # without one it is no Status entity: the answer is wrong, not the status
        problem = malformed(status)
        if problem:
            log.warning("%s: skipped: %s", server or "saved answer", problem)
            self.malformed_skipped += 1
            return ""
        status_id = str(status.get("id") or "")
        if status_id:
            self._uri_by_id[(server, status_id)] = uri
        if not is_public(status):
            self.private_skipped += 1
            return ""
        self._statuses.setdefault(uri, status)
        sighting = Sighting(server, status_id, str(status.get("in_reply_to_id") or ""))
        if sighting not in self._sightings[uri]:
            self._sightings[uri].append(sighting)
        return uri

    def add_all(self, statuses: Iterable[Status], server: str = "") -> list[str]:
        return [uri for uri in (self.add(s, server) for s in statuses) if uri]

    def __contains__(self, uri: object) -> bool:
        return uri in self._statuses

    def __len__(self) -> int:
        return len(self._statuses)

    def get(self, uri: str) -> Status:
        return self._statuses[uri]

    def uris(self) -> list[str]:
        return list(self._statuses)

    def sightings(self, uri: str) -> list[Sighting]:
        return self._sightings.get(uri, [])

    def is_reply(self, uri: str) -> bool:
        return any(s.in_reply_to_id for s in self.sightings(uri))

    def parent_uri(self, uri: str) -> str:
        """The parent's uri, when any server it was seen through let us learn it ("" otherwise)."""
        for sighting in self.sightings(uri):
            if sighting.in_reply_to_id:
                parent = self._uri_by_id.get((sighting.server, sighting.in_reply_to_id))
                if parent:
                    return parent
        return ""

    def root_uri(self, uri: str) -> str:
        """The first status of the conversation, when the whole chain up to it is known."""
        seen = {uri}
        current = uri
        while self.is_reply(current):
            parent = self.parent_uri(current)
            if not parent or parent not in self or parent in seen:
                return ""
            seen.add(parent)
            current = parent
        return current

    def children(self) -> dict[str, list[str]]:
        tree: dict[str, list[str]] = defaultdict(list)
        for uri in self._statuses:
            parent = self.parent_uri(uri)
            if parent:
                tree[parent].append(uri)
        return tree


def pick_threads(pool: StatusPool, seeds: Iterable[str], policy: RepliesPolicy) -> list[str]:
    """The seeds plus, per ``policy``, their author's own chain (up and down) and others' replies.

    ``self``: the author's continuations; ``all``: also everyone's replies below them;
    ``none``: the seeds alone.
    """
    kept: dict[str, None] = {}
    children = pool.children()
    for seed in seeds:
        if seed not in pool:
            continue
        kept[seed] = None
        if policy == "none":
            continue
        author = account_id(pool.get(seed))
        kept.update(dict.fromkeys(_own_ancestors(pool, seed, author)))
        kept.update(dict.fromkeys(_descendants(pool, children, seed, author, policy)))
    return list(kept)


def _own_ancestors(pool: StatusPool, uri: str, author: str) -> Iterator[str]:
    seen = {uri}
    parent = pool.parent_uri(uri)
    while parent in pool and parent not in seen and account_id(pool.get(parent)) == author:
        yield parent
        seen.add(parent)
        parent = pool.parent_uri(parent)


def _descendants(
    pool: StatusPool, children: dict[str, list[str]], uri: str, author: str, policy: RepliesPolicy
) -> Iterator[str]:
    stack: list[tuple[str, bool]] = [(uri, True)]
    seen = {uri}
    while stack:
        current, own = stack.pop()
        for child in children.get(current, ()):
            if child in seen:
                continue
            child_is_own = own and account_id(pool.get(child)) == author
            if child_is_own or policy == "all":
                seen.add(child)
                yield child
                stack.append((child, child_is_own))
