"""Benchmark: collection against its floor and a peer, and the incremental build (issue #13).

    pip install reader                      # the peer (lemon24/reader); not a dependency of the package
    python bench/performance.py             # the quick run: 1,000 posts, 100 sessions (about a minute)
    python bench/performance.py --posts 10000
    python bench/performance.py --posts 100000 --skip-latency

It generates a conference in the real wire formats: an iCalendar programme (up to 1,000
sessions) and 200 RSS/Atom feeds carrying the posts, served by a loopback HTTP server (a
separate process, 20 host names 127.0.0.1–127.0.0.20, ten feeds each) that answers
conditional GETs with ETag/Last-Modified, with no added delay and then with 100–300 ms per
response. Every step runs in its own process, so its peak RSS is its own:

  feedparser floor    feedparser.parse on the same 200 feeds' bytes, read from disk: the parse alone
  reader              lemon24/reader, update_feeds(workers=4), first and with nothing changed
  collect             `aggregator collect` of the 200 feeds, first and with nothing changed (all 304)
  build               `aggregator build`: full, with nothing new (skipped when none of its inputs
                      changed: "(build skipped)"), and after 100 new posts
  run, nothing new    `aggregator run` (collect + build) when no feed changed

"files rewritten" counts output files whose inode or mtime changed (what rsync sees).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FEEDS = 200
HOSTS = 20
LATENCY = (0.1, 0.3)
DAY_ONE = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
SLOT = timedelta(minutes=50)
SLOTS_PER_DAY = 10
AUTHORS = 500
NEW_POSTS = 100
REPO = Path(__file__).resolve().parent.parent


# --- the conference, in its wire formats ------------------------------------------------------


@dataclass(frozen=True)
class Talk:
    uid: str
    title: str
    room: str
    start: datetime


def make_talks(count: int) -> list[Talk]:
    rooms = max(1, count // 40)
    talks = []
    for index in range(count):
        slot = index // rooms
        start = DAY_ONE + timedelta(days=slot // SLOTS_PER_DAY) + SLOT * (slot % SLOTS_PER_DAY)
        title = f"Talk {index}: {_words(index, 4)}"
        talks.append(Talk(f"talk-{index}@bench", title, f"Room {index % rooms + 1}", start))
    return talks


def _words(seed: int, count: int) -> str:
    vocabulary = ("linked", "data", "catalogue", "metadata", "archives", "open", "access", "preservation",
                  "discovery", "digital", "collections", "users", "search", "records", "library", "services")
    picker = random.Random(seed)
    return " ".join(picker.choice(vocabulary) for _ in range(count))


def programme_ics(talks: Sequence[Talk]) -> str:
    events = []
    for talk in talks:
        events.append(
            "BEGIN:VEVENT\r\n"
            f"UID:{talk.uid}\r\nDTSTART:{talk.start:%Y%m%dT%H%M%SZ}\r\n"
            f"DTEND:{talk.start + timedelta(minutes=45):%Y%m%dT%H%M%SZ}\r\n"
            f"SUMMARY:{talk.title}\r\nLOCATION:{talk.room}\r\nEND:VEVENT\r\n"
        )
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n" + "".join(events) + "END:VCALENDAR\r\n"


@dataclass(frozen=True)
class Entry:
    number: int
    talk: Talk
    published: datetime


def make_entries(talks: Sequence[Talk], first: int, count: int, only_talks: Sequence[Talk] = ()) -> list[Entry]:
    pool = list(only_talks) or list(talks)
    entries = []
    for number in range(first, first + count):
        talk = pool[number % len(pool)]
        minute = random.Random(number).uniform(1, 44)
        entries.append(Entry(number, talk, talk.start + timedelta(minutes=minute)))
    return entries


def feed_document(feed: int, entries: Sequence[Entry]) -> str:
    if feed % 2:
        return _atom(feed, entries)
    items = "".join(
        f"<item><title>{escape(e.talk.title)} notes #bench27</title><link>{_entry_url(feed, e)}</link>"
        f"<guid>{_entry_url(feed, e)}</guid><pubDate>{format_datetime(e.published, usegmt=True)}</pubDate>"
        f"<dc:creator>Author {e.number % AUTHORS}</dc:creator><description>{escape(_entry_html(e))}</description></item>"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>Blog {feed}</title><link>https://blog{feed}.example/</link>"
        f"<description>Bench blog {feed}</description>{items}</channel></rss>\n"
    )


def _atom(feed: int, entries: Sequence[Entry]) -> str:
    items = "".join(
        f"<entry><title>{escape(e.talk.title)} notes #bench27</title><link href=\"{_entry_url(feed, e)}\"/>"
        f"<id>{_entry_url(feed, e)}</id><updated>{e.published.isoformat()}</updated>"
        f"<author><name>Author {e.number % AUTHORS}</name></author>"
        f"<content type=\"html\">{escape(_entry_html(e))}</content></entry>"
        for e in entries
    )
    newest = max((e.published for e in entries), default=DAY_ONE).isoformat()
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Blog {feed}</title><id>https://blog{feed}.example/</id><updated>{newest}</updated>"
        f"<link href=\"https://blog{feed}.example/\"/>{items}</feed>\n"
    )


def _entry_url(feed: int, entry: Entry) -> str:
    return f"https://blog{feed}.example/posts/{entry.number}"


def _entry_html(entry: Entry) -> str:
    return (
        f"<p>Live from <b>{escape(entry.talk.room)}</b>: {escape(_words(entry.number, 12))} #bench27</p>"
        f'<p>Slides: <a href="https://slides.example/{entry.number}">here</a></p>'
    )


def write_feeds(folder: Path, entries: Sequence[Entry]) -> None:
    by_feed: dict[int, list[Entry]] = {feed: [] for feed in range(FEEDS)}
    for entry in entries:
        by_feed[entry.number % FEEDS].append(entry)
    for feed, items in by_feed.items():
        target = folder / f"feed-{feed}.xml"
        document = feed_document(feed, sorted(items, key=lambda e: e.published, reverse=True))
        if not target.exists() or target.read_text(encoding="utf-8") != document:
            target.write_text(document, encoding="utf-8")


def feed_urls(port: int) -> list[str]:
    return [f"http://127.0.0.{feed % HOSTS + 1}:{port}/feed-{feed}.xml" for feed in range(FEEDS)]


def write_config(work: Path, name: str, port: int) -> Path:
    lines = [
        'conference: {name: "Bench Con", hashtags: ["#bench27"], timezone: UTC}',
        "programme: programme.ics",
        f"output: {name}-output",
        f"data_dir: {name}-data",
        "sources:",
        *(f"  - {{type: feed, name: blog-{n}, url: '{url}'}}" for n, url in enumerate(feed_urls(port))),
    ]
    path = work / f"{name}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- the loopback server (its own process) ------------------------------------------------------


def serve(folder: Path, port: int, latency: bool, ready: Any) -> None:
    random.seed(7)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            if latency:
                time.sleep(random.uniform(*LATENCY))
            path = folder / self.path.lstrip("/")
            status = path.stat()
            etag = f'"{status.st_size:x}-{status.st_mtime_ns:x}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = path.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", format_datetime(datetime.fromtimestamp(status.st_mtime, UTC), usegmt=True))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    for host in range(1, HOSTS + 1):
        server = ThreadingHTTPServer((f"127.0.0.{host}", port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ready.set()
    threading.Event().wait()


class Server:
    def __init__(self, folder: Path, latency: bool) -> None:
        self.port = _free_port()
        context = multiprocessing.get_context("fork")
        ready = context.Event()
        self._process = context.Process(target=serve, args=(folder, self.port, latency, ready), daemon=True)
        self._process.start()
        ready.wait(10)

    def stop(self) -> None:
        self._process.terminate()
        self._process.join()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- the steps, each in its own process -------------------------------------------------------


def step_floor(work: Path) -> dict[str, Any]:
    import feedparser

    documents = [path.read_bytes() for path in sorted((work / "feeds").glob("*.xml"))]
    started = time.perf_counter()
    entries = sum(len(feedparser.parse(document).entries) for document in documents)
    return {"seconds": time.perf_counter() - started, "entries": entries}


def step_reader(work: Path, port: int, database: str) -> dict[str, Any]:
    from reader import make_reader

    reader = make_reader(str(work / database))
    for url in feed_urls(port):
        reader.add_feed(url, exist_ok=True)
    started = time.perf_counter()
    reader.update_feeds(workers=4, scheduled=False)  # every feed, as a forced update
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "entries": reader.get_entry_counts().total}


def step_aggregator(work: Path, config_name: str, command: str) -> dict[str, Any]:
    """One `aggregator` command; its start-up (imports, reading the 200-source config) timed apart."""
    started_up = time.perf_counter()
    import logging

    import aggregator
    from aggregator.config import load_config

    logging.disable(logging.WARNING)
    config = load_config(work / config_name)
    startup = time.perf_counter() - started_up
    output = work / f"{Path(config_name).stem}-output"
    before = file_identities(output)
    started = time.perf_counter()
    report = getattr(aggregator, command)(config)
    seconds = time.perf_counter() - started
    after = file_identities(output)
    rewritten = sum(1 for path, identity in after.items() if before.get(path) != identity)
    built = getattr(report, "built", report)  # `run` reports its build inside
    skipped = bool(getattr(built, "skipped", False))
    return {"seconds": seconds, "startup": startup, "files": len(after), "rewritten": rewritten, "skipped": skipped}


def file_identities(site: Path) -> dict[str, tuple[int, int]]:
    if not site.is_dir():
        return {}
    return {str(p.relative_to(site)): (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.rglob("*") if p.is_file()}


STEPS: dict[str, Callable[..., dict[str, Any]]] = {
    "floor": step_floor,
    "reader": step_reader,
    "aggregator": step_aggregator,
}


def in_process(step: str, *args: object) -> dict[str, Any]:
    """Run ``step`` in a fresh interpreter; its result, with that process's peak RSS in MB."""
    command = [sys.executable, __file__, "--step", step, *map(str, args)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=REPO)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"step {step} {args} failed (status {status})")
    return {**json.loads(output.strip().splitlines()[-1]), "rss_mb": usage.ru_maxrss / 1024}


# --- the measures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    measure: str
    result: dict[str, Any]
    reference: str = ""
    reference_seconds: float | None = None

    def cells(self) -> tuple[str, ...]:
        seconds = self.result["seconds"]
        ratio = f"{seconds / self.reference_seconds:.2f}×" if self.reference_seconds else ""
        rewritten = self.result.get("rewritten")
        files = f"{rewritten} of {self.result['files']}" if self.result.get("files") else ""
        measure = f"{self.measure} (build skipped)" if self.result.get("skipped") else self.measure
        return (measure, f"{seconds:.2f} s", ratio, self.reference, f"{self.result['rss_mb']:.0f} MB", files)


def collection_rows(work: Path, port: int, suffix: str) -> list[Row]:
    first_reader = in_process("reader", work, port, f"reader{suffix}.sqlite")
    first = in_process("aggregator", work, f"bench{suffix}.yaml", "collect")
    rows = [
        Row(f"reader, first update{suffix}", first_reader),
        Row(f"start-up: imports, reading 200 sources{suffix}", {**first, "seconds": first["startup"]}),
        Row(f"collect, first{suffix}", first, "reader", first_reader["seconds"]),
    ]
    if not suffix:
        again_reader = in_process("reader", work, port, f"reader{suffix}.sqlite")
        again = in_process("aggregator", work, f"bench{suffix}.yaml", "collect")
        rows += [
            Row("reader, nothing changed", again_reader),
            Row("collect, nothing changed (304)", again, "first collect", first["seconds"]),
            Row("collect, nothing changed (304)", again, "reader, nothing changed", again_reader["seconds"]),
        ]
    return rows


def build_rows(work: Path, talks: Sequence[Talk], entries: list[Entry]) -> list[Row]:
    full = in_process("aggregator", work, "bench.yaml", "build")
    unchanged = in_process("aggregator", work, "bench.yaml", "build")
    run_unchanged = in_process("aggregator", work, "bench.yaml", "run")
    live = talks[-max(1, len(talks) // 40):]  # the last time slot's rooms: where live posts arrive
    write_feeds(work / "feeds", [*entries, *make_entries(talks, len(entries), NEW_POSTS, live)])
    collect_new = in_process("aggregator", work, "bench.yaml", "collect")
    after_new = in_process("aggregator", work, "bench.yaml", "build")
    return [
        Row("build, full", full),
        Row("build, nothing new", unchanged, "full build", full["seconds"]),
        Row("run, nothing new", run_unchanged, "full build", full["seconds"]),
        Row(f"collect, {NEW_POSTS} new posts", collect_new),
        Row(f"build after {NEW_POSTS} new posts", after_new, "full build", full["seconds"]),
    ]


def table(rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def prepare(work: Path, posts: int, sessions: int) -> tuple[list[Talk], list[Entry]]:
    talks = make_talks(sessions)
    entries = make_entries(talks, 0, posts)
    (work / "programme.ics").write_text(programme_ics(talks), encoding="utf-8")
    (work / "feeds").mkdir()
    write_feeds(work / "feeds", entries)
    return talks, entries


def measure(work: Path, posts: int, sessions: int, latency: bool) -> list[Row]:
    talks, entries = prepare(work, posts, sessions)
    first_floor = in_process("floor", work)
    server = Server(work / "feeds", latency=False)
    try:
        write_config(work, "bench", server.port)
        collected = collection_rows(work, server.port, "")
        # the machine may be shared: the floor is the faster of two runs, one on each side of the collect
        floor = Row("feedparser floor (parse only)", min(first_floor, in_process("floor", work), key=_seconds))
        rows = [floor, *collected]
        rows.insert(4, Row("collect, first", rows[3].result, "feedparser floor", floor.result["seconds"]))
        rows += build_rows(work, talks, entries)
    finally:
        server.stop()
    if latency:
        slow = Server(work / "feeds", latency=True)
        try:
            write_config(work, "bench-latency", slow.port)
            rows += collection_rows(work, slow.port, "-latency")
        finally:
            slow.stop()
    return rows


def _seconds(result: dict[str, Any]) -> float:
    return float(result["seconds"])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=0, help="default: posts / 10, at most 1,000")
    parser.add_argument("--skip-latency", action="store_true", help="leave out the 100–300 ms latency runs")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        name, *rest = args.step
        print(json.dumps(STEPS[name](Path(rest[0]), *rest[1:])))
        return
    sessions = args.sessions or min(1000, max(10, args.posts // 10))
    with tempfile.TemporaryDirectory(prefix="bench-performance-") as folder:
        rows = measure(Path(folder), args.posts, sessions, latency=not args.skip_latency)
    print(f"{args.posts} posts in {FEEDS} feeds, {sessions} sessions; {os.cpu_count()} CPUs")
    header = ("measure", "time", "ratio", "to", "peak RSS", "files rewritten")
    print(table([header, *(row.cells() for row in rows)]))


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
