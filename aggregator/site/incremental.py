"""Render only what changed: every session page and feed is keyed by a hash of its inputs.

A file's key covers everything that can change its bytes: the templates and static files (the
curator's and the packaged ones), this package's version, the conference, and the file's own
data (the session, its threads and posts, its highlights). The keys of a build are saved in the
published folder (:data:`MANIFEST`); the next build links a file whose key is unchanged from the
previous site instead of rendering it. Anything that cannot be read back (no manifest, another
format, a missing file) just means the file is rendered again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from aggregator import __version__

MANIFEST = ".build-inputs.json"
_FORMAT = 1


def fingerprint(*parts: Any) -> str:
    """A stable hash of ``parts`` (dataclasses, containers, scalars), the same in every process:
    sets are sorted, so string hashing's per-process seed cannot change it."""
    digest = hashlib.sha256()
    digest.update(json.dumps(_plain(parts), ensure_ascii=False, separators=(",", ":")).encode("utf-8", "replace"))
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__, {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}]
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(item) for item in value), key=repr)
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def templates_fingerprint(search_path: list[Path]) -> str:
    """A hash of every file the templates are made of, and of the package version rendering them."""
    digest = hashlib.sha256(__version__.encode())
    for folder in search_path:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(folder)).encode("utf-8", "replace") + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


class Inputs:
    """The previous build's keys (read from its folder) and this build's (written into staging)."""

    def __init__(self, previous_site: Path, staging: Path, site_key: str) -> None:
        self._previous_site = previous_site
        self._staging = staging
        self._site_key = site_key
        self._previous = _read_manifest(previous_site / MANIFEST)
        self._current: dict[str, str] = {}
        self.reused = 0

    def key(self, *parts: Any) -> str:
        return fingerprint(self._site_key, *parts)

    def reuse(self, page_path: str, key: str) -> bool:
        """Whether ``page_path`` was linked from the previous site (same key); records the key either way."""
        self._current[page_path] = key
        if self._previous.get(page_path) != key:
            return False
        target, previous = self._staging / page_path, self._previous_site / page_path
        if previous.is_symlink():
            return False
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(previous, target)
        except OSError:
            return False
        self.reused += 1
        return True

    def save(self) -> None:
        document = {"format": _FORMAT, "files": self._current}
        (self._staging / MANIFEST).write_text(json.dumps(document, sort_keys=True) + "\n", encoding="utf-8")


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("format") != _FORMAT:
        return {}
    files = document.get("files")
    if not isinstance(files, dict):
        return {}
    return {str(name): str(key) for name, key in files.items()}
