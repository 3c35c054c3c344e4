"""The search index: Pagefind (https://pagefind.app), run on the finished site folder.

Pagefind reads the built pages (only what is inside ``data-pagefind-body``: session and
hallway pages) and writes ``pagefind/`` beside them, which ``search.html`` loads. It only
indexes what the pages show, so posts that were deleted, opted out or hidden never enter
it: they never reach a page. Pagefind has no incremental mode: the index is rebuilt when
some page changed (a few seconds for thousands of pages) and otherwise taken over from the
previous site (see ``pages._search_index``).

The binary comes from the PyPI package ``pagefind[bin]``, else from ``PATH``. Without it,
or when it fails, the site is still published, without search, and the log says why.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

INDEX_DIR = "pagefind"
_TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class SearchIndex:
    built: bool
    message: str  # what was done, or why search is missing


def find_pagefind() -> Path | None:
    """The Pagefind executable shipped by ``pagefind[bin]``, else one on ``PATH``, else None."""
    try:
        import pagefind_bin  # type: ignore[import-not-found, unused-ignore]

        return Path(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError, OSError):
        found = shutil.which("pagefind")
        return Path(found) if found else None


def build_search_index(site_dir: Path, executable: Path | None = None) -> SearchIndex:
    executable = executable or find_pagefind()
    if executable is None:
        return _missing("the pagefind binary is not installed (pip install 'pagefind[bin]')")
    command = [str(executable), "--site", str(site_dir), "--output-subdir", INDEX_DIR, "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return _missing(f"pagefind could not run: {exc}")
    if result.returncode != 0 or not (site_dir / INDEX_DIR / "pagefind.js").is_file():
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or [f"exit code {result.returncode}"]
        shutil.rmtree(site_dir / INDEX_DIR, ignore_errors=True)
        return _missing(f"pagefind failed: {detail[0]}")
    log.info("search: Pagefind index written to %s/", INDEX_DIR)
    return SearchIndex(True, "search index built")


def _missing(reason: str) -> SearchIndex:
    log.warning("search: no search index, the site is published without search: %s", reason)
    return SearchIndex(False, reason)
