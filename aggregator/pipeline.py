"""The pipeline's stages wired together: collect → store → threads → assignment → site.

Each source is collected in isolation (a failure is recorded, logged and reported, and the
others go on); the build reads only the store, so it works offline and is repeatable. These
functions take an open store and hold no lock: :mod:`aggregator.runs` wraps them into the
public ``run``/``collect``/``build``/``describe``, with the lock and the run record.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as time_of_day

from aggregator.assignment import assign, discover_sessions
from aggregator.clock import Clock, conference_zone, system_clock
from aggregator.collectors import (
    CollectContext,
    CollectResult,
    SourceOptions,
    SourceState,
    collector_for,
    conference_window,
)
from aggregator.collectors.bounds import bounded_post
from aggregator.config.model import Config
from aggregator.curation import Overrides, filter_posts
from aggregator.errors import AggregatorError, BuildError, ConfigError, RateLimited, StoreError, one_line
from aggregator.http import network_session, source_scope
from aggregator.models import Conference, Digest, Placement, Post, Session
from aggregator.programme import CachePolicy, LoadedProgramme, ProgrammeSpec, read_programme
from aggregator.site.pages import SiteReport, render_site
from aggregator.store import PostStore as Store  # any engine
from aggregator.threads import build_threads

log = logging.getLogger(__name__)

PROGRAMME_CACHE = "programme.cache"  # the last programme read from a URL, used when it cannot be read
PROGRAMME_HEALTH = "programme"  # the source-state row holding the remote programme's health
Progress = Callable[[str, int], None]  # (source label, items read so far)


@dataclass(frozen=True)
class SourceReport:
    name: str
    type: str
    ok: bool
    read: int = 0
    new: int = 0
    updated: int = 0
    deleted: int = 0
    seconds: float = 0.0
    error: str = ""
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        if not self.ok:
            return f"{self.name}: FAILED after {self.seconds:.1f} s: {self.error}"
        notes = f" ({'; '.join(self.notes)})" if self.notes else ""
        return (
            f"{self.name}: {self.read} posts read, {self.new} new, {self.updated} updated, "
            f"{self.deleted} removed in {self.seconds:.1f} s{notes}"
        )


@dataclass(frozen=True)
class CollectReport:
    sources: tuple[SourceReport, ...]

    @property
    def failed(self) -> tuple[SourceReport, ...]:
        return tuple(s for s in self.sources if not s.ok)


@dataclass(frozen=True)
class BuildReport:
    digest: Digest
    site: SiteReport


@dataclass(frozen=True)
class Schedule:
    """The conference and its sessions, read once per run and shared by collect and build."""

    conference: Conference
    sessions: tuple[Session, ...]
    programme: LoadedProgramme | None = None  # where the programme came from, and what went wrong


def load_schedule(config: Config, offline: bool = False, *, accept_programme: bool = False, save: bool = True) -> Schedule:
    """The conference as configured, its dates taken from the programme when there is one.

    ``offline``: never fetch a remote programme; use its saved copy if there is one.
    ``accept_programme``: apply a download that lost more than half the sessions at once.
    ``save``: let a good download replace the saved copy (`check` only looks).
    """
    policy = CachePolicy(config.data_dir / PROGRAMME_CACHE, offline=offline, save=save, accept_shrink=accept_programme)
    loaded = _programme(config, policy)
    sessions = loaded.programme.sessions if loaded else ()
    start, end = _conference_span(config, sessions)
    conference = Conference(
        name=config.conference.name,
        hashtags=config.conference.hashtags,
        timezone=config.conference.timezone,
        site_url=config.conference.site_url,
        start=start,
        end=end,
        description=config.conference.description,
    )
    return Schedule(conference, sessions, loaded)


def _programme(config: Config, policy: CachePolicy) -> LoadedProgramme | None:
    """The configured programme with the inline sessions merged in (either may be absent)."""
    if not config.programme and not config.sessions:
        return None
    zone_set = "timezone" in config.conference.model_fields_set
    spec = ProgrammeSpec(
        location=config.programme,
        base_dir=config.base_dir,
        timezone=config.conference.timezone if zone_set else None,
        programme_format=config.programme_format,
        inline=config.sessions,
    )
    return read_programme(spec, policy)


def _conference_span(config: Config, sessions: Sequence[Session]) -> tuple[datetime | None, datetime | None]:
    if sessions:
        return min(s.start for s in sessions), max(s.end for s in sessions)
    zone = conference_zone(config.conference.timezone)

    def day(text: str, end_of_day: bool) -> datetime | None:
        if not text:
            return None
        moment = time_of_day.max if end_of_day else time_of_day.min
        return datetime.combine(date.fromisoformat(text), moment, tzinfo=zone)

    return day(config.conference.start, False), day(config.conference.end, True)


def collect_sources(
    config: Config,
    store: Store,
    *,
    only: Sequence[str] = (),
    progress: Progress | None = None,
    schedule: Schedule | None = None,
    clock: Clock = system_clock,
) -> CollectReport:
    """Read every enabled source (or the ``only`` ones) into ``store``, each on its own."""
    schedule = schedule or load_schedule(config)
    _record_programme_health(store, schedule.programme)
    selected = _select_sources(config, only)
    context = collect_context(config, schedule.conference, clock)
    reports = tuple(_collect_one(source, context, config, store, progress) for source in selected)
    return CollectReport(reports)


def collect_context(config: Config, conference: Conference, clock: Clock = system_clock) -> CollectContext:
    """What every source of this run is given: the conference, the one collection window, the clock."""
    start, end = conference_window(conference)
    return CollectContext(
        conference=conference, data_dir=config.data_dir, window_start=start, window_end=end, now=clock
    )


def _record_programme_health(store: Store, loaded: LoadedProgramme | None) -> None:
    """A remote programme's trouble (unusable download, held-back shrink) in the store's source
    health, under the name "programme"; a good download clears it."""
    if loaded is None:
        return
    if loaded.notes:
        store.record_failure(PROGRAMME_HEALTH, "programme", "; ".join(loaded.notes))
    elif loaded.origin == "download":
        store.save_collected(PROGRAMME_HEALTH, "programme", (), (), SourceState())


def _select_sources(config: Config, only: Sequence[str]) -> tuple[SourceOptions, ...]:
    if only:
        return tuple(config.source(label) for label in only)
    return tuple(s for s in config.sources if s.enabled)


def _collect_one(
    source: SourceOptions, shared: CollectContext, config: Config, store: Store, progress: Progress | None
) -> SourceReport:
    name = source.label()
    started = time.monotonic()
    seen = 0

    def advance(count: int) -> None:
        nonlocal seen
        seen += count
        if progress:
            progress(name, seen)

    context = dataclasses.replace(shared, stored_ids=lambda: _stored_ids(store, config, source), progress=advance)
    state = store.state(name)
    if state.resting(context.now()):
        return _resting(source, name, state)
    try:
        with source_scope(source.timeout, source.deadline):
            result = collector_for(source, context).collect(state)
        posts = tuple(bounded_post(post, config.network.max_post_chars) for post in result.posts)
        counts = store.save_collected(name, source.type, posts, result.deleted, result.state, withheld=result.withheld)
    except StoreError:
        raise  # the data folder itself failed: no other source can be stored either
    except RateLimited as exc:
        until = context.now() + timedelta(seconds=exc.reset_after) if exc.reset_after else None
        return _failed(store, source, name, str(exc), started, rate_limited_until=until)
    except AggregatorError as exc:
        return _failed(store, source, name, str(exc), started)
    except Exception as exc:  # noqa: BLE001 — one broken source must never stop the others
        log.debug("%s: unexpected error", name, exc_info=True)  # the traceback, under --verbose only
        return _failed(store, source, name, f"unexpected {type(exc).__name__}: {one_line(exc)}", started)
    report = SourceReport(
        name=name,
        type=source.type,
        ok=True,
        read=len(posts),
        new=counts.new,
        updated=counts.updated,
        deleted=counts.tombstoned,
        seconds=time.monotonic() - started,
        notes=result.notes,
    )
    log.info("%s", report.summary())
    return report


def _resting(source: SourceOptions, name: str, state: SourceState) -> SourceReport:
    """A source skipped because its server's rate limit has not reset yet: a note, not a failure."""
    assert state.rate_limited_until is not None
    note = f"skipped: rate limited by its server until {state.rate_limited_until.isoformat(timespec='seconds')}"
    report = SourceReport(name=name, type=source.type, ok=True, notes=(note,))
    log.warning("%s", report.summary())
    return report


def _stored_ids(store: Store, config: Config, source: SourceOptions) -> list[str]:
    """The live posts a source re-checks: its own. The first enabled Bluesky source that checks
    deletions also takes the Bluesky posts no enabled Bluesky source collected (theirs was removed or
    disabled): getPosts reads any post, so their deletion upstream is still noticed, by one source only."""
    own = store.post_ids(source.label())
    if source.type != "bluesky":
        return own
    peers = [s for s in config.sources if s.enabled and s.type == "bluesky"]
    checkers = [s for s in peers if getattr(s, "check_deletions", True)]
    if not checkers or checkers[0].label() != source.label():
        return own
    known = set(own)
    orphans = store.orphan_ids("bluesky", owners=[peer.label() for peer in peers])
    return [*own, *(post_id for post_id in orphans if post_id not in known)]


def _failed(
    store: Store,
    source: SourceOptions,
    name: str,
    error: str,
    started: float,
    rate_limited_until: datetime | None = None,
) -> SourceReport:
    store.record_failure(name, source.type, error, rate_limited_until=rate_limited_until)
    report = SourceReport(name=name, type=source.type, ok=False, seconds=time.monotonic() - started, error=error)
    log.error("%s", report.summary())
    return report


def make_digest(
    config: Config, posts: Sequence[Post], clock: Clock = system_clock, schedule: Schedule | None = None
) -> Digest:
    """Threads and their placements from stored posts: the whole build minus the rendering."""
    schedule = schedule or load_schedule(config)
    conference, sessions = schedule.conference, schedule.sessions
    overrides = Overrides.from_config(config.overrides)
    visible = filter_posts(posts, overrides)
    threads = build_threads(visible, replies=config.assignment.replies)
    if not sessions:
        sessions = discover_sessions(threads, conference, config.assignment)
    for unknown in overrides.unknown_pin_targets({s.id for s in sessions}):
        log.warning("overrides.pin: %s", unknown)
    placements: tuple[Placement, ...] = assign(threads, sessions, conference, config.assignment, overrides)
    return Digest(
        conference=conference,
        sessions=tuple(sessions),
        placements=placements,
        generated_at=clock(),
    )


def build_site(
    config: Config, store: Store, schedule: Schedule | None = None, clock: Clock = system_clock
) -> BuildReport:
    """Render the site from what ``store`` holds into the output folder (atomically).

    Raises :class:`BuildError` for anything that goes wrong on the way, a bug included: the
    previous site stays, and the exit code says the build failed.
    """
    try:
        digest = make_digest(config, store.posts(), clock=clock, schedule=schedule)
    except AggregatorError:
        raise
    except Exception as exc:
        log.debug("the build failed", exc_info=True)
        raise BuildError(f"threads and sessions could not be worked out: {type(exc).__name__}: {one_line(exc)}") from exc
    site = render_site(digest, config.output, templates_dir=config.templates)
    log.info(
        "built %s: %d sessions, %d threads (%d in the hallway)",
        config.output,
        len(digest.sessions),
        len(digest.placements),
        sum(1 for p in digest.placements if p.session_id is None),
    )
    return BuildReport(digest=digest, site=site)


def require_sources(config: Config) -> None:
    if not config.sources:
        raise ConfigError(f"{config.config_path}: no sources configured: add at least one under 'sources:'")


def dry_collect(config: Config, source: SourceOptions, clock: Clock = system_clock) -> CollectResult:
    """What a source yields right now, from a fresh state, stored nowhere (`aggregator dump`)."""
    with network_session(config.network):
        context = collect_context(config, load_schedule(config).conference, clock)
        with source_scope(source.timeout, source.deadline):
            return collector_for(source, context).collect(SourceState())
