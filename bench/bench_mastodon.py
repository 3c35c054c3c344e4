"""Benchmark: Mastodon collection from saved timeline pages against its floor.

    python bench/bench_mastodon.py                 # 10,000 and 20,000 statuses
    python bench/bench_mastodon.py --posts 5000 --posts 50000

The statuses are generated here as real ``/api/v1/timelines/tag/:hashtag`` answers (40 statuses a
page, newest first, in the shape of tests/collectors/mastodon/data/: HTML content with hashtag and
mention links, media with alt text, link cards, replies that make threads, boosts, accounts on
several servers, some with #nobot in their profile) and written to a folder.

Timed (CPU time, the fastest of ``--repeats`` runs), each on the same pages:
  floor      ``json.loads`` of every page plus ``status_to_post`` of every status on it: the
             parsing and per-status normalizing that any collect must do
  collect    the real collector replaying that folder (``type: mastodon`` with ``path:``): read,
             pool, pick threads, withhold opted-out accounts, normalize to ``Post``
  store      ``Store.save_collected`` of the collected posts into an empty SQLite store
The ratio is each step's time to the floor's; collect should stay close to 1× and grow linearly.
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

from ingest_table import IngestBench, main  # noqa: E402

from aggregator.collectors import CollectContext, CollectResult, SourceState  # noqa: E402
from aggregator.collectors.mastodon.collector import MastodonCollector, MastodonOptions  # noqa: E402
from aggregator.collectors.mastodon.statuses import is_boost, status_to_post  # noqa: E402
from aggregator.models import Conference  # noqa: E402

PAGE_SIZE = 40  # Mastodon's largest `limit`
TAG = "benchcon27"
SERVERS = ("glammr.example", "code4lib.example", "mastodon.example", "hachyderm.example")
START = datetime(2027, 3, 2, 8, 0, tzinfo=UTC)
CONFERENCE = Conference(name="BenchCon", hashtags=(TAG,), timezone="Europe/Berlin", start=START, end=START + timedelta(days=3))
WORDS = ("talk", "slides", "keynote", "Ünïcode", "naïve", "metadata", "R &amp; Python", "🎉", "日本語", "archive")


def _account(n: int) -> dict[str, Any]:
    server = SERVERS[n % len(SERVERS)]
    return {
        "id": str(1_000_000 + n),
        "username": f"person{n}",
        "acct": f"person{n}@{server}",
        "display_name": f"Person {n} 🐘" if n % 3 else "",
        "url": f"https://{server}/@person{n}",
        "avatar": f"https://{server}/avatars/{n}.png",
        "note": "<p>#nobot</p>" if n % 50 == 0 else "<p>Librarian.</p>",
        "fields": [],
        "bot": False,
    }


def _status_id(n: int) -> str:
    return str(113_000_000_000_000_000 + n)


def _content(rng: random.Random, n: int, account: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
    server = account["url"].split("/")[2]
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14)))
    tag = f'<a href="https://{server}/tags/{TAG}" class="mention hashtag" rel="tag">#<span>{TAG}</span></a>'
    mentions = []
    extra = ""
    if n % 5 == 0:
        other = _account(n % 97)
        mentions.append({"id": other["id"], "username": other["username"], "acct": other["acct"], "url": other["url"]})
        extra += f' <span class="h-card"><a href="{other["url"]}" class="u-url mention">@<span>{other["username"]}</span></a></span>'
    if n % 3 == 0:
        extra += f' <a href="https://example.org/talks/long-{n}" rel="nofollow noopener" target="_blank">example.org/talks/lo…</a>'
    return f"<p>{words} {tag}{extra}</p>", mentions


def status(rng: random.Random, n: int, accounts: int) -> dict[str, Any]:
    account = _account(rng.randrange(accounts))
    server = account["url"].split("/")[2]
    content, mentions = _content(rng, n, account)
    created = START + timedelta(seconds=7 * n)
    parent = rng.randrange(n) if n % 3 == 1 and n > 10 else None
    media = [
        {"id": str(n), "type": "image", "url": f"https://{server}/media/{n}.jpg", "preview_url": f"https://{server}/media/{n}-small.jpg",
         "description": f"Slide {n}", "meta": {"original": {"width": 1200, "height": 800}}}
    ] if n % 4 == 0 else []  # fmt: skip
    card = {"url": f"https://example.org/talks/long-{n}", "title": f"Talk {n} &amp; more", "description": "A description.",
            "image": None, "type": "link"} if n % 3 == 0 else None  # fmt: skip
    return {
        "id": _status_id(n),
        "created_at": created.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "in_reply_to_id": _status_id(parent) if parent is not None else None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "en",
        "uri": f"https://{server}/users/{account['username']}/statuses/{_status_id(n)}",
        "url": f"https://{server}/@{account['username']}/{_status_id(n)}",
        "replies_count": n % 4,
        "reblogs_count": n % 6,
        "favourites_count": n % 17,
        "content": content,
        "reblog": None,
        "account": account,
        "media_attachments": media,
        "mentions": mentions,
        "tags": [{"name": TAG, "url": f"https://{server}/tags/{TAG}"}],
        "emojis": [],
        "card": card,
        "poll": None,
    }


def _boost(rng: random.Random, n: int, accounts: int, of: dict[str, Any]) -> dict[str, Any]:
    """A boost: its own status carrying the boosted one (the collector skips it)."""
    wrapper = status(rng, n, accounts)
    return {**wrapper, "content": "", "reblog": of, "media_attachments": [], "card": None, "mentions": []}


def write_pages(folder: Path, posts: int, seed: int = 27) -> list[Path]:
    """``posts`` statuses (1 in 20 a boost) as tag timeline pages, newest first like the server's."""
    rng = random.Random(seed)
    accounts = max(50, posts // 5)
    statuses: list[dict[str, Any]] = []
    for n in range(posts):
        statuses.append(_boost(rng, n, accounts, statuses[-1]) if n % 20 == 19 else status(rng, n, accounts))
    statuses.reverse()
    files = []
    for page, start in enumerate(range(0, posts, PAGE_SIZE)):
        file = folder / f"timeline-tag-{page:05d}.json"
        file.write_text(json.dumps(statuses[start : start + PAGE_SIZE], ensure_ascii=False), encoding="utf-8")
        files.append(file)
    return files


def floor(files: Sequence[Path]) -> int:
    count = 0
    for file in files:
        for item in json.loads(file.read_text(encoding="utf-8")):
            status_to_post(item["reblog"] if is_boost(item) else item)
            count += 1
    return count


def collect(folder: Path) -> CollectResult:
    context = CollectContext(conference=CONFERENCE, data_dir=folder)
    collector = MastodonCollector(MastodonOptions(type="mastodon", path=folder), context)
    return collector.collect(SourceState())


BENCH = IngestBench(
    service="mastodon",
    unit="statuses",
    write_pages=write_pages,
    floor=floor,
    collect=collect,
    floor_step="floor: json.loads + status_to_post",
    collect_step="collect: replay, pool, threads, normalize",
    floor_counted="statuses",
    kept=lambda result: f"{len(result.posts)} kept, {len(result.withheld)} withheld",
)


if __name__ == "__main__":
    main(BENCH, __doc__ or "")
