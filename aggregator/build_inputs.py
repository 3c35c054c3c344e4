"""Skip a build whose inputs did not change at all.

A build reads the store, the configuration (the curation overrides included), the programme,
the templates and this package; and the home page's "happening now / next" box also depends on
the time. :func:`inputs_fingerprint` hashes all of them cheaply (the store answers with a change
marker, not its posts); a successful build records it in the store's meta with the output
folder's manifest. When the next build finds the same fingerprint, the same manifest in the
output folder, and the same sessions happening now and next, it has nothing to do. Anything
that cannot be read back or compared means the site is built again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from aggregator import __version__
from aggregator.config.model import Config
from aggregator.models import Conference, Digest, Session
from aggregator.programme import is_remote
from aggregator.site.happening import happening_ids
from aggregator.site.incremental import MANIFEST, fingerprint
from aggregator.site.pages import SiteReport
from aggregator.site.search import find_pagefind
from aggregator.store import PostStore

LAST_BUILD = "last_build"  # the store meta key of the record
_FORMAT = 1

Span = tuple[str, datetime, datetime]  # a built session's id, start and end


@dataclass(frozen=True)
class LastBuild:
    """What the last successful build read (its fingerprint) and wrote (its manifest, its report)."""

    inputs: str
    manifest: str
    spans: tuple[Span, ...]
    happening: tuple[bool, tuple[str, ...], tuple[str, ...]]
    site: SiteReport

    def still_current(self, inputs: str, output: Path, moment: datetime) -> bool:
        """Whether a build now, into ``output``, would produce exactly the site already there."""
        manifest = _manifest_bytes(output)
        return (
            bool(self.manifest)
            and inputs == self.inputs
            and manifest is not None
            and hashlib.sha256(manifest).hexdigest() == self.manifest
            and output_complete(output, manifest)
            and happening_ids(self.spans, moment) == self.happening
            and (self.site.search_index or find_pagefind() is None)  # a failed index is tried again
        )


def inputs_fingerprint(
    config: Config, store: PostStore, conference: Conference, sessions: Sequence[Session], templates: str
) -> str:
    """A hash of everything a build reads, but the clock (see :meth:`LastBuild.still_current`);
    ``templates`` is the templates' own (:func:`~aggregator.site.incremental.templates_fingerprint`)."""
    return fingerprint(
        __version__,
        templates,
        config.model_dump_json(),
        str(Path(config.output).resolve()),
        str(find_pagefind()),  # Pagefind installed since: the site gains its search
        _local_programme_digest(config),
        conference,
        sessions,
        store.change_marker(),
    )


def _local_programme_digest(config: Config) -> str:
    if not config.programme or is_remote(config.programme):
        return ""  # a remote programme is judged by the sessions it gave
    try:
        return hashlib.sha256((config.base_dir / config.programme).read_bytes()).hexdigest()
    except OSError as exc:
        return f"unreadable: {exc}"


def _manifest_bytes(output: Path) -> bytes | None:
    try:
        return (Path(output) / MANIFEST).read_bytes()
    except OSError:
        return None


def manifest_digest(output: Path) -> str:
    """The output folder's build manifest, hashed ("" when there is none)."""
    manifest = _manifest_bytes(output)
    return hashlib.sha256(manifest).hexdigest() if manifest is not None else ""


def site_identity(output: Path) -> str:
    """What the output folder holds, as the publish command sees it: a hash of every file's path,
    inode, size and modification time. A build links each unchanged file to its previous copy and
    writes only those that changed, so this changes exactly when some file's content did ("" when
    there is no folder)."""
    if not output.is_dir():
        return ""
    digest = hashlib.sha256()
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(output)}\0{stat.st_ino}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


ALWAYS_WRITTEN = ("index.html", "about.html", "hallway.html", "search.html", "sessions.json", "posts.csv")


def output_complete(output: Path, manifest: bytes) -> bool:
    """Whether the files ``manifest`` lists, and those every build writes, are all still there
    (someone may have deleted some by hand)."""
    try:
        listed = json.loads(manifest)["files"]
    except (ValueError, KeyError, TypeError):
        return False
    return isinstance(listed, dict) and all((Path(output) / name).is_file() for name in (*listed, *ALWAYS_WRITTEN))


def record_build(store: PostStore, inputs: str, digest: Digest, site: SiteReport, output: Path) -> None:
    spans = tuple((s.id, s.start, s.end) for s in digest.sessions)
    record = {
        "format": _FORMAT,
        "inputs": inputs,
        "manifest": manifest_digest(output),
        "spans": [[session_id, start.isoformat(), end.isoformat()] for session_id, start, end in spans],
        "happening": list(happening_ids(spans, digest.generated_at)),
        "site": {**asdict(site), "output_dir": str(site.output_dir)},
    }
    store.set_meta(LAST_BUILD, json.dumps(record, sort_keys=True))


def last_build(store: PostStore) -> LastBuild | None:
    """The record of the last build, or None when there is none or it cannot be read back."""
    text = store.meta(LAST_BUILD)
    if text is None:
        return None
    try:
        return _parsed(json.loads(text))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _parsed(record: dict[str, Any]) -> LastBuild | None:
    if record.get("format") != _FORMAT:
        return None
    spans = tuple(
        (str(session_id), datetime.fromisoformat(start), datetime.fromisoformat(end))
        for session_id, start, end in record["spans"]
    )
    running, now, following = record["happening"]
    site = SiteReport(**{**record["site"], "output_dir": Path(record["site"]["output_dir"])})
    return LastBuild(
        inputs=str(record["inputs"]),
        manifest=str(record["manifest"]),
        spans=spans,
        happening=(bool(running), tuple(str(i) for i in now), tuple(str(i) for i in following)),
        site=site,
    )
