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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day

from aggregator.assignment import assign_with_clock, discover_sessions
from aggregator.build_inputs import inputs_fingerprint, last_build, record_build
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
from aggregator.collectors.live import live_name
from aggregator.collectors.parallel import HostBoundedPool, interleaved_by_host
from aggregator.config.model import Config
from aggregator.curation import Overrides, filter_posts
from aggregator.errors import AggregatorError, BuildError, ConfigError, RateLimited, StoreError, one_line
from aggregator.http import SourceTraffic, network_session, source_scope
from aggregator.models import Conference, Digest, Post, Session
from aggregator.programme import CachePolicy, LoadedProgramme, ProgrammeSpec, SavedCopy, is_remote, read_programme
from aggregator.sanitize import url_host
from aggregator.saved_values import Blobs, FileBlobs
from aggregator.site.about import archive_facts
from aggregator.site.incremental import templates_fingerprint
from aggregator.site.pages import SiteReport, render_site, template_search_path
from aggregator.store import OUTCOME_FAILED, OUTCOME_OK, OUTCOME_RATE_LIMITED, Attempt, open_store
from aggregator.store import PostStore as Store  # any engine
from aggregator.threads import build_threads

log = logging.getLogger(__name__)

PROGRAMME_HEALTH = "programme"  # the source-state row holding the remote programme's health
Progress = Callable[[str, int], None]  # (source label, items read so far)
CONCURRENT_TYPES = frozenset({"feed", "mastodon"})  # sources that never read the store while fetching


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
    error_class: str = ""
    rate_limited: bool = False
    http_status: int | None = None  # of the source's latest answer (None: no HTTP, or none came)

    @property
    def outcome(self) -> str:
        if self.ok:
            return OUTCOME_OK
        return OUTCOME_RATE_LIMITED if self.rate_limited else OUTCOME_FAILED

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated or self.deleted)

    def summary(self) -> str:
        status = f", HTTP {self.http_status}" if self.http_status is not None else ""
        if not self.ok:
            return f"{self.name}: FAILED after {self.seconds:.1f} s{status}: {self.error}"
        notes = f" ({'; '.join(self.notes)})" if self.notes else ""
        return (
            f"{self.name}: {self.read} posts read, {self.new} new, {self.updated} updated, "
            f"{self.deleted} removed in {self.seconds:.1f} s{status}{notes}"
        )


@dataclass(frozen=True)
class CollectReport:
    sources: tuple[SourceReport, ...]

    @property
    def failed(self) -> tuple[SourceReport, ...]:
        return tuple(s for s in self.sources if not s.ok)


@dataclass(frozen=True)
class BuildReport:
    digest: Digest | None  # None when the build was skipped: nothing it reads had changed
    site: SiteReport  # a skipped build's is the last build's
    skipped: bool = False


@dataclass(frozen=True)
class Schedule:
    """The conference and its sessions, read once per run and shared by collect and build."""

    conference: Conference
    sessions: tuple[Session, ...]
    programme: LoadedProgramme | None = None  # where the programme came from, and what went wrong


def load_schedule(
    config: Config,
    offline: bool = False,
    *,
    accept_programme: bool = False,
    save: bool = True,
    saved: Blobs | None = None,
) -> Schedule:
    """The conference as configured, its dates taken from the programme when there is one.

    ``offline``: never fetch a remote programme; use its saved copy if there is one.
    ``accept_programme``: apply a download that lost more than half the sessions at once.
    ``save``: let a good download replace the saved copy (`check` only looks).
    ``saved``: the store's saved values, where the copy is kept (None: the configured store is
    opened for them, only when the programme is remote).
    """
    with _saved_values(config, saved) as values:
        policy = CachePolicy(SavedCopy(values), offline=offline, save=save, accept_shrink=accept_programme)
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
        contact=config.conference.contact,
    )
    return Schedule(conference, sessions, loaded)


@contextmanager
def _saved_values(config: Config, saved: Blobs | None) -> Iterator[Blobs]:
    if saved is not None or not is_remote(config.programme):
        yield saved or FileBlobs(config.data_dir)  # a local programme keeps no copy: nothing is written
        return
    with open_store(config) as store:
        yield store.blobs


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
    run_id: int | None = None,
) -> CollectReport:
    """Read every enabled source (or the ``only`` ones) into ``store``, each on its own; each
    attempt is recorded (under ``run_id``) with its outcome."""
    schedule = schedule or load_schedule(config, saved=store.blobs)
    record_programme_health(store, schedule.programme)
    selected = _select_sources(config, only)
    context = collect_context(config, schedule.conference, clock, store.blobs)
    return CollectReport(_collect_all(selected, context, config, store, progress, run_id))


def _collect_all(
    selected: Sequence[SourceOptions],
    context: CollectContext,
    config: Config,
    store: Store,
    progress: Progress | None,
    run_id: int | None,
) -> tuple[SourceReport, ...]:
    """Feeds and Mastodon servers fetched at once (within `network.concurrency` and `network.per_host`)
    while the others are read here; every source's results are then stored here, in config order."""
    network = config.network
    parallel = [s for s in selected if s.type in CONCURRENT_TYPES and network.concurrency > 1]
    reports: dict[str, SourceReport] = {}
    with HostBoundedPool(network.concurrency, network.per_host) as pool:
        fetched = {
            source.label(): _submitted(pool, _SourceJob(source, context, config, store, progress, run_id))
            for source in interleaved_by_host(parallel, source_host)
        }
        for source in selected:
            if source.label() not in fetched:
                reports[source.label()] = _collect_one(source, context, config, store, progress, run_id)
        for source in parallel:
            reports[source.label()] = fetched[source.label()]()
    return tuple(reports[source.label()] for source in selected)


def _submitted(pool: HostBoundedPool, job: _SourceJob) -> Callable[[], SourceReport]:
    """``job``'s source fetched on ``pool``; calling the result waits for it and stores it (in this thread)."""
    if job.resting():
        report = job.rested()
        return lambda: report
    future = pool.submit(source_host(job.source), job.fetch)
    return lambda: job.store_fetched(future.result)


def source_host(source: SourceOptions) -> str:
    """The server a source reads from ("" for saved files): the per-host limit applies to it."""
    instances = getattr(source, "instances", ())  # Mastodon's, already as https://host
    return url_host(getattr(source, "url", None) or (instances[0] if instances else ""))


def collect_context(
    config: Config, conference: Conference, clock: Clock = system_clock, saved: Blobs | None = None
) -> CollectContext:
    """What every source of this run is given: the conference, the one collection window, the clock,
    and where to keep saved values (the store's, else files in the data folder)."""
    start, end = conference_window(conference)
    return CollectContext(
        conference=conference,
        data_dir=config.data_dir,
        saved=saved,
        window_start=start,
        window_end=end,
        now=clock,
    )


def record_programme_health(store: Store, loaded: LoadedProgramme | None) -> None:
    """A remote programme's trouble (unusable download, held-back shrink) in the store's source
    health, under the name "programme"; a good download clears it."""
    if loaded is None:
        return
    if loaded.notes:
        store.record_failure(PROGRAMME_HEALTH, "programme", "; ".join(loaded.notes), error_class="ProgrammeError")
    elif loaded.origin == "download":
        store.save_collected(PROGRAMME_HEALTH, "programme", (), (), SourceState())


def _select_sources(config: Config, only: Sequence[str]) -> tuple[SourceOptions, ...]:
    if only:
        return tuple(config.source(label) for label in only)
    return tuple(s for s in config.sources if s.enabled)


def _collect_one(
    source: SourceOptions,
    shared: CollectContext,
    config: Config,
    store: Store,
    progress: Progress | None,
    run_id: int | None = None,
) -> SourceReport:
    job = _SourceJob(source, shared, config, store, progress, run_id)
    return job.rested() if job.resting() else job.store_fetched(job.fetch)


class _SourceJob:
    """One source's attempt in this run: its fetch (which touches no store, so it may run in a
    worker) and then, in the caller's thread, the storing of its results and the attempt record."""

    def __init__(
        self,
        source: SourceOptions,
        shared: CollectContext,
        config: Config,
        store: Store,
        progress: Progress | None,
        run_id: int | None,
    ) -> None:
        self.source, self.config, self.store = source, config, store
        self.name = source.label()
        self.context = dataclasses.replace(
            shared, stored_ids=self._stored_ids_reader(), progress=_counter(self.name, progress)
        )
        self.state = store.state(self.name)
        self.attempt = _AttemptClock(run_id, self.name)
        self.traffic = SourceTraffic()

    def _stored_ids_reader(self) -> Callable[[], list[str]]:
        """The collector's view of its stored posts. A source fetched in a worker thread gets them
        read now, in this thread: a store connection belongs to the thread that opened it."""
        if self.source.type not in CONCURRENT_TYPES:
            return lambda: _stored_ids(self.store, self.config, self.source)
        ids = _stored_ids(self.store, self.config, self.source)
        return lambda: ids

    def resting(self) -> bool:
        return self.state.resting(self.context.now())

    def rested(self) -> SourceReport:
        return _resting(self.source, self.name, self.state)

    def fetch(self) -> CollectResult:
        """What the source yields now, its posts bounded in size."""
        with source_scope(self.source.timeout, self.source.deadline) as seen:
            try:
                result = collector_for(self.source, self.context).collect(self.state)
            finally:
                self.traffic.last_status = seen.last_status
        posts = tuple(bounded_post(post, self.config.network.max_post_chars) for post in result.posts)
        return dataclasses.replace(result, posts=posts)

    def store_fetched(self, fetch: Callable[[], CollectResult]) -> SourceReport:
        """``fetch()``'s results stored in one transaction, or its failure recorded: one broken
        source never stops the others."""
        try:
            report = self._stored(fetch())
        except StoreError:
            raise  # the data folder itself failed: no other source can be stored either
        except RateLimited as exc:
            until = self.context.now() + timedelta(seconds=exc.reset_after) if exc.reset_after else None
            report = self._failed(exc, str(exc), rate_limited_until=until)
        except AggregatorError as exc:
            report = self._failed(exc, str(exc))
        except Exception as exc:  # noqa: BLE001 — one broken source must never stop the others
            log.debug("%s: unexpected error", self.name, exc_info=True)  # the traceback, under --verbose only
            report = self._failed(exc, f"unexpected {type(exc).__name__}: {one_line(exc)}")
        self.store.record_attempt(self.attempt.of(report))
        log.log(logging.INFO if report.ok else logging.ERROR, "%s", report.summary())
        return report

    def _stored(self, result: CollectResult) -> SourceReport:
        counts = self.store.save_collected(
            self.name, self.source.type, result.posts, result.deleted, result.state, withheld=result.withheld
        )
        return SourceReport(
            name=self.name,
            type=self.source.type,
            ok=True,
            read=len(result.posts),
            new=counts.new,
            updated=counts.updated,
            deleted=counts.tombstoned,
            seconds=self.attempt.seconds(),
            notes=result.notes,
            http_status=self.traffic.last_status,
        )

    def _failed(self, exc: BaseException, error: str, rate_limited_until: datetime | None = None) -> SourceReport:
        error_class = type(exc).__name__
        self.store.record_failure(
            self.name, self.source.type, error, rate_limited_until=rate_limited_until, error_class=error_class
        )
        return SourceReport(
            name=self.name,
            type=self.source.type,
            ok=False,
            seconds=self.attempt.seconds(),
            error=error,
            error_class=error_class,
            rate_limited=isinstance(exc, RateLimited),
            http_status=self.traffic.last_status,
        )


def _counter(name: str, progress: Progress | None) -> Callable[[int], None]:
    seen = 0

    def advance(count: int) -> None:
        nonlocal seen
        seen += count
        if progress:
            progress(name, seen)

    return advance


@dataclass(frozen=True)
class _AttemptClock:
    """When one source's attempt began, to record it as it ends."""

    run_id: int | None
    source: str
    started: datetime = dataclasses.field(default_factory=lambda: datetime.now(UTC))
    began: float = dataclasses.field(default_factory=time.monotonic)

    def seconds(self) -> float:
        return time.monotonic() - self.began

    def of(self, report: SourceReport) -> Attempt:
        return Attempt(
            run_id=self.run_id,
            source=self.source,
            started=self.started,
            finished=self.started + timedelta(seconds=self.seconds()),
            outcome=report.outcome,
            error_class=report.error_class,
            message=report.error,
            http_status=report.http_status,
            new=report.new,
            updated=report.updated,
            removed=report.deleted,
        )


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
    placements, programme_clock = assign_with_clock(threads, sessions, conference, config.assignment, overrides)
    return Digest(
        conference=conference,
        sessions=tuple(sessions),
        placements=placements,
        generated_at=clock(),
        clock=programme_clock,
    )


def configured_posts(config: Config, posts: Sequence[Post]) -> list[Post]:
    """The posts some source of the configuration collected (enabled or not): those of a source
    removed from it are kept in the store, unpublished, and come back with it."""
    names = {name for source in config.sources for name in (source.label(), live_name(source.label()))}
    return [post for post in posts if names.intersection(post.source_names)]


def build_site(
    config: Config, store: Store, schedule: Schedule | None = None, clock: Clock = system_clock
) -> BuildReport:
    """Render the site from what ``store`` holds into the output folder (atomically), unless
    nothing it reads changed since the last build and the output folder still holds that build.

    Raises :class:`BuildError` for anything that goes wrong on the way, a bug included: the
    previous site stays, and the exit code says the build failed.
    """
    schedule = schedule or load_schedule(config, saved=store.blobs)
    templates = templates_fingerprint(template_search_path(config.templates))  # once: the build's inputs and its files' keys
    inputs = inputs_fingerprint(config, store, schedule.conference, schedule.sessions, templates)
    previous = last_build(store)
    if previous is not None and previous.still_current(inputs, config.output, clock()):
        log.info("nothing changed since the last build: %s left as it is", config.output)
        return BuildReport(digest=None, site=previous.site, skipped=True)
    digest, site = _rendered(config, store, schedule, clock, templates)
    record_build(store, inputs, digest, site, config.output)
    return BuildReport(digest=digest, site=site)


def _rendered(
    config: Config, store: Store, schedule: Schedule, clock: Clock, templates: str
) -> tuple[Digest, SiteReport]:
    try:
        digest = make_digest(config, configured_posts(config, store.posts()), clock=clock, schedule=schedule)
    except AggregatorError:
        raise
    except Exception as exc:
        log.debug("the build failed", exc_info=True)
        raise BuildError(f"threads and sessions could not be worked out: {type(exc).__name__}: {one_line(exc)}") from exc
    archive = archive_facts(config.sources, digest.conference.hashtags, store)
    site = render_site(digest, config.output, templates_dir=config.templates, archive=archive, templates_key=templates)
    log.info(
        "built %s: %d sessions, %d threads (%d in the hallway)",
        config.output,
        len(digest.sessions),
        len(digest.placements),
        sum(1 for p in digest.placements if p.session_id is None),
    )
    return digest, site


def require_sources(config: Config) -> None:
    if not config.sources:
        raise ConfigError(f"{config.config_path}: no sources configured: add at least one under 'sources:'")


def dry_collect(config: Config, source: SourceOptions, clock: Clock = system_clock) -> CollectResult:
    """What a source yields right now, from a fresh state, stored nowhere (`aggregator dump`)."""
    with network_session(config.network):
        context = collect_context(config, load_schedule(config).conference, clock)
        with source_scope(source.timeout, source.deadline):
            return collector_for(source, context).collect(SourceState())
