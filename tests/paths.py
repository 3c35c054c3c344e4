"""Where the test suite finds the repository, its shared data and the material beside the checkout."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
EXAMPLE = REPO / "examples" / "shelfcon"
SHARED = REPO.parent / "shared"  # the shared samples and evaluation sets, beside the checkout (absent: tests skip)
