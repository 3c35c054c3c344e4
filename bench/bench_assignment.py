"""Benchmark: thread building and session assignment on a synthetic conference.

    python bench/bench_assignment.py                 # 100,000 posts, 1,000 sessions
    python bench/bench_assignment.py --posts 20000 --sessions 200

Generates a programme (rooms x slots x days, titles and abstracts from a made-up vocabulary,
speakers) and live-posting around it: threads with continuations, quotes, hallway chatter,
reflections after the end, and a share of posts with no clue at all. Prints a table with
wall time, throughput and peak memory per stage, and the accuracy against the generated
truth (a sanity check, not a quality claim: the real checks are the labelled sets).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from aggregator.assignment import AssignmentSettings, assign
from aggregator.models import Author, Conference, Post, Session
from aggregator.threads import build_threads

T = TypeVar("T")
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "ti",
    "vo",
    "ze",
    "ba",
    "du",
    "fe",
    "gi",
    "ho",
    "ju",
    "ly",
    "ma",
    "no",
    "pe",
    "qu",
    "ri",
    "so",
    "tu",
    "vi",
    "wa",
    "xe",
    "yo",
    "zu",
]
CHATTER = ["Great point.", "Applause in the room.", "Love this framing.", "Taking notes like crazy.", "Mind blown."]
HALLWAY = ["Lunch was excellent", "Coffee line is long", "Lost my badge", "Wifi is slow today"]
START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def programme(rng: random.Random, count: int, words: list[str]) -> list[Session]:
    rooms = max(1, count // 50)
    slots_per_day = 10
    sessions = []
    for number in range(count):
        room, rest = number % rooms, number // rooms
        day, slot = divmod(rest, slots_per_day)
        start = START + timedelta(days=day, hours=slot)
        title = " ".join(rng.sample(words, 4)).title()
        abstract = " ".join(rng.choices(words, k=60))
        speaker = f"{rng.choice(words).title()} {rng.choice(words).title()}"
        sessions.append(
            Session(str(number), title, start, start + timedelta(minutes=45), f"Room {room}", (speaker,), abstract)
        )
    return sessions


def posts_for(rng: random.Random, sessions: list[Session], count: int) -> tuple[list[Post], dict[str, str | None]]:
    authors = [Author(f"did:bench:{i}", f"user{i}.bench.example") for i in range(max(10, count // 30))]
    posts: list[Post] = []
    truth: dict[str, str | None] = {}
    while len(posts) < count:
        session = rng.choice(sessions)
        author = rng.choice(authors)
        moment = session.start + timedelta(minutes=rng.uniform(2, 44))
        kind = rng.random()
        if kind < 0.07:
            text, gold = rng.choice(HALLWAY), None
        elif kind < 0.2:
            text, gold = rng.choice(CHATTER), session.id
        elif kind < 0.3:
            text, gold = f"Still thinking about that talk on {rng.choice(session.abstract.split())}.", session.id
            moment = session.end + timedelta(minutes=rng.uniform(1, 25))
        elif kind < 0.45:
            text, gold = f"Now: {session.title} with {session.speakers[0]}", session.id
        else:
            quote = " ".join(rng.sample(session.abstract.split(), 5))
            text, gold = f'"{quote}" {rng.choice(CHATTER)}', session.id
        root_id = f"at://bench/{len(posts)}"
        posts.append(_post(root_id, author, moment, text))
        truth[root_id] = gold
        for _ in range(rng.choice((0, 0, 1, 2, 3))):
            moment += timedelta(minutes=rng.uniform(1, 8))
            post_id = f"at://bench/{len(posts)}"
            posts.append(_post(post_id, author, moment, rng.choice(CHATTER), reply_parent=root_id))
            truth[post_id] = gold
    return posts[:count], truth


def _post(post_id: str, author: Author, moment: datetime, text: str, reply_parent: str = "") -> Post:
    return Post(post_id, "bluesky", "", author, moment, text + " #bench27", "", reply_parent=reply_parent)


def measure(label: str, work: Callable[[], T], items: int, rows: list[tuple[str, float, float, float]]) -> T:
    began = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - began
    rows.append((label, elapsed, items / elapsed if elapsed else float("inf"), peak_memory_mb()))
    return result


def peak_memory_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    rows: list[tuple[str, float, float, float]] = []
    words = vocabulary(rng, 8_000)
    sessions = measure("generate programme", lambda: programme(rng, args.sessions, words), args.sessions, rows)
    posts, truth = measure("generate posts", lambda: posts_for(rng, sessions, args.posts), args.posts, rows)
    conference = Conference("BenchCon", ("bench27",), "UTC")
    threads = measure("build_threads", lambda: build_threads(posts), len(posts), rows)
    placements = measure(
        "assign", lambda: assign(threads, sessions, conference, AssignmentSettings()), len(posts), rows
    )
    right = sum(truth[p.id] == placement.session_id for placement in placements for p in placement.thread.posts)
    print(f"{len(posts):,} posts in {len(threads):,} threads, {len(sessions):,} sessions\n")
    print(f"{'stage':20} {'seconds':>9} {'items/s':>12} {'peak MB':>9}")
    for label, seconds, rate, memory in rows:
        print(f"{label:20} {seconds:9.2f} {rate:12,.0f} {memory:9.0f}")
    print(f"\naccuracy against the generated truth: {right / len(posts):.3f}")


if __name__ == "__main__":
    main()
