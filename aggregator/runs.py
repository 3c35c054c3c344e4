"""The library's front door: ``run``, ``collect``, ``build`` and ``describe`` a configured conference.

Each one that writes takes the data folder's lock before anything else (a remote programme is
read only once the lock is held, so overlapping cron runs never pile up), opens the store and
records the run with its real outcome: ``ok``, ``sources-failed`` (some source failed, the rest
went on), ``failed`` (with the error) or, found by a later run, ``abandoned`` (its process died).
The store must belong to the configured conference (it records it the first time). A build is
followed by the ``publish:`` command when there is one. The CLI is a thin layer over these functions.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeAlias

from aggregator.build_inputs import site_identity
from aggregator.clock import Clock, conference_zone, system_clock
from aggregator.config import Config, load_config
from aggregator.curation import Overrides
from aggregator.deploy import PublishOutcome, already_published, publish_site, record_publish
from aggregator.http import network_session
from aggregator.pipeline import (
    BuildReport,
    CollectReport,
    Progress,
    Schedule,
    build_site,
    collect_sources,
    load_schedule,
    require_sources,
)
from aggregator.programme import is_remote
from aggregator.store import ConferenceIdentity, PostStore, lock_scopes, open_store

RUN_OK, RUN_SOURCES_FAILED, RUN_FAILED = "ok", "sources-failed", "failed"

ConfigLike: TypeAlias = Config | str | Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunReport:
    """What one ``run`` did: the collection, then the build."""

    collected: CollectReport
    built: BuildReport

    @property
    def failed(self) -> bool:
        return bool(self.collected.failed)


@dataclass(frozen=True)
class SourceSummary:
    label: str
    type: str
    enabled: bool


@dataclass(frozen=True)
class Description:
    """What ``aggregator check`` prints: the configuration and programme as the tool reads them."""

    config_path: Path | None
    name: str
    hashtags: tuple[str, ...]
    timezone: str
    sessions: int
    rooms: tuple[str, ...]
    days: tuple[date, ...]
    start: datetime | None
    end: datetime | None
    programme: str
    programme_is_remote: bool
    programme_origin: str  # "file", "download", "saved copy", "inline", or "" (no programme)
    zone_note: str  # the zone the programme's times were read in, when it names none itself
    programme_notes: tuple[str, ...]  # what went wrong with it and what was used instead
    sources: tuple[SourceSummary, ...]
    output: Path
    data_dir: Path
    warnings: tuple[str, ...]


def as_config(config: ConfigLike) -> Config:
    """A validated configuration: given as is, or read from the sources.yaml at that path."""
    return config if isinstance(config, Config) else load_config(Path(config))


@contextmanager
def recorded_run(
    config: Config, kind: str, clock: Clock = system_clock, only: Sequence[str] = ()
) -> Iterator[RecordedRun]:
    """The store, with what this run writes (its sources, the build) held by it alone, and the
    run recorded as it ends.

    Raises :class:`~aggregator.errors.LockedError` when another run holds them.
    """
    with (
        open_store(config) as store,
        store.lock(lock_scopes(config, kind, only)),
        network_session(config.network),
    ):
        store.claim_conference(conference_identity(config))
        store.close_abandoned_runs()
        run = RecordedRun(store, store.start_run(kind))
        try:
            yield run
        except BaseException as exc:
            store.finish_run(run.run_id, RUN_FAILED, {"error": f"{type(exc).__name__}: {exc}"})
            raise
        store.finish_run(run.run_id, run.status, run.detail)


@dataclass
class RecordedRun:
    """An open store and the record of the run using it; the outcome is filled in as it goes."""

    store: PostStore
    run_id: int
    status: str = RUN_OK
    detail: dict[str, Any] = field(default_factory=dict)

    def collected(self, report: CollectReport) -> None:
        failed = [source.name for source in report.failed]
        if failed:
            self.status = RUN_SOURCES_FAILED
        self.detail.update(sources=len(report.sources), failed=failed, new=sum(s.new for s in report.sources))

    def built(self, report: BuildReport) -> None:
        self.detail.update(pages=report.site.pages, build_skipped=report.skipped)

    def published(self, outcome: PublishOutcome | None) -> None:
        if outcome is not None:
            record_publish(self.store, outcome)
            self.detail.update(published=outcome.ok)


def conference_identity(config: Config) -> ConferenceIdentity:
    return ConferenceIdentity(config.conference.name, config.conference.hashtags)


def run(
    config: ConfigLike,
    *,
    progress: Progress | None = None,
    accept_programme: bool = False,
    clock: Clock = system_clock,
) -> RunReport:
    """Collect every enabled source, then build the site: the job for cron.

    A source that fails is logged, recorded and reported in the result (``failed``); the site is
    still built from what the store holds.
    """
    config = as_config(config)
    require_sources(config)
    with recorded_run(config, "run", clock) as recorded:
        schedule = load_schedule(config, accept_programme=accept_programme, saved=recorded.store.blobs)
        collected = collect_sources(
            config, recorded.store, progress=progress, schedule=schedule, clock=clock, run_id=recorded.run_id
        )
        recorded.collected(collected)
        built = build_site(config, recorded.store, schedule, clock)
        recorded.built(built)
        recorded.published(publish_built(config, recorded.store, built))
    return RunReport(collected, built)


def collect(
    config: ConfigLike,
    *,
    only: Sequence[str] = (),
    progress: Progress | None = None,
    accept_programme: bool = False,
    clock: Clock = system_clock,
) -> CollectReport:
    """Read every enabled source (or the ``only`` ones, by label) into the store.

    ``accept_programme``: apply a downloaded programme that lost more than half its sessions at once.
    """
    config = as_config(config)
    with recorded_run(config, "collect", clock, only) as recorded:
        schedule = load_schedule(config, accept_programme=accept_programme, saved=recorded.store.blobs)
        report = collect_sources(
            config, recorded.store, only=only, progress=progress, schedule=schedule, clock=clock, run_id=recorded.run_id
        )
        recorded.collected(report)
    return report


def build(config: ConfigLike, *, clock: Clock = system_clock) -> BuildReport:
    """Render the site from the store into the output folder (atomically); reads no network for posts."""
    config = as_config(config)
    with recorded_run(config, "build", clock) as recorded:
        report = build_site(config, recorded.store, load_schedule(config, saved=recorded.store.blobs), clock)
        recorded.built(report)
        recorded.published(publish_built(config, recorded.store, report))
    return report


def publish_needed(config: Config, store: PostStore, built: BuildReport, site: str) -> bool:
    """Whether ``built``'s site (the output folder ``site`` names) should be published: there is
    a command, and the build was not skipped with that site already published successfully."""
    if not config.publish.command:
        return False
    if built.skipped and already_published(store, site):
        log.info("the site is as it was last published: not published again")
        return False
    return True


def publish_built(config: Config, store: PostStore, built: BuildReport) -> PublishOutcome | None:
    """The ``publish:`` command run after ``built``, when needed (None when not run)."""
    if not config.publish.command:
        return None  # no folder walk for a site that is never published
    site = site_identity(config.output)  # walked once, for the decision and the record
    return publish_site(config.publish, config.base_dir, site) if publish_needed(config, store, built, site) else None


def publish_output(config: Config) -> PublishOutcome | None:
    """The ``publish:`` command run on the output folder as it is now, which its outcome names."""
    return publish_site(config.publish, config.base_dir, site_identity(config.output))


def describe(config: ConfigLike, *, accept_programme: bool = False) -> Description:
    """The configuration and its programme as read now (a remote programme is downloaded, and
    its saved copy left as it is)."""
    config = as_config(config)
    schedule = load_schedule(config, accept_programme=accept_programme, save=False)
    return _description(config, schedule)


def _description(config: Config, schedule: Schedule) -> Description:
    conference, sessions, loaded = schedule.conference, schedule.sessions, schedule.programme
    zone = conference_zone(conference.timezone)
    overrides = Overrides.from_config(config.overrides)
    return Description(
        config_path=config.config_path,
        name=conference.name,
        hashtags=conference.hashtags,
        timezone=conference.timezone,
        sessions=len(sessions),
        rooms=tuple(sorted({s.room for s in sessions if s.room})),
        days=tuple(sorted({s.start.astimezone(zone).date() for s in sessions})),
        start=conference.start,
        end=conference.end,
        programme=config.programme,
        programme_is_remote=is_remote(config.programme),
        programme_origin=loaded.origin if loaded else "",
        zone_note=loaded.zone_note if loaded else "",
        programme_notes=loaded.notes if loaded else (),
        sources=tuple(SourceSummary(s.label(), s.type, s.enabled) for s in config.sources),
        output=config.output,
        data_dir=config.data_dir,
        warnings=tuple(f"overrides.{problem}" for problem in overrides.unknown_pin_targets({s.id for s in sessions})),
    )
