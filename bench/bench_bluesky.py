"""Benchmark: Bluesky ingest from saved searchPosts pages against its floor.

    python bench/bench_bluesky.py                 # 10,000 and 20,000 posts
    python bench/bench_bluesky.py --posts 5000 --posts 50000

The posts are generated here as real ``app.bsky.feed.searchPosts`` answers (100 posts a page,
the shapes of the captured answers in ../shared/samples/bluesky/: facets with UTF-8 byte
offsets and trailing spaces, images with alt text, link cards, quotes, videos, replies,
``-05:00`` offsets, labels; authors post several times) and written to a folder.

Timed, each on the same pages:
  floor      ``json.loads`` of every page plus the atproto SDK's validation of it
             (``get_or_create(data, AppBskyFeedSearchPosts.Response, strict=True)``, as the client does)
  collect    the real collector replaying that folder (``type: bluesky`` with ``path:``): read,
             validate, window, normalize to ``Post`` and judge what may be published
  store      ``Store.save_collected`` of the collected posts into an empty SQLite store
The ratio is each step's time to the floor's; the target for collect is at most 1.5×.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from atproto_client import models  # noqa: E402
from atproto_client.models.utils import get_or_create  # noqa: E402
from ingest_table import IngestBench, main  # noqa: E402

from aggregator.collectors import CollectContext, CollectResult, SourceState  # noqa: E402
from aggregator.collectors.bluesky.collector import BlueskyCollector, BlueskyOptions  # noqa: E402
from aggregator.models import Conference  # noqa: E402

PAGE_SIZE = 100
TAG = "benchcon27"
START = datetime(2027, 3, 2, 8, 0, tzinfo=UTC)
CONFERENCE = Conference(name="BenchCon", hashtags=(TAG,), timezone="Europe/Berlin", start=START, end=START + timedelta(days=3))
WORDS = ("talk", "slides", "keynote", "Ünïcode", "naïve", "metadata", "R & Python", "<b>not html</b>", "🎉", "日本語", "archive")
LABELS = ("", "", "", "", "", "", "", "", "", "nudity")  # 1 in 10 posts self-labelled, so some are withheld


def _did(n: int) -> str:
    return f"did:plc:{n:024d}"


def _author(n: int) -> dict[str, Any]:
    did = _did(n)
    return {
        "did": did,
        "handle": f"person{n}.bsky.social",
        "displayName": f"Person {n} 🦋" if n % 3 else "",
        "avatar": f"https://cdn.bsky.app/img/avatar/plain/{did}/bafkrei{n:010d}@jpeg",
        "associated": {"chat": {"allowIncoming": "following"}, "activitySubscription": {"allowSubscriptions": "followers"}},
        "viewer": {"muted": False, "blockedBy": False},
        "labels": [],
        "createdAt": "2023-10-16T13:57:56.346Z",
    }


def _uri(author: int, n: int) -> str:
    return f"at://{_did(author)}/app.bsky.feed.post/3lbench{n:08d}"


def _ref(author: int, n: int) -> dict[str, str]:
    return {"uri": _uri(author, n), "cid": f"bafyreiref{n:010d}"}


def _time(moment: datetime, n: int) -> str:
    """The spellings the AppView passes on: Z with 3 fraction digits, more digits, an offset."""
    if n % 7 == 0:
        return (moment - timedelta(hours=5)).replace(tzinfo=None).isoformat(timespec="microseconds") + "-05:00"
    if n % 5 == 0:
        return moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "123Z"
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def _text_and_facets(rng: random.Random, n: int) -> tuple[str, list[dict[str, Any]]]:
    facets: list[dict[str, Any]] = []
    parts: list[str] = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14)))]

    def add(piece: str, feature: dict[str, Any], trailing: str = "") -> None:
        start = len(" ".join(parts).encode()) + 1
        parts.append(piece + trailing)
        facets.append({"index": {"byteStart": start, "byteEnd": start + len((piece + trailing).encode())}, "features": [feature]})

    add(f"#{TAG}", {"$type": "app.bsky.richtext.facet#tag", "tag": TAG}, " " if n % 4 == 0 else "")
    if n % 3 == 0:
        add("example.org/talks/lo...", {"$type": "app.bsky.richtext.facet#link", "uri": f"https://example.org/talks/long-{n}"})
    if n % 5 == 0:
        add(f"@person{n % 97}.bsky.social", {"$type": "app.bsky.richtext.facet#mention", "did": _did(n % 97)})
    if n % 11 == 0:
        parts.append("\n\nA second paragraph.\nWith a line break.")
    return " ".join(parts), facets


def _embeds(n: int, author: int, created: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The record's embed and the view's, in the sample's mix: 39 % none, 34 % images, 21 % link
    cards, 5 % quotes, 1 % video."""
    kind = n % 100
    blob = {"$type": "blob", "ref": {"$link": f"bafkreiblob{n:010d}"}, "mimeType": "image/jpeg", "size": 123456}
    cdn = f"https://cdn.bsky.app/img/feed_fullsize/plain/{_did(author)}/bafkreiblob{n:010d}@jpeg"
    if kind < 39:
        return None, None
    if kind < 73:
        ratio = {"width": 1200, "height": 800}
        record = {"$type": "app.bsky.embed.images", "images": [{"alt": f"Slide {n}", "image": blob, "aspectRatio": ratio}]}
        view = {"$type": "app.bsky.embed.images#view",
                "images": [{"thumb": cdn.replace("fullsize", "thumbnail"), "fullsize": cdn, "alt": f"Slide {n}", "aspectRatio": ratio}]}  # fmt: skip
        return record, view
    if kind < 94:
        external = {"uri": f"https://example.org/post/{n}", "title": f"Post {n} & more", "description": "A description."}
        return ({"$type": "app.bsky.embed.external", "external": {**external, "thumb": blob}},
                {"$type": "app.bsky.embed.external#view", "external": {**external, "thumb": cdn}})  # fmt: skip
    if kind < 99:
        quoted_author = (author + 1) % 500
        value = {"$type": "app.bsky.feed.post", "createdAt": created, "text": f"The quoted post {n}", "langs": ["en"]}
        view_record = {"$type": "app.bsky.embed.record#viewRecord", **_ref(quoted_author, n + 10_000_000),
                       "author": _author(quoted_author), "value": value, "labels": [], "likeCount": 3,
                       "replyCount": 0, "repostCount": 1, "quoteCount": 0, "indexedAt": created, "embeds": []}  # fmt: skip
        return ({"$type": "app.bsky.embed.record", "record": _ref(quoted_author, n + 10_000_000)},
                {"$type": "app.bsky.embed.record#view", "record": view_record})  # fmt: skip
    video = {"alt": "", "aspectRatio": {"width": 1920, "height": 1080}}
    return ({"$type": "app.bsky.embed.video", "video": {**blob, "mimeType": "video/mp4"}, **video},
            {"$type": "app.bsky.embed.video#view", "cid": f"bafkreivideo{n:010d}", **video,
             "playlist": f"https://video.bsky.app/watch/{n}/playlist.m3u8",
             "thumbnail": f"https://video.bsky.app/watch/{n}/thumbnail.jpg"})  # fmt: skip


def post_view(rng: random.Random, n: int, authors: int) -> dict[str, Any]:
    author = rng.randrange(authors)
    moment = START + timedelta(seconds=7 * n, microseconds=rng.randrange(1_000_000))
    created = _time(moment, n)
    text, facets = _text_and_facets(rng, n)
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "createdAt": created, "text": text, "langs": ["en"], "facets": facets}
    if n % 3 == 1 and n > 10:
        parent = rng.randrange(n)
        record["reply"] = {"parent": _ref(author, parent), "root": _ref(author, parent - parent % 10)}
    if n % 13 == 0:
        record["tags"] = ["BenchCon", "archives"]
    label = LABELS[n % len(LABELS)]
    if label:
        record["labels"] = {"$type": "com.atproto.label.defs#selfLabels", "values": [{"val": label}]}
    record_embed, view_embed = _embeds(n, author, created)
    view: dict[str, Any] = {"uri": _uri(author, n), "cid": f"bafyreipost{n:010d}", "author": _author(author), "record": record}
    if record_embed is not None:
        record["embed"] = record_embed
        view["embed"] = view_embed
    indexed = (moment + timedelta(seconds=2)).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"
    counts = {"replyCount": n % 4, "repostCount": n % 6, "likeCount": n % 17, "quoteCount": 0, "bookmarkCount": 0}
    return {**view, **counts, "indexedAt": indexed, "viewer": {"threadMuted": False, "embeddingDisabled": False}, "labels": []}


def write_pages(folder: Path, posts: int, seed: int = 27) -> list[Path]:
    """``posts`` post views as searchPosts answers, newest first like the AppView's ``sort=latest``."""
    rng = random.Random(seed)
    views = [post_view(rng, n, authors=max(50, posts // 5)) for n in range(posts)]
    views.reverse()
    files = []
    for page, start in enumerate(range(0, posts, PAGE_SIZE)):
        answer = {"posts": views[start : start + PAGE_SIZE], "cursor": str(start + PAGE_SIZE), "hitsTotal": posts}
        file = folder / f"searchPosts-{page:05d}.json"
        file.write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
        files.append(file)
    return files


def floor(files: Sequence[Path]) -> int:
    count = 0
    for file in files:
        answer = get_or_create(json.loads(file.read_text(encoding="utf-8")), models.AppBskyFeedSearchPosts.Response, strict=True)
        count += len(answer.posts)
    return count


def collect(folder: Path) -> CollectResult:
    context = CollectContext(conference=CONFERENCE, data_dir=folder)
    collector = BlueskyCollector(BlueskyOptions(type="bluesky", path=folder, sensitive="hide"), context)
    return collector.collect(SourceState())


BENCH = IngestBench(
    service="bluesky",
    unit="posts",
    write_pages=write_pages,
    floor=floor,
    collect=collect,
    floor_step="floor: json.loads + SDK validation",
    collect_step="collect: replay, normalize, judge",
    floor_counted="validated",
    kept=lambda result: f"{len(result.posts)} kept, {len(result.deleted)} withheld",
)


if __name__ == "__main__":
    main(BENCH, __doc__ or "")
