"""Bluesky's event streams, decoded into what the live subscriber acts on.

Two kinds of endpoint are read, told apart by the ``stream:`` URL:

* a **Jetstream** (``…/subscribe``, JSON over WebSocket): every message is one event, its
  ``time_us`` (µs since the epoch) is the cursor to resume from;
* a relay or PDS **firehose** (any other URL, e.g. ``wss://bsky.network`` or a PDS's
  ``ws://host:port``): ``com.atproto.sync.subscribeRepos`` frames in DAG-CBOR with the
  records in a CAR slice, decoded by the atproto SDK; ``seq`` is the cursor.

Only ``app.bsky.feed.post`` operations and account status changes matter here; everything
else comes out as a bare cursor so that the position still advances.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from atproto_client import models
from atproto_core.car import CAR
from atproto_firehose import parse_subscribe_repos_message
from atproto_subscription.frames import MessageFrame

POST_COLLECTION = "app.bsky.feed.post"
StreamKind = Literal["jetstream", "firehose"]
Action = Literal["create", "delete"]
# statuses of an inactive account whose posts must not be shown (deactivated ones may come back)
INACTIVE_GONE = frozenset({"deleted", "takendown"})


@dataclass(frozen=True)
class PostEvent:
    """One created (or edited) or deleted post."""

    action: Action
    uri: str
    did: str
    cid: str = ""
    record: dict[str, Any] | None = None  # the raw record, for creates


@dataclass(frozen=True)
class AccountEvent:
    """An account became inactive (``gone``: deleted or taken down) or active again; or changed handle."""

    did: str
    active: bool = True
    gone: bool = False
    handle_changed: bool = False


@dataclass(frozen=True)
class StreamMessage:
    """One message: where the stream stands after it, when it happened, and what it says."""

    cursor: int
    at: datetime | None = None
    posts: tuple[PostEvent, ...] = ()
    accounts: tuple[AccountEvent, ...] = ()
    outdated_cursor: bool = False  # the server could not rewind as far as asked


def stream_kind(url: str) -> StreamKind:
    """A Jetstream's URL path ends in ``/subscribe``; anything else is a firehose."""
    return "jetstream" if urlsplit(url).path.rstrip("/").endswith("/subscribe") else "firehose"


def jetstream_url(url: str, cursor: int | None) -> str:
    """The endpoint asked for posts only, from ``cursor`` (µs) when there is one."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in {"wantedCollections", "cursor"}]
    query.append(("wantedCollections", POST_COLLECTION))
    if cursor is not None:
        query.append(("cursor", str(cursor)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def firehose_base(url: str) -> str:
    """The SDK's ``base_uri`` (…/xrpc) for a relay or PDS address; http(s) becomes ws(s)."""
    parts = urlsplit(url)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    path = parts.path.rstrip("/")
    path = path.removesuffix("/com.atproto.sync.subscribeRepos")
    if not path.endswith("/xrpc"):
        path += "/xrpc"
    return urlunsplit((scheme, parts.netloc, path, "", ""))



# --- Jetstream ------------------------------------------------------------------------


def jetstream_message(text: str | bytes) -> StreamMessage | None:
    """One Jetstream event; None when it is not an event at all (no ``time_us``)."""
    try:
        event = json.loads(text)
        cursor = int(event["time_us"])
        did = str(event["did"])
    except (ValueError, KeyError, TypeError):
        return None
    at = datetime.fromtimestamp(cursor / 1_000_000, UTC)
    kind = event.get("kind")
    if kind == "commit":
        post = _jetstream_commit(did, event.get("commit"))
        return StreamMessage(cursor, at, posts=(post,) if post else ())
    if kind == "account" and isinstance(event.get("account"), dict):
        return StreamMessage(cursor, at, accounts=(_account(did, event["account"]),))
    if kind == "identity":
        return StreamMessage(cursor, at, accounts=(AccountEvent(did, handle_changed=True),))
    return StreamMessage(cursor, at)


def _jetstream_commit(did: str, commit: Any) -> PostEvent | None:
    if not isinstance(commit, dict) or commit.get("collection") != POST_COLLECTION:
        return None
    uri = f"at://{did}/{POST_COLLECTION}/{commit.get('rkey', '')}"
    operation = commit.get("operation")
    if operation == "delete":
        return PostEvent("delete", uri, did)
    record = commit.get("record")
    if operation in {"create", "update"} and isinstance(record, dict):
        return PostEvent("create", uri, did, str(commit.get("cid", "")), record)
    return None


def _account(did: str, account: dict[str, Any]) -> AccountEvent:
    active = bool(account.get("active", True))
    return AccountEvent(did, active=active, gone=not active and account.get("status") in INACTIVE_GONE)


# --- firehose -------------------------------------------------------------------------


def firehose_message(frame: MessageFrame) -> StreamMessage | None:
    """One ``subscribeRepos`` frame; None for the kinds without a sequence number."""
    message = parse_subscribe_repos_message(frame)
    if isinstance(message, models.ComAtprotoSyncSubscribeRepos.Info):
        return StreamMessage(-1, outdated_cursor=message.name == "OutdatedCursor")
    seq = getattr(message, "seq", None)
    if not isinstance(seq, int):
        return None
    at = _moment(getattr(message, "time", None))
    if isinstance(message, models.ComAtprotoSyncSubscribeRepos.Commit):
        return StreamMessage(seq, at, posts=tuple(_commit_posts(message)))
    if isinstance(message, models.ComAtprotoSyncSubscribeRepos.Account):
        event = {"active": message.active, "status": message.status}
        return StreamMessage(seq, at, accounts=(_account(message.did, event),))
    if isinstance(message, models.ComAtprotoSyncSubscribeRepos.Identity):
        return StreamMessage(seq, at, accounts=(AccountEvent(message.did, handle_changed=True),))
    return StreamMessage(seq, at)


def _commit_posts(commit: models.ComAtprotoSyncSubscribeRepos.Commit) -> list[PostEvent]:
    ops = [op for op in commit.ops if op.path.startswith(POST_COLLECTION + "/")]
    if not ops:
        return []  # most commits are likes and follows: their blocks are never decoded
    blocks = CAR.from_bytes(commit.blocks).blocks if any(op.action != "delete" for op in ops) else {}
    events = []
    for op in ops:
        uri = f"at://{commit.repo}/{op.path}"
        if op.action == "delete":
            events.append(PostEvent("delete", uri, commit.repo))
            continue
        record = blocks.get(op.cid) if op.cid is not None else None
        if isinstance(record, dict):
            events.append(PostEvent("create", uri, commit.repo, str(op.cid), record))
    return events


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
