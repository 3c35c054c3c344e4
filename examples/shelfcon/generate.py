#!/usr/bin/env python3
"""Regenerate the ShelfCon 2026 offline example (a fictional library conference).

    python examples/shelfcon/generate.py          # rewrite programme, captures, feed and labels
    python examples/shelfcon/generate.py --check  # verify the committed files (needs atproto, feedparser)

Generation uses only the standard library and is deterministic: running it twice gives identical files.
The check step regenerates in memory, compares with the files on disk, validates every Bluesky page with
the atproto SDK's models, parses the feed with feedparser, and cross-checks labels.csv against the data.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from shelfcon_gen.build import render_all  # noqa: E402


def write_files(files: dict[str, str]) -> None:
    for stale in (HERE / "bluesky").glob("searchPosts-*.json"):
        if stale.relative_to(HERE).as_posix() not in files:
            stale.unlink()
    for relative, text in files.items():
        target = HERE / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {relative}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="validate the files on disk instead of writing")
    args = parser.parse_args(argv)
    files = render_all()
    if not args.check:
        write_files(files)
        return 0
    from shelfcon_gen.check import run_checks

    problems, summary = run_checks(HERE, files)
    for line in summary:
        print(line)
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    print("all checks passed" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
