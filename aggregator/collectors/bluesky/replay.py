"""``path:`` replay: saved XRPC answers read exactly like live ones.

A file, or a folder of ``*.json`` files, each one answer of ``searchPosts`` / ``getPosts``
(key ``posts``), ``getFeed`` / ``getAuthorFeed`` / ``getListFeed`` (key ``feed``) or
``getPostThread`` (key ``thread``), validated with the atproto SDK models.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeAlias

from atproto_client import models
from atproto_client.models.utils import get_or_create

from aggregator.collectors import saved_files
from aggregator.collectors.bluesky.threads import RepliesPolicy, pick_thread
from aggregator.errors import SourceError

PostView: TypeAlias = models.AppBskyFeedDefs.PostView


def replayed_views(path: Path, replies: RepliesPolicy) -> Iterator[PostView]:
    """Every post view in the saved answers, reposts left out, threads picked per ``replies``."""
    for file in saved_files(path, "**/*.json"):
        yield from _views(_load(file), file, replies)


def views_of_feed(feed: list[models.AppBskyFeedDefs.FeedViewPost]) -> Iterator[PostView]:
    """Feed items minus reposts (a repost is someone sharing a post, not a post of theirs)."""
    for item in feed:
        if not isinstance(item.reason, models.AppBskyFeedDefs.ReasonRepost):
            yield item.post


def _load(file: Path) -> dict[str, Any]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:  # RecursionError: nested too deeply
        raise SourceError(f"{file}: not a readable JSON answer: {exc}") from exc
    if not isinstance(data, dict):
        raise SourceError(f"{file}: expected a JSON object (an XRPC answer)")
    return data


def _views(data: dict[str, Any], file: Path, replies: RepliesPolicy) -> Iterator[PostView]:
    if "thread" in data:
        answer = _validated(data, models.AppBskyFeedGetPostThread.Response, file)
        yield from pick_thread(answer.thread, replies).posts
    elif "feed" in data:
        yield from views_of_feed(_validated(data, models.AppBskyFeedGetAuthorFeed.Response, file).feed)
    elif "posts" in data:
        yield from _validated(data, models.AppBskyFeedSearchPosts.Response, file).posts
    else:
        raise SourceError(f"{file}: not a searchPosts, getPosts, getFeed, getAuthorFeed or getPostThread answer")


def _validated(data: dict[str, Any], model: type[Any], file: Path) -> Any:
    try:
        return get_or_create(data, model, strict=True)
    except Exception as exc:  # the SDK's ModelError carries pydantic's explanation
        raise SourceError(f"{file}: not a valid {model.__module__.rsplit('.', 1)[-1]} answer: {exc}") from exc
