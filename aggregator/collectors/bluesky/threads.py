"""Pick the posts of a live-thread out of a ``getPostThread`` answer.

A live-poster tags the first post only; the rest are replies to themselves. From the
thread around a post we keep the author's own chain (upwards through their own parents and
downwards through their own replies) and, with ``replies: all``, everyone else's replies
as conversation. Branches the AppView cut off at the requested depth are reported so the
caller can fetch them in turn.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from atproto_client import models

RepliesPolicy = Literal["self", "all", "none"]
ThreadNode: TypeAlias = models.AppBskyFeedDefs.ThreadViewPost
PostView: TypeAlias = models.AppBskyFeedDefs.PostView


@dataclass(frozen=True)
class ThreadPick:
    posts: tuple[PostView, ...]  # the posts to keep, the focused one included
    truncated: tuple[str, ...]  # URIs of kept posts whose replies were not loaded


def pick_thread(thread: Any, policy: RepliesPolicy) -> ThreadPick:
    """Posts to keep from a ``getPostThread`` ``thread`` (not-found/blocked answers give nothing)."""
    if not isinstance(thread, models.AppBskyFeedDefs.ThreadViewPost):
        return ThreadPick((), ())
    author = thread.post.author.did
    posts = list(_own_ancestors(thread, author))
    truncated: list[str] = []
    for node, own in _descendants(thread, author, policy):
        posts.append(node.post)
        if own and node.replies is None and (node.post.reply_count or 0) > 0:
            truncated.append(node.post.uri)
    return ThreadPick(tuple(posts), tuple(truncated))


def may_continue(view: PostView) -> bool:
    """Is this post part of a thread worth fetching (it has replies, or it is one)?"""
    record = view.record
    is_reply = isinstance(record, models.AppBskyFeedPost.Record) and record.reply is not None
    return is_reply or (view.reply_count or 0) > 0


def _own_ancestors(node: ThreadNode, author: str) -> Iterator[PostView]:
    parent = node.parent
    while isinstance(parent, models.AppBskyFeedDefs.ThreadViewPost) and parent.post.author.did == author:
        yield parent.post
        parent = parent.parent


def _descendants(node: ThreadNode, author: str, policy: RepliesPolicy) -> Iterator[tuple[ThreadNode, bool]]:
    """The node itself, then the replies the policy keeps, depth first. Yields (node, by the author)."""
    stack: list[tuple[ThreadNode, bool]] = [(node, True)]
    while stack:
        current, own = stack.pop()
        yield current, own
        for reply in reversed(current.replies or ()):
            if not isinstance(reply, models.AppBskyFeedDefs.ThreadViewPost):
                continue
            reply_is_own = own and reply.post.author.did == author
            if reply_is_own or policy == "all":
                stack.append((reply, reply_is_own))
