"""Rebuild live-threads from loose posts.

A thread is a root post, the author's own continuations (self-replies, at any depth) and,
depending on ``replies``, other people's replies kept as conversation. Posts are linked by
``reply_parent`` (another post's ``id`` or ``url``), falling back to ``reply_root``; a reply
whose parent and root are both unknown starts its own thread.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Literal

from aggregator.models import Post, Thread

RepliesMode = Literal["conversation", "separate", "none"]
"""What happens to replies by people other than the thread's author:

- ``conversation``: kept in the thread as conversation (marked in ``Thread.conversation``);
- ``separate``: each such reply starts its own thread (which may carry its own continuations);
- ``none``: dropped (the thread author's own answers to them are kept).
"""


def build_threads(posts: Iterable[Post], replies: RepliesMode = "conversation") -> list[Thread]:
    """Group posts into threads, oldest thread first; every kept post lands in exactly one thread."""
    unique = _deduplicate(posts)
    parent_of = _link_parents(unique)
    children: dict[str, list[Post]] = defaultdict(list)
    roots: list[Post] = []
    for post in unique.values():
        parent_id = parent_of.get(post.id)
        if parent_id is None:
            roots.append(post)
        else:
            children[parent_id].append(post)
    threads: list[Thread] = []
    pending = sorted(roots, key=_chronological)
    while pending:
        root = pending.pop(0)
        thread, detached = _collect_thread(root, children, replies)
        threads.append(thread)
        pending.extend(detached)
    threads.sort(key=lambda t: _chronological(t.root))
    return threads


def _deduplicate(posts: Iterable[Post]) -> dict[str, Post]:
    unique: dict[str, Post] = {}
    for post in posts:
        unique.setdefault(post.id, post)
    return unique


def _link_parents(posts: Mapping[str, Post]) -> dict[str, str]:
    """Each reply's known parent id; cycles (broken data) are cut so every chain ends at a root."""
    by_url = {p.url: p.id for p in posts.values() if p.url and p.url not in posts}

    def resolve(reference: str) -> str | None:
        if not reference:
            return None
        if reference in posts:
            return reference
        return by_url.get(reference)

    parent_of: dict[str, str] = {}
    for post in posts.values():
        parent = resolve(post.reply_parent) or resolve(post.reply_root)
        if parent is not None and parent != post.id:
            parent_of[post.id] = parent
    _break_cycles(parent_of)
    return parent_of


def _break_cycles(parent_of: dict[str, str]) -> None:
    settled: set[str] = set()
    for start in list(parent_of):
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in settled:
            if node in on_path:
                del parent_of[node]  # the oldest link back into the loop: this post becomes a root
                break
            path.append(node)
            on_path.add(node)
            node = parent_of.get(node)
        settled.update(path)


def _collect_thread(root: Post, children: Mapping[str, list[Post]], replies: RepliesMode) -> tuple[Thread, list[Post]]:
    """Walk the reply tree under ``root``; returns the thread and replies that start threads of their own."""
    members: list[Post] = [root]
    conversation: set[str] = set()
    detached: list[Post] = []
    stack = [root]
    while stack:
        post = stack.pop()
        for child in children.get(post.id, ()):
            if child.author.id == root.author.id:
                members.append(child)
            elif replies == "conversation":
                members.append(child)
                conversation.add(child.id)
            elif replies == "separate":
                detached.append(child)
                continue
            # "none": the reply itself is dropped, but the author's answers below it still belong here
            stack.append(child)
    members.sort(key=_chronological)
    members.remove(root)
    return Thread(root=root, posts=(root, *members), conversation=frozenset(conversation)), detached


def _chronological(post: Post) -> tuple[object, str]:
    return (post.created_at, post.id)


def split_thread(thread: Thread, at: datetime) -> tuple[Thread, Thread] | None:
    """The thread cut before its author's first own post at or after ``at``: the posts before it,
    then that post (the new root) and everything after. None when either part would have none of
    the author's own posts."""
    later_root = next((p for p in thread.own_posts if p.created_at >= at and p.id != thread.root.id), None)
    if later_root is None:
        return None
    cut = thread.posts.index(later_root)
    earlier, later = thread.posts[:cut], thread.posts[cut:]
    return _part(earlier, thread.conversation), _part(later, thread.conversation)


def _part(posts: tuple[Post, ...], conversation: frozenset[str]) -> Thread:
    return Thread(root=posts[0], posts=posts, conversation=conversation & {p.id for p in posts})
