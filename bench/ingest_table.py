"""The measuring harness shared by the ingest benchmarks (bench_bluesky.py, bench_mastodon.py): write
generated pages, time a floor, the real collector replaying them and the store's save of its posts
(CPU time, the fastest of several runs), and print one table of the ratios to the floor."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aggregator.collectors import CollectResult  # noqa: E402
from aggregator.store.sqlite import Store  # noqa: E402

T = TypeVar("T")


@dataclass(frozen=True)
class IngestBench:
    """One service's benchmark: how to write its pages, its floor, its collect, and the words of its rows."""

    service: str  # the store's source type
    unit: str  # what --posts counts: "posts", "statuses"
    write_pages: Callable[[Path, int], list[Path]]
    floor: Callable[[list[Path]], int]
    collect: Callable[[Path], CollectResult]
    floor_step: str
    collect_step: str
    floor_counted: str  # what the floor's count is: "validated", "statuses"
    kept: Callable[[CollectResult], str]


def best_of(repeats: int, work: Callable[[], T]) -> tuple[float, T]:
    """The fastest of ``repeats`` runs: the machine is shared, so the minimum is the honest cost."""
    best, result = float("inf"), None
    for _ in range(repeats):
        started = time.process_time()
        result = work()
        best = min(best, time.process_time() - started)
    return best, result  # type: ignore[return-value]


def store_save(folder: Path, service: str, result: CollectResult) -> int:
    with Store(folder) as store:
        return store.save_collected("bench", service, result.posts, result.deleted, result.state, withheld=result.withheld).new


def measure(bench: IngestBench, posts: int, repeats: int) -> list[tuple[str, ...]]:
    with tempfile.TemporaryDirectory() as pages, tempfile.TemporaryDirectory() as data:
        files = bench.write_pages(Path(pages), posts)
        floor_time, counted = best_of(repeats, lambda: bench.floor(files))
        collect_time, result = best_of(repeats, lambda: bench.collect(Path(pages)))
        save_time, _ = best_of(1, lambda: store_save(Path(data), bench.service, result))
    return [
        (f"{posts:,}", bench.floor_step, f"{floor_time:.2f} s", "", f"{counted:,} {bench.floor_counted}"),
        (f"{posts:,}", bench.collect_step, f"{collect_time:.2f} s", f"{collect_time / floor_time:.2f}×", bench.kept(result)),
        (f"{posts:,}", "store: save_collected (SQLite)", f"{save_time:.2f} s", f"{save_time / floor_time:.2f}×", ""),
    ]


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main(bench: IngestBench, description: str, argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, action="append", help=f"{bench.unit} to generate (repeatable; default 10,000 and 20,000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of floor and collect; the fastest counts")
    args = parser.parse_args(argv)
    rows: list[tuple[str, ...]] = [(bench.unit, "step", "time", "ratio to floor", "")]
    for posts in args.posts or (10_000, 20_000):
        rows.extend(measure(bench, posts, args.repeats))
    print(table(rows))
