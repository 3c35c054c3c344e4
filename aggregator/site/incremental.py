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
import functools
import hashlib
import json
import os
import typing
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from aggregator import __version__

MANIFEST = ".build-inputs.json"
_FORMAT = 1


def fingerprint(*parts: Any, memo: dict[int, tuple[Any, str]] | None = None) -> str:
    """A stable hash of ``parts`` (dataclasses, containers, scalars), the same in every process:
    sets are sorted, so string hashing's per-process seed cannot change it. ``memo`` keeps each
    object's part by ``id()`` for one build, and the object with it, so the id stays its own (a
    post is on its session's page and in three feeds: its repr is taken once)."""
    plain = _Plain({} if memo is None else memo)
    return hashlib.sha256(repr(plain(parts)).encode("utf-8", "backslashreplace")).hexdigest()


class _Plain:
    def __init__(self, memo: dict[int, tuple[Any, str]]) -> None:
        self._memo = memo

    def __call__(self, value: Any) -> Any:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self._dataclass(value)
        if isinstance(value, (list, tuple)):
            return [self(item) for item in value]
        if isinstance(value, (set, frozenset)):
            return sorted((self(item) for item in value), key=repr)
        if isinstance(value, dict):
            return {str(key): self(item) for key, item in value.items()}
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        if isinstance(value, Enum):
            return value.value
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        return repr(value)

    def _dataclass(self, value: Any) -> Any:
        kind: type = type(value)
        if not _repr_is_stable(kind):
            return [type(value).__name__, {f.name: self(getattr(value, f.name)) for f in dataclasses.fields(value)}]
        known = self._memo.get(id(value))
        if known is None:
            known = (value, hashlib.sha256(repr(value).encode("utf-8", "backslashreplace")).hexdigest())
            self._memo[id(value)] = known  # holding the object keeps its id from being reused
        return known[1]


_checking: set[type] = set()


@functools.cache
def _repr_is_stable(kind: type) -> bool:
    """Whether a dataclass's repr is the same in every process: no set, dict or untyped field, at any depth."""
    _checking.add(kind)
    try:
        return all(_type_is_stable(hint) for hint in typing.get_type_hints(kind).values())
    except (NameError, TypeError):
        return False
    finally:
        _checking.discard(kind)


def _type_is_stable(hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if hint is Any or hint in (set, frozenset, dict) or origin in (set, frozenset, dict):
        return False
    if origin is not None:
        return all(_type_is_stable(argument) for argument in typing.get_args(hint) if argument is not Ellipsis)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return hint in _checking or _repr_is_stable(hint)  # a post quoting a post: already being checked
    return True


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
        self._memo: dict[int, tuple[Any, str]] = {}

    def key(self, *parts: Any) -> str:
        return fingerprint(self._site_key, *parts, memo=self._memo)

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
