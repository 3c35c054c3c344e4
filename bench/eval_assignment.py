"""Dev loop for the assignment engine: the real collectors and programme importer on an
evaluation set, then threads → assignment → sessions.json → metrics, in one process.

    python bench/eval_assignment.py ../shared/eval/39c3 [--errors N] [--set key=value ...]

Unlike `aggregator evaluate` it keeps the placements in memory, so it can print the wrong
threads with their candidates (``--errors``) and try settings without editing files
(``--set text=2.5 --set threshold=0.6``; weights by their name, other keys of `assignment:`).
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from aggregator import pipeline
from aggregator.assignment import AssignmentSettings
from aggregator.assignment.explain import explain
from aggregator.evaluation.metrics import confusion_summary, format_metrics, score
from aggregator.evaluation.run import config_for_set
from aggregator.site.exports import export_sessions
from aggregator.store.sqlite import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set_dir", type=Path)
    parser.add_argument("--errors", type=int, default=0, help="print this many wrongly filed threads")
    parser.add_argument("--set", action="append", default=[], help="assignment setting or weight: key=value")
    parser.add_argument(
        "--shift", type=float, default=0.0, help="move every post this many minutes (robustness to posting habits)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="eval-assignment-") as workdir:
        config = config_for_set(args.set_dir, Path(workdir))
        config = config.model_copy(update={"assignment": _settings(config.assignment, args.set)})
        with Store(config.data_dir) as store:
            pipeline.collect_sources(config, store)
            posts = store.posts()
    if args.shift:
        posts = [replace(p, created_at=p.created_at + timedelta(minutes=args.shift)) for p in posts]
    began = time.perf_counter()
    digest = pipeline.make_digest(config, posts)
    elapsed = time.perf_counter() - began
    export = export_sessions(digest)
    labels = args.set_dir / "labels.csv"
    metrics = score(labels, export)
    print(format_metrics(metrics))
    print(f"{'threads':20} {len(digest.placements)} placed in {elapsed:.2f} s")
    print(f"{'clock':20} {digest.clock.describe()}\n")
    print(confusion_summary(labels, export, limit=10))
    if args.errors:
        _print_errors(labels, digest, args.errors)


def _settings(base: AssignmentSettings, pairs: list[str]) -> AssignmentSettings:
    weights, others = {}, {}
    for pair in pairs:
        key, value = pair.split("=", 1)
        target = weights if key in type(base.weights).model_fields else others
        target[key] = json.loads(value)
    data = base.model_dump()
    data["weights"].update(weights)
    data.update(others)
    return AssignmentSettings.model_validate(data)


def _print_errors(labels: Path, digest, limit: int) -> None:
    gold = {row["id"]: row["session"] or None for row in csv.DictReader(labels.open(encoding="utf-8"))}
    sessions = {s.id: s for s in digest.sessions}
    shown = 0
    for placement in digest.placements:
        wrong = [p for p in placement.thread.posts if p.id in gold and gold[p.id] != placement.session_id]
        if not wrong or shown >= limit:
            continue
        shown += 1
        expected = gold[wrong[0].id]
        title = sessions[expected].title if expected in sessions else "hallway"
        print(f"\n=== {len(wrong)} wrong, expected {expected} {title!r}")
        for post in placement.thread.own_posts[:5]:
            print(f"    | {post.text[:110]!r}")
        print(
            "\n".join(
                "    " + line for line in explain(placement.thread.id, digest.placements, sessions).splitlines()[2:]
            )
        )


if __name__ == "__main__":
    main()
