"""Golden pages: compare a rendered page with its reviewed copy and print a readable diff.

Policy (also in the README.md beside each golden file): a golden page changes only with a
deliberate change of the templates or of what they are given. Regenerate with
``UPDATE_GOLDEN=1 pytest <the test>``, read ``git diff`` of the golden file, and commit it
with the change that caused it, saying why in the message.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

MAX_DIFF_LINES = 120


def assert_matches_golden(rendered: str, golden: Path) -> None:
    __tracebackhide__ = True  # the diff is the message
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(rendered, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    if rendered == expected:
        return
    diff = list(
        difflib.unified_diff(
            expected.splitlines(), rendered.splitlines(), f"{golden.name} (golden)", "rendered", lineterm="", n=2
        )
    )
    shown = "\n".join(diff[:MAX_DIFF_LINES]) + (f"\n… {len(diff) - MAX_DIFF_LINES} more lines" if len(diff) > MAX_DIFF_LINES else "")
    raise AssertionError(
        f"{golden} differs from the rendered page; review the diff below, then, if it is intended, "
        f"regenerate with UPDATE_GOLDEN=1 and commit the golden file with the change:\n{shown}"
    )
