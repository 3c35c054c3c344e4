"""The search index: Pagefind (https://pagefind.app), run on the finished site folder.

Pagefind reads the built pages (only what is inside ``data-pagefind-body``: session, day
and hallway pages) and writes ``pagefind/`` beside them, which ``search.html`` loads. It only
indexes what the pages show, so posts that were deleted, opted out or hidden never enter
it: they never reach a page. Pagefind has no incremental mode: the index is rebuilt when
some page changed (a few seconds for thousands of pages) and otherwise taken over from the
previous site (see ``pages._search_index``).

The binary comes from the PyPI package ``pagefind[bin]``, else from ``PATH``. Without it,
or when it fails, the site is still published, without search, and the log says why.

Browsers refuse ES modules, workers and ``fetch`` on ``file://``, so a copy opened from disk
could not search. :func:`write_file_bundle` therefore also writes ``pagefind/pagefind-file.js``:
Pagefind's own script as a classic script, with the index files inside it and a ``fetch``
that answers from them. ``search.js`` loads it only on ``file://``; over http(s) the normal,
lazily loaded index is used. Every path is relative, so the site searches from any sub-path.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

INDEX_DIR = "pagefind"
FILE_BUNDLE = "pagefind-file.js"  # the index for file:// readers, inside INDEX_DIR
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
    if not write_file_bundle(site_dir / INDEX_DIR):
        log.warning("search: this Pagefind's script has an unknown shape: no search from file://, only over http(s)")
        return SearchIndex(True, "search index built (over http(s) only)")
    return SearchIndex(True, "search index built")


def _missing(reason: str) -> SearchIndex:
    log.warning("search: no search index, the site is published without search: %s", reason)
    return SearchIndex(False, reason)


def write_file_bundle(index_dir: Path) -> bool:
    """Write :data:`FILE_BUNDLE` for readers on ``file://``; False when ``pagefind.js`` cannot be adapted."""
    source = (index_dir / "pagefind.js").read_text(encoding="utf-8")
    exports = _EXPORTS.search(source)
    if exports is None or _IMPORT_META not in source:
        return False
    body = source[: exports.start()].replace(_IMPORT_META, "importMetaUrl")
    files = {
        path.relative_to(index_dir).as_posix(): base64.b64encode(path.read_bytes()).decode("ascii")
        for path in sorted(index_dir.rglob("*"))
        if path.is_file() and path.suffix not in (".js", ".css")
    }
    bundle = (
        _BUNDLE_HEAD.replace("FILES", json.dumps(files, separators=(",", ":")))
        + body
        + f"\nwindow.pagefindFromFile = {{{_export_object(exports.group(1))}}};\n}}());\n"
    )
    (index_dir / FILE_BUNDLE).write_text(bundle, encoding="utf-8")
    return True


def _export_object(export_list: str) -> str:
    """``a, b as c`` (an ES export list) as ``a: a, c: b`` (an object literal's members)."""
    members = []
    for item in filter(None, (part.strip() for part in export_list.split(","))):
        local, _, alias = item.partition(" as ")
        members.append(f"{(alias or local).strip()}: {local.strip()}")
    return ", ".join(members)


_IMPORT_META = "import.meta.url"
_EXPORTS = re.compile(r"export\s*\{([^}]*)\}\s*;?\s*$")
_BUNDLE_HEAD = """/* Generated with the site: Pagefind's script with its index inside, for readers on file://. */
(function () {
"use strict";
var files = FILES;
var base = new URL("./", document.currentScript.src).href;
var importMetaUrl = base + "pagefind.js";
var Worker = undefined; // no workers from file://: Pagefind then searches on the page itself
function fetch(input) {
  var key = String(input && input.url ? input.url : input).split("?")[0];
  [base, new URL(base).pathname].forEach(function (prefix) {
    if (key.indexOf(prefix) === 0) { key = key.slice(prefix.length); }
  });
  if (!Object.prototype.hasOwnProperty.call(files, key)) { return Promise.resolve(new Response(null, { status: 404 })); }
  var raw = atob(files[key]);
  var bytes = new Uint8Array(raw.length);
  for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
  return Promise.resolve(new Response(bytes, { headers: { "Content-Type": "application/octet-stream" } }));
}
"""
