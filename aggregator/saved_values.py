"""Saved values: small named byte strings a run keeps for the next one (a remote programme's last
good copy, a Bluesky login session).

Both engines keep them in the database's ``blobs`` table, so that collectors on several machines
share them. Earlier versions kept them as files in the data folder: such a file is imported into
the table the first time its key is read, then removed. :class:`FileBlobs` is that folder, still
used where no store is open (``check``, ``dump``, a programme loaded as a library call).
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

log = logging.getLogger(__name__)


@runtime_checkable
class Blobs(Protocol):
    def load(self, key: str) -> bytes | None: ...

    def save(self, key: str, value: bytes) -> None: ...

    def forget(self, key: str) -> None: ...

    def saved_at(self, key: str) -> datetime | None:
        """When ``key`` was last saved (None: it is not)."""
        ...

    def where(self, key: str) -> str:
        """Where ``key`` is kept, for messages."""
        ...


class FileBlobs:
    """Each value a file in a folder, mode 0600, replaced atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except OSError:
            return None

    def save(self, key: str, value: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # two processes never share one
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(value)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)

    def forget(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def saved_at(self, key: str) -> datetime | None:
        try:
            return datetime.fromtimestamp(self._path(key).stat().st_mtime, UTC)
        except OSError:
            return None

    def where(self, key: str) -> str:
        return str(self._path(key))

    def _path(self, key: str) -> Path:
        if not key or "/" in key or key.startswith("."):
            raise ValueError(f"not a plain file name: {key!r}")
        return self.folder / key
