"""Benchmark: the store on SQLite and on PostgreSQL, and two collectors against one.

    python bench/bench_store.py                      # 100,000 posts from 8 sources
    python bench/bench_store.py --posts 20000 --sources 4
    python bench/bench_store.py --postgres postgresql://me@db.example/bench   # an existing (empty) database

Without --postgres a throwaway cluster is started (the PostgreSQL server binaries must be
installed; see tests/store/postgres_server.py). Each source's posts are one save_collected
call (one transaction), as a collect writes them; 5 % of the posts are bridged copies of
another post, so the copy linking runs too; 1 in 20 posts is collected by two sources.

Stages timed per engine:
  collect (new)        every source saved into an empty store
  collect (unchanged)  the same again: the every-10-minutes case, nothing new
  read for build       store.posts(): what a build reads
  threads              build_threads over those posts (the same on both engines: a check)
Then on PostgreSQL: all sources collected by one process, against two processes at once
with half the sources each (wall time, fresh schema each).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aggregator.collectors import SourceState  # noqa: E402
from aggregator.models import Author, Post  # noqa: E402
from aggregator.store.postgres import PostgresStore  # noqa: E402
from aggregator.store.protocol import PostStore  # noqa: E402
from aggregator.store.sqlite import Store  # noqa: E402
from aggregator.threads import build_threads  # noqa: E402

T = TypeVar("T")
START = datetime(2027, 3, 2, 14, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Batch:
    source: str
    posts: tuple[Post, ...]


def make_posts(count: int, sources: int) -> list[Batch]:
    authors = [Author(id=f"did:plc:a{n}", handle=f"a{n}.example", display_name=f"A {n}") for n in range(2000)]
    by_source: list[list[Post]] = [[] for _ in range(sources)]
    for n in range(count):
        author = authors[n % len(authors)]
        copy_of = n - 7 if n % 20 == 3 and n >= 7 else None
        post = Post(
            id=f"at://{author.id}/app.bsky.feed.post/{n}",
            source="bluesky",
            url=f"https://bsky.app/profile/{author.handle}/post/{n}",
            canonical_url=f"https://bsky.app/profile/{authors[copy_of % len(authors)].handle}/post/{copy_of}"
            if copy_of is not None
            else "",
            author=author,
            created_at=START + timedelta(seconds=n * 2),
            text=f"post {n} about talk {n % 300} #c4l27",
            html=f"<p>post {n} about talk {n % 300} #c4l27</p>",
            hashtags=("c4l27",),
            reply_parent=f"at://{author.id}/app.bsky.feed.post/{n - len(authors)}" if n % 4 == 1 and n > 2000 else None,
        )
        by_source[n % sources].append(post)
        if n % 20 == 0:
            by_source[(n + 1) % sources].append(post)  # also found by another source
    return [Batch(f"source-{i}", tuple(posts)) for i, posts in enumerate(by_source)]


def timed(work: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def collect(store: PostStore, batches: Sequence[Batch]) -> int:
    return sum(store.save_collected(b.source, "bluesky", b.posts, [], SourceState(cursor="c")).new for b in batches)


def stages(store: PostStore, batches: Sequence[Batch]) -> dict[str, float]:
    figures: dict[str, float] = {}
    figures["collect (new)"], _ = timed(lambda: collect(store, batches))
    figures["collect (unchanged)"], _ = timed(lambda: collect(store, batches))
    figures["read for build"], posts = timed(store.posts)
    figures["threads"], threads = timed(lambda: build_threads(posts))
    figures["posts stored"] = float(len(posts))
    figures["threads built"] = float(len(threads))
    return figures


def _collect_in_process(url: str, batches: Sequence[Batch]) -> None:
    with PostgresStore(url) as store, store.lock([b.source for b in batches]):
        collect(store, batches)


def processes_wall_time(url: str, groups: Sequence[Sequence[Batch]]) -> float:
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_collect_in_process, args=(url, group)) for group in groups]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
        if worker.exitcode != 0:
            raise SystemExit(f"a collector process failed with exit code {worker.exitcode}")
    return time.perf_counter() - started


@contextmanager
def postgres(url: str) -> Iterator[Callable[[], str]]:
    """A callable giving the URL of a fresh, empty schema."""
    if url:
        counter = iter(range(1000))

        def fresh_given() -> str:
            import psycopg

            name = f"bench_{next(counter)}_{int(time.time())}"
            with psycopg.connect(url, autocommit=True) as connection:
                connection.execute(f"CREATE SCHEMA {name}")
            return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{name}"

        yield fresh_given
        return
    from tests.store.postgres_server import throwaway_cluster

    with throwaway_cluster() as cluster:
        yield lambda: cluster.url(cluster.new_schema())


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--sources", type=int, default=8)
    parser.add_argument("--postgres", default="", help="an existing database to use instead of a throwaway cluster")
    args = parser.parse_args(argv)
    batches = make_posts(args.posts, args.sources)
    print(f"{args.posts} posts from {args.sources} sources ({sum(len(b.posts) for b in batches)} source results)\n")
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder)) as sqlite_store:
        on_sqlite = stages(sqlite_store, batches)
    with postgres(args.postgres) as fresh:
        with PostgresStore(fresh()) as pg_store:
            on_postgres = stages(pg_store, batches)
        one = processes_wall_time(fresh(), [batches])
        half = len(batches) // 2
        two = processes_wall_time(fresh(), [batches[:half], batches[half:]])
    rows = [("stage", "SQLite", "PostgreSQL")]
    for stage, value in on_sqlite.items():
        unit = "" if stage.endswith(("stored", "built")) else " s"
        number = "{:.0f}" if not unit else "{:.2f}"
        rows.append((stage, number.format(value) + unit, number.format(on_postgres[stage]) + unit))
    print(table(rows))
    print()
    print(table([
        ("PostgreSQL, collect (new), wall time", "seconds", "posts/s"),
        ("one collector, all sources", f"{one:.2f}", f"{args.posts / one:,.0f}"),
        ("two collectors at once, half the sources each", f"{two:.2f}", f"{args.posts / two:,.0f}"),
    ]))  # fmt: skip


if __name__ == "__main__":
    main()
