"""Collectors: one small interface, a registry keyed by the `type:` of a source in sources.yaml.

A collector reads one configured source (live over HTTP, or saved responses via `path:`)
and returns normalized :class:`~aggregator.models.Post` objects plus the ids it learned
were deleted or opted out. It never touches the store: the pipeline persists the result
and the per-source :class:`SourceState` it hands back. A collector raises
:class:`~aggregator.errors.SourceError` on failure; the pipeline contains it so one broken
source never stops the others.
"""

from __future__ import annotations

import builtins
import dataclasses
import importlib
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from aggregator.clock import Clock, conference_zone, in_zone, system_clock
from aggregator.collectors.progress import CollectorProgress
from aggregator.durations import Duration
from aggregator.errors import SourceError
from aggregator.http import RetryPolicy
from aggregator.models import Conference, Post
from aggregator.saved_values import Blobs, FileBlobs

BUILTIN_MODULES = ("feed", "bluesky", "mastodon")


COMMON_KEYS = frozenset({"type", "name", "path", "enabled", "timeout", "deadline", "every"})


class SourceOptions(BaseModel):
    """Keys every source accepts. Each collector subclasses this with its own keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str = Field(description="Which collector reads this source: bluesky, mastodon or feed.")
    name: str = Field(
        "", description="A short name for logs, state and `aggregator collect NAME`; derived from the other keys if empty."
    )
    path: Path | None = Field(
        None, description="A saved response, or a folder of them, in the service's own format, read instead of the network."
    )
    enabled: bool = Field(True, description="Set to false to keep a source in the file without collecting it.")
    timeout: float | None = Field(
        None, gt=0, description="Seconds one request of this source may take in all (default: `network.timeout`)."
    )
    deadline: float | None = Field(
        None, gt=0, description="Seconds this source may take in all, retries included (default: `network.deadline`)."
    )
    every: Duration | None = Field(
        None,
        description="How often `aggregator schedule` reads this source, e.g. `5m` (default: by the conference "
        "clock; see Operating it).",
    )

    def label(self) -> str:
        if self.name:
            return self.name
        return f"{self.type}:{self.identity()}"

    def identity(self) -> str:
        """What distinguishes this source from another of the same type (for its default name)."""
        if self.path is not None:
            return str(self.path)
        values = self.model_dump(exclude=set(COMMON_KEYS), exclude_defaults=True)
        first = next(iter(values.values()), "")
        return ",".join(map(str, first)) if isinstance(first, (list, tuple)) else str(first)


@dataclass(frozen=True)
class SourceState:
    """What a source remembers between runs (persisted by the store)."""

    etag: str = ""
    last_modified: str = ""
    cursor: str = ""  # service-specific: newest seen id/time, pagination cursor...
    last_success: datetime | None = None
    last_error: str = ""
    # a server's 429 asked us to stay away until then (its Retry-After or RateLimit-Reset)
    rate_limited_until: datetime | None = None
    progress: CollectorProgress | None = None  # the collector kind's own (its ``Progress`` class)

    def succeeded(self, at: datetime, **changes: Any) -> SourceState:
        """This state after a successful read at ``at``, with ``changes`` applied."""
        return dataclasses.replace(self, last_success=at, last_error="", rate_limited_until=None, **changes)

    def resting(self, now: datetime) -> bool:
        """Whether a rate limit still asks this source to wait at ``now``."""
        return self.rate_limited_until is not None and now < self.rate_limited_until


@dataclass(frozen=True)
class CollectContext:
    """What the pipeline gives every collector."""

    conference: Conference
    data_dir: Path  # the store's folder
    saved: Blobs | None = None  # saved values such as a login session: the store's (None: files in data_dir)
    # the pipeline's collection window (UTC), computed once per run for every source: posts
    # from window_start to window_end (None: no bound); see conference_window
    window_start: datetime | None = None
    window_end: datetime | None = None
    # this source's live (not deleted) posts, for a deletion check; the pipeline adds to the first
    # Bluesky source's those of Bluesky sources no longer configured
    stored_ids: Callable[[], list[str]] = lambda: []
    progress: Callable[[int], None] = lambda advanced: None  # called with how many items were read
    now: Clock = system_clock
    timeout: float | None = None  # seconds of silence before a retry (None: `network.read_timeout`)
    max_pages: int = 200  # a safety bound on pagination loops

    @property
    def saved_values(self) -> Blobs:
        return self.saved if self.saved is not None else FileBlobs(self.data_dir)


@dataclass(frozen=True)
class CollectResult:
    posts: tuple[Post, ...]
    state: SourceState
    deleted: tuple[str, ...] = ()  # ids deleted upstream or whose author opted out: tombstone them
    notes: tuple[str, ...] = ()  # what happened, for the per-source log line
    # Those of ``deleted`` withheld by a policy (opt-out, exclusion, sensitivity) rather than gone
    # upstream: they are published again if a later run finds them allowed.
    withheld: tuple[str, ...] = ()


class Collector(ABC):
    type: ClassVar[str]
    Options: ClassVar[builtins.type[SourceOptions]]
    Progress: ClassVar[builtins.type[CollectorProgress] | None] = None  # None: the common columns suffice
    retry_policy: RetryPolicy = RetryPolicy()  # how a live read retries (tests set a faster one)

    def __init__(self, options: SourceOptions, context: CollectContext) -> None:
        self.options = options
        self.context = context

    @abstractmethod
    def collect(self, state: SourceState) -> CollectResult:
        """Read the source, newest state in, normalized posts out. Raise SourceError on failure."""


@dataclass(frozen=True)
class CollectorKind:
    """A ``type:`` of source as sources.yaml and the store see it: its options and its progress, and
    the module of its :class:`Collector`, imported only when such a source is first collected (the
    Bluesky one brings the atproto SDK, which a configuration without Bluesky never needs)."""

    type: str
    Options: builtins.type[SourceOptions]
    Progress: builtins.type[CollectorProgress] | None
    module: str

    def collector(self) -> builtins.type[Collector]:
        importlib.import_module(self.module)
        return COLLECTORS[self.type]


KINDS: dict[str, CollectorKind] = {}
COLLECTORS: dict[str, type[Collector]] = {}


def declare(kind: CollectorKind) -> None:
    """Make ``kind`` available as `type: <kind.type>` in sources.yaml, its collector not yet imported."""
    KINDS[kind.type] = kind


def register(cls: type[Collector]) -> type[Collector]:
    """Class decorator: make a collector available as `type: <cls.type>` in sources.yaml."""
    COLLECTORS[cls.type] = cls
    KINDS.setdefault(cls.type, CollectorKind(cls.type, cls.Options, cls.Progress, cls.__module__))
    return cls


def load_builtin_collectors() -> dict[str, CollectorKind]:
    for module in BUILTIN_MODULES:
        importlib.import_module(f"aggregator.collectors.{module}")
    return KINDS


def progress_class(kind: str) -> type[CollectorProgress] | None:
    """The progress dataclass a source of type ``kind`` keeps (None: none, or an unknown type)."""
    declared = load_builtin_collectors().get(kind)
    return declared.Progress if declared is not None else None


def collector_for(options: SourceOptions, context: CollectContext) -> Collector:
    return load_builtin_collectors()[options.type].collector()(options, context)


DEFAULT_MARGIN = timedelta(days=2)


def conference_window(
    conference: Conference, margin: timedelta = DEFAULT_MARGIN
) -> tuple[datetime | None, datetime | None]:
    """The conference's dates widened by ``margin`` (no bounds when it has no dates)."""
    if conference.start is None or conference.end is None:
        return None, None
    return conference.start - margin, conference.end + margin


def collection_window(
    context: CollectContext, since: datetime | None, until: datetime | None, margin: timedelta
) -> tuple[datetime | None, datetime | None]:
    """The moments (UTC) a source with its own ``since``/``until``/``margin`` collects between:
    its ``since``/``until`` first, then the conference dates widened by its margin, then the
    pipeline's window."""
    conference = context.conference
    start, end = conference_window(conference, margin)
    return (
        in_utc(since or start or context.window_start, conference.timezone),
        in_utc(until or end or context.window_end, conference.timezone),
    )


def in_utc(moment: datetime | None, timezone: str) -> datetime | None:
    """A configured moment in UTC; one written without an offset is conference local time,
    as the programme's own times are."""
    if moment is None:
        return None
    return in_zone(moment, conference_zone(timezone)).astimezone(UTC)


def matches_hashtags(post_tags: Iterable[str], wanted: Iterable[str]) -> bool:
    """Case-insensitive: does a post carry any of the wanted tags (with or without '#')?"""
    wanted_set = {normalize_tag(t) for t in wanted}
    return any(normalize_tag(t) in wanted_set for t in post_tags)


def normalize_tag(tag: str) -> str:
    return tag.strip().lstrip("#").casefold()


def saved_files(path: Path, pattern: str = "*") -> list[Path]:
    """The saved responses behind a `path:` option: the file itself, or a folder's visible files
    matching ``pattern`` (a glob: "**/*.json" also reads sub-folders), by name."""
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.glob(pattern) if p.is_file() and not p.name.startswith("."))
    raise SourceError(f"{path}: no such file or folder")


_FRIENDLY_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(d|days?|h|hours?|m|min|minutes?)\s*$", re.IGNORECASE)


def friendly_duration(value: Any) -> Any:
    """'2d', '36h', '90m' → timedelta; anything else unchanged, for pydantic's own timedelta parsing."""
    match = _FRIENDLY_DURATION.match(value) if isinstance(value, str) else None
    if match is None:
        return value
    unit = {"d": "days", "h": "hours", "m": "minutes"}[match.group(2)[0].lower()]
    return timedelta(**{unit: float(match.group(1))})
