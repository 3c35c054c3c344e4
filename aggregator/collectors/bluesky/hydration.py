"""Stream records made into post views the publication rules can judge.

A post the AppView already knows comes back from ``getPosts`` as a full view (labels,
images, counts); one it has not indexed yet is built from the record itself, with the
author's handle from their profile. Profiles (their bios decide ``#nobot``) are cached for
a while and fetched again after it, so a late opt-out is seen within ``PROFILE_TTL``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from atproto_client import models
from atproto_client.exceptions import ModelError
from pydantic import ValidationError

from aggregator.clock import Clock
from aggregator.collectors.bluesky.posts import INVALID_HANDLE, PostLike
from aggregator.collectors.bluesky.stream import PostEvent

log = logging.getLogger(__name__)
PROFILE_TTL = timedelta(minutes=30)


class ProfileCache:
    """Full profiles by DID, fetched in bulk and kept for ``ttl``."""

    def __init__(self, fetch: Callable[[list[str]], Iterable[Any]], clock: Clock, ttl: timedelta = PROFILE_TTL) -> None:
        self.fetch = fetch
        self.clock = clock
        self.ttl = ttl
        self.known: dict[str, tuple[datetime, Any]] = {}

    def profiles(self, dids: Iterable[str]) -> list[Any]:
        now = self.clock()
        wanted = list(dict.fromkeys(dids))
        stale = [did for did in wanted if did not in self.known or now - self.known[did][0] > self.ttl]
        if stale:
            for profile in self.fetch(stale):
                self.known[profile.did] = (now, profile)
        return [self.known[did][1] for did in wanted if did in self.known]

    def forget(self, did: str) -> None:
        self.known.pop(did, None)


def local_view(event: PostEvent, profile: Any, indexed_at: datetime) -> PostLike | None:
    """A view of a streamed record; None when it is not a valid post record."""
    try:
        record = models.get_or_create(event.record, strict=False)
    except (ModelError, ValidationError, TypeError, ValueError) as exc:
        log.debug("skipping a malformed streamed record %s: %s", event.uri, exc)
        return None
    if not isinstance(record, models.AppBskyFeedPost.Record):
        return None
    author = models.AppBskyActorDefs.ProfileViewBasic(
        did=event.did,
        handle=getattr(profile, "handle", None) or INVALID_HANDLE,
        display_name=getattr(profile, "display_name", None),
        avatar=getattr(profile, "avatar", None),
        labels=getattr(profile, "labels", None),
    )
    return models.AppBskyEmbedRecord.ViewRecord(
        uri=event.uri, cid=event.cid or "unknown", author=author, value=record, indexed_at=indexed_at.isoformat()
    )
