"""Golden assignment: which post is filed under which session, kept apart from the rendered bytes.

The reviewed table is a tab-separated file, one row per post (``post_id, session, author,
text``), sorted by post id; ``session`` is ``hallway`` for posts filed nowhere. When the
assignment differs, the failure lists the posts that moved (id, author, text start,
from-session → to-session) instead of an HTML diff. The regeneration policy is in the
README.md beside the golden file.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from aggregator.models import Digest, Placement

HALLWAY = "hallway"
TEXT_START = 60
MAX_MOVES_SHOWN = 80
COLUMNS = ("post_id", "session", "author", "text")


@dataclass(frozen=True)
class FiledPost:
    post_id: str
    session: str
    author: str
    text: str


def filed_posts(digest: Digest) -> tuple[FiledPost, ...]:
    """Every post of every placed thread with the session it is filed under, sorted by post id."""
    rows = [
        FiledPost(post.id, placement.session_id or HALLWAY, post.author.handle, _text_start(post.text))
        for placement in digest.placements
        for post in placement.thread.posts
    ]
    return tuple(sorted(rows, key=lambda row: row.post_id))


def _text_start(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= TEXT_START else flat[: TEXT_START - 1] + "…"


def write_table(rows: tuple[FiledPost, ...]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(dataclasses.astuple(row) for row in rows)
    return out.getvalue()


def read_table(golden: Path) -> tuple[FiledPost, ...]:
    with golden.open(encoding="utf-8", newline="") as handle:
        return tuple(FiledPost(**row) for row in csv.DictReader(handle, delimiter="\t"))


def describe_moves(expected: tuple[FiledPost, ...], actual: tuple[FiledPost, ...]) -> list[str]:
    """One line per post whose session changed, appeared or disappeared, in post-id order."""
    before = {row.post_id: row for row in expected}
    after = {row.post_id: row for row in actual}
    lines = []
    for post_id in sorted(before.keys() | after.keys()):
        old, new = before.get(post_id), after.get(post_id)
        if old is not None and new is not None and old.session == new.session:
            continue
        shown = new or old
        assert shown is not None
        source = old.session if old else "(not in golden)"
        target = new.session if new else "(gone)"
        lines.append(f"{post_id}  @{shown.author}  {shown.text!r}  {source} → {target}")
    return lines


def update_if_asked(digest: Digest, golden: Path) -> None:
    """Rewrite the golden table from ``digest`` when UPDATE_GOLDEN is set."""
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(write_table(filed_posts(digest)), encoding="utf-8")


def assert_assignment_matches_golden(digest: Digest, golden: Path) -> None:
    __tracebackhide__ = True  # the list of moves is the message
    actual = filed_posts(digest)
    update_if_asked(digest, golden)
    moves = describe_moves(read_table(golden), actual)
    if not moves:
        return
    shown = moves[:MAX_MOVES_SHOWN] + ([f"… {len(moves) - MAX_MOVES_SHOWN} more"] if len(moves) > MAX_MOVES_SHOWN else [])
    raise AssertionError(
        f"{len(moves)} post(s) moved against {golden}; if intended, regenerate with UPDATE_GOLDEN=1 "
        "and commit the table with the change (policy in the README beside it):\n" + "\n".join(shown)
    )


def with_golden_sessions(digest: Digest, golden: Path) -> Digest:
    """The digest with every thread filed where the golden table says, so that a rendering golden
    changes only when rendering does, not when the assignment does."""
    update_if_asked(digest, golden)
    session_of: Mapping[str, str] = {row.post_id: row.session for row in read_table(golden)}
    placements = tuple(_refiled(placement, session_of) for placement in digest.placements)
    return dataclasses.replace(digest, placements=placements)


def _refiled(placement: Placement, session_of: Mapping[str, str]) -> Placement:
    golden_session = session_of.get(placement.thread.id)
    if golden_session is None:
        return placement
    return dataclasses.replace(placement, session_id=None if golden_session == HALLWAY else golden_session)
