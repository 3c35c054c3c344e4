"""Error analysis for the assignment engine: every misfiled labelled post of a set, by category.

    python bench/misfiled.py ../shared/eval/user2019 [--show N]

Categories: hallway filed as a talk, talk filed as hallway, wrong talk in the same room
(an adjacent slot: overrun, late posts, a thread kept across talks), wrong parallel talk
(another room at an overlapping time), wrong talk elsewhere in time (a reflection, a promotion).
Prints a table of counts, then the first N posts of each category with where they went.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

from aggregator import pipeline
from aggregator.evaluation.run import config_for_set
from aggregator.models import Session
from aggregator.store.sqlite import Store

CATEGORIES = ("hallway filed as talk", "talk filed as hallway", "wrong adjacent talk, same room",
              "wrong parallel talk", "wrong talk elsewhere in time")


def category(gold: Session | None, got: Session | None) -> str:
    if gold is None:
        return CATEGORIES[0]
    if got is None:
        return CATEGORIES[1]
    if gold.room and gold.room == got.room:
        return CATEGORIES[2]
    if gold.start < got.end and got.start < gold.end:
        return CATEGORIES[3]
    return CATEGORIES[4]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set_dir", type=Path)
    parser.add_argument("--show", type=int, default=8, help="posts listed per category")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="misfiled-") as workdir:
        config = config_for_set(args.set_dir, Path(workdir))
        with Store(config.data_dir) as store:
            pipeline.collect_sources(config, store)
            posts = store.posts()
    digest = pipeline.make_digest(config, posts)
    zone = ZoneInfo(config.conference.timezone)
    gold = {row["id"]: row["session"] or None for row in csv.DictReader((args.set_dir / "labels.csv").open())}
    sessions = {s.id: s for s in digest.sessions}
    found: dict[str, list[str]] = defaultdict(list)
    for placement in digest.placements:
        got = sessions.get(placement.session_id or "")
        for post in placement.thread.posts:
            if post.id not in gold or gold[post.id] == placement.session_id or gold[post.id] == "EXCLUDED":
                continue
            expected = sessions.get(gold[post.id] or "")
            local = post.created_at.astimezone(zone).strftime("%a %H:%M")
            found[category(expected, got)].append(
                f"{local} {gold[post.id] or 'hallway'} -> {placement.session_id or 'hallway'}"
                f" ({placement.reason[:60]}) | {post.text[:100]!r}"
            )
    total = sum(map(len, found.values()))
    print(f"{'category':34} | posts\n{'-' * 34}-+------")
    for name in CATEGORIES:
        print(f"{name:34} | {len(found[name]):5}")
    print(f"{'all misfiled':34} | {total:5}")
    for name in CATEGORIES:
        if found[name]:
            print(f"\n== {name}")
            print("\n".join("  " + line for line in found[name][: args.show]))


if __name__ == "__main__":
    main()
