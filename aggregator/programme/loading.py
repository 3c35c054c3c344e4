"""Loading the configured programme, and keeping a remote one's last good copy.

The rules for a programme read from a URL (a conference site that goes bad must not stop the digest):

- only a download that parses as a programme replaces the saved copy;
- an unreadable download (an error status, an HTML maintenance page answered with 200, a
  truncated file) falls back to the last good copy, with a warning;
- a download with less than half the sessions of the saved copy is kept aside (``.pending``
  after the saved copy's key) and reported, not applied, unless the curator accepts it
  (``--accept-programme``).

The copies are saved values (:class:`~aggregator.saved_values.Blobs`): the store's table in a run,
so that collectors on several machines share one copy, or files in a folder.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import httpx

from aggregator.errors import ProgrammeError
from aggregator.programme.inline import InlineSession, inline_sessions, programme_from_inline
from aggregator.programme.model import Programme, merge_sessions
from aggregator.programme.reading import parse_programme, read_source
from aggregator.saved_values import Blobs, FileBlobs

log = logging.getLogger(__name__)

Origin = Literal["file", "download", "saved copy", "inline"]
SHRINK_LIMIT = 0.5  # a download keeping less than this share of the saved copy's sessions is held back
PROGRAMME_KEY = "programme.cache"  # the saved values' key of a remote programme's last good copy


@dataclass(frozen=True)
class ProgrammeSpec:
    """What sources.yaml says about the programme."""

    location: str  # a path (relative to base_dir) or an http(s) URL; "" for inline sessions only
    base_dir: Path
    timezone: str | None = None  # conference.timezone when the curator set it
    programme_format: str = "auto"
    inline: Sequence[InlineSession] = ()


@dataclass(frozen=True)
class SavedCopy:
    """A remote programme's last good download, and a held-back one, kept as saved values."""

    blobs: Blobs
    key: str = PROGRAMME_KEY

    @classmethod
    def file(cls, path: Path) -> SavedCopy:
        return cls(FileBlobs(path.parent), path.name)

    @property
    def pending_key(self) -> str:
        return f"{self.key}.pending"

    def load(self) -> bytes | None:
        return self.blobs.load(self.key)

    def where(self) -> str:
        return self.blobs.where(self.key)

    def saved_when(self) -> str:
        moment = self.blobs.saved_at(self.key)
        return f"{moment:%Y-%m-%d %H:%M} UTC ({self.where()})" if moment else f"earlier ({self.where()})"


@dataclass(frozen=True)
class CachePolicy:
    """How a remote programme's saved copy is used."""

    copy: SavedCopy | None = None  # None: no saved copy at all
    offline: bool = False  # never download: use the saved copy (or the inline sessions alone)
    save: bool = True  # False: download and check, but leave the saved copy as it is (`check`)
    accept_shrink: bool = False  # apply a download that lost more than half the sessions


@dataclass(frozen=True)
class LoadedProgramme:
    programme: Programme
    origin: Origin
    notes: tuple[str, ...] = ()  # what went wrong and what was used instead (already logged as warnings)
    zone_note: str = ""  # which zone the programme's times were read in, when it names none itself
    pending: str | None = None  # where a held-back download is, when there is one


def is_remote(source: str) -> bool:
    return source.strip().lower().startswith(("http://", "https://"))


def load_programme(
    source: str,
    base_dir: Path,
    *,
    timezone: str | None = None,
    inline: Sequence[InlineSession] = (),
    client: httpx.Client | None = None,
    cache: Path | None = None,
    programme_format: str = "auto",
) -> Programme:
    """Read the programme at ``source`` (a path relative to ``base_dir``, or an http(s) URL),
    then add ``inline`` sessions (an inline session with a programme event's id replaces it).

    ``timezone`` (the conference's IANA zone) reads naive times when the programme names no
    zone of its own, and reads the inline sessions' naive times. With ``cache`` (a file path), a
    programme read from a URL is saved there and used when a later download is unusable.
    """
    spec = ProgrammeSpec(source, base_dir, timezone, programme_format, inline)
    policy = CachePolicy(SavedCopy.file(cache) if cache is not None else None)
    return read_programme(spec, policy, client=client).programme


def read_programme(spec: ProgrammeSpec, policy: CachePolicy, *, client: httpx.Client | None = None) -> LoadedProgramme:
    """The programme with the inline sessions merged in, where it came from, and what went wrong."""
    if not spec.location.strip() or (policy.offline and is_remote(spec.location) and not _has_copy(policy)):
        return LoadedProgramme(programme_from_inline(spec.inline, spec.timezone), "inline")
    if not is_remote(spec.location) or policy.copy is None:
        data, name = read_source(spec.location, spec.base_dir, client=client, programme_format=spec.programme_format)
        loaded = LoadedProgramme(_parse(data, name, spec), "download" if is_remote(spec.location) else "file")
    elif policy.offline:
        loaded = LoadedProgramme(_saved(spec, policy.copy), "saved copy")
    else:
        loaded = _remote(spec, policy, policy.copy, client)
    return _finish(loaded, spec)


def _remote(spec: ProgrammeSpec, policy: CachePolicy, cache: SavedCopy, client: httpx.Client | None) -> LoadedProgramme:
    try:
        data, name = read_source(spec.location, spec.base_dir, client=client, programme_format=spec.programme_format)
        fresh = _parse(data, name, spec)
    except ProgrammeError as exc:
        if cache.load() is None:
            raise
        return _fall_back(spec, cache, f"{exc}; using the copy saved {cache.saved_when()}")
    saved = _saved_or_none(spec, cache)
    if saved is not None and _shrank(saved, fresh) and not policy.accept_shrink:
        return _hold_back(spec, policy, cache, data, saved, fresh)
    if policy.save:
        cache.blobs.save(cache.key, data)
        cache.blobs.forget(cache.pending_key)
    return LoadedProgramme(fresh, "download")


def _fall_back(spec: ProgrammeSpec, cache: SavedCopy, note: str) -> LoadedProgramme:
    log.warning("%s", note)
    return LoadedProgramme(_saved(spec, cache), "saved copy", notes=(note,))


def _hold_back(
    spec: ProgrammeSpec, policy: CachePolicy, cache: SavedCopy, data: bytes, saved: Programme, fresh: Programme
) -> LoadedProgramme:
    pending = cache.blobs.where(cache.pending_key)
    if policy.save:
        cache.blobs.save(cache.pending_key, data)
    note = (
        f"{spec.location}: the programme shrank from {len(saved.sessions)} to {len(fresh.sessions)} sessions at once; "
        f"the new one is kept aside{f' in {pending}' if policy.save else ''} and not applied "
        "(if it is right, run with --accept-programme)"
    )
    log.warning("%s", note)
    return LoadedProgramme(saved, "saved copy", notes=(note,), pending=pending if policy.save else None)


def _shrank(saved: Programme, fresh: Programme) -> bool:
    return len(fresh.sessions) < len(saved.sessions) * SHRINK_LIMIT


def _parse(data: bytes, name: str, spec: ProgrammeSpec) -> Programme:
    return parse_programme(data, name, timezone=spec.timezone, programme_format=spec.programme_format)


def _saved(spec: ProgrammeSpec, cache: SavedCopy) -> Programme:
    data = cache.load()
    if data is None:
        raise ProgrammeError(f"{cache.where()}: there is no saved programme copy to read")
    return _parse(data, f"{spec.location} (saved copy {cache.where()})", spec)


def _saved_or_none(spec: ProgrammeSpec, cache: SavedCopy) -> Programme | None:
    """The saved copy, or None when there is none or it no longer reads (an older version's copy)."""
    if cache.load() is None:
        return None
    try:
        return _saved(spec, cache)
    except ProgrammeError as exc:
        log.warning("%s; replacing it", exc)
        return None


def _has_copy(policy: CachePolicy) -> bool:
    return policy.copy is not None and policy.copy.load() is not None


def _finish(loaded: LoadedProgramme, spec: ProgrammeSpec) -> LoadedProgramme:
    """Merge the inline sessions; say which zone a programme without one was read in."""
    programme = merge_sessions(loaded.programme, inline_sessions(spec.inline, spec.timezone or loaded.programme.timezone))
    return replace(loaded, programme=programme, zone_note=_zone_note(loaded.programme, spec))


def _zone_note(programme: Programme, spec: ProgrammeSpec) -> str:
    if programme.zone_declared:
        return ""
    if spec.timezone:
        return f"the programme names no time zone; its times are read in {programme.timezone} (conference.timezone)"
    note = "the programme names no time zone and conference.timezone is not set: its times are read as UTC"
    log.warning("%s: %s", spec.location, note)
    return note
