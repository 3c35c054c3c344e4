"""Print the sanitizer property counts the README's reliability section quotes: cases tried,
crashes and leaks per published format (HTML pages, RSS, Atom, sessions.json, posts.csv).

    python bench/reliability.py               # the suite's default count: the README's table
    python bench/reliability.py --examples 2000

The cases are Hypothesis's, derandomized: the same count gives the same cases and the same
table on every machine, which is why a test can hold the README to it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests package, from a checkout

from tests.hardening.sanitizer_cases import DEFAULT_EXAMPLES, FORMATS, Tally, measure, tally_table  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=DEFAULT_EXAMPLES, help="hostile digests per format")
    examples = parser.parse_args().examples
    tally, failures = Tally(), []
    started = time.monotonic()
    for output_format in FORMATS:
        try:
            measure(output_format, examples, tally)
        except Exception as exc:  # noqa: BLE001 — report every format, then fail
            failures.append(f"{output_format}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    print(tally_table(tally))
    print(f"\n{examples} hostile digests per format in {time.monotonic() - started:.0f} s")
    for failure in failures:
        print(f"FAILED {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
