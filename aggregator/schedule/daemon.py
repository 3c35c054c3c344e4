"""`aggregator schedule`: the whole conference, unattended (APScheduler 3).

One job per enabled source, each at its own interval (:mod:`aggregator.schedule.intervals`),
planned from the store's per-source state, so a restart neither repeats a read just made nor
leaves a gap. After each read the job is planned again from what happened: a 429 that asked
to wait delays that source alone. A read that changed posts asks for a build, debounced so a
burst of sources leads to one build; a successful build is followed by the ``publish:``
command in a thread of its own, so a slow upload never holds collection.

Every write takes the same lock as ``aggregator run`` (the data folder's, or the source's on
PostgreSQL), one at a time inside the daemon: ``run`` and ``schedule`` never write at once.
:meth:`Daemon.stop` lets the current step finish for a few seconds; a store write is one
transaction and the site is swapped in whole, so abandoning a step leaves neither half-written.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger

from aggregator.build_inputs import site_identity
from aggregator.clock import Clock, system_clock
from aggregator.collectors import SourceOptions
from aggregator.config import Config
from aggregator.deploy import record_publish
from aggregator.errors import AggregatorError, LockedError
from aggregator.pipeline import Schedule, build_site, collect_sources, load_schedule, record_programme_health
from aggregator.runs import publish_needed, publish_output, recorded_run
from aggregator.schedule.debounce import Debounced
from aggregator.schedule.intervals import Cadence, interval, next_run
from aggregator.schedule.services import LiveService, start_service
from aggregator.status import NEXT_RUNS_KEY, DaemonPlan
from aggregator.store import PostStore, open_store, store_is_shared

log = logging.getLogger(__name__)

PROGRAMME_JOB = "programme"  # re-reads the programme hourly (a remote one may change)


class PlannedTrigger(BaseTrigger):  # type: ignore[misc]
    """Fires at the daemon's plan for one source. APScheduler asks for the next time as a run
    starts; the daemon sets the real one when the run has ended (it depends on the outcome)."""

    def __init__(self, daemon: Daemon, source: SourceOptions, first: datetime | None) -> None:
        self._daemon, self._source, self._first = daemon, source, first

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        if previous_fire_time is None:
            return self._first
        step = interval(self._source, self._daemon.schedule.conference, self._daemon.clock(), self._daemon.cadence)
        return None if step is None else max(now, previous_fire_time) + step


class Daemon:
    """The scheduler's core, started and stopped by the `schedule` command (or a test)."""

    schedule: Schedule  # the conference and its programme, read by start() and hourly after

    def __init__(
        self,
        config: Config,
        *,
        clock: Clock = system_clock,
        cadence: Cadence = Cadence(),
        build_quiet: float = 10.0,
        build_longest: float = 120.0,
        lock_retry: timedelta = timedelta(seconds=30),
        misfire_grace: timedelta = timedelta(minutes=5),
        services: Sequence[LiveService] = (),
    ) -> None:
        self.config, self.clock, self.cadence = config, clock, cadence
        self.sources = tuple(s for s in config.sources if s.enabled)
        self._lock_retry = lock_retry
        self._services = tuple(services)
        self._stop = threading.Event()
        self._turns = _Turns()  # one writer at a time inside the daemon, first come first served
        self._next: dict[str, datetime] = {}
        self.builder = Debounced("build", self._build, self._stop, build_quiet, build_longest)
        self.publisher = Debounced("publish", self._publish, self._stop, 0.0, 0.0)
        self._threads: list[threading.Thread] = []
        self._started = False
        self._presence: PostStore | None = None  # a connection held while it runs: see _renew_presence
        self._scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max(2, len(self.sources)))},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": int(misfire_grace.total_seconds())},
        )

    # --- starting and stopping ---------------------------------------------------------

    def start(self) -> bool:
        """Read the programme and each source's state, plan every source, start the threads.
        While a run holds the lock, wait for it (a cron run and a freshly started daemon may meet);
        False when :meth:`request_stop` came first and nothing was started."""
        first = self._first_plan()
        if first is None:
            return False
        for source in self.sources:
            self._add_job(source, first[source.label()])
        self._scheduler.add_job(self._reload_programme, "interval", hours=1, id=PROGRAMME_JOB, name=PROGRAMME_JOB)
        self._scheduler.start()
        self.builder.start()
        self.publisher.start()
        self._threads = [start_service(service, self._stop, self.builder.request) for service in self._services]
        self._started = True
        log.info("scheduling %d sources: %s", len(self.sources), self._describe(first))
        return True

    def _first_plan(self) -> dict[str, datetime | None] | None:
        while not self.stopping:
            try:
                with self.writing(), recorded_run(self.config, "programme", self.clock) as recorded:
                    self.schedule = load_schedule(self.config, saved=recorded.store.blobs)
                    record_programme_health(recorded.store, self.schedule.programme)
                    first = {s.label(): self._plan(s, recorded.store, catching_up=True) for s in self.sources}
                    self._write_plan(recorded.store, first)
                    return first
            except LockedError as exc:
                log.warning("%s; starting once it is free (trying again every %s)", exc, self._lock_retry)
                self._stop.wait(self._lock_retry.total_seconds())
        return None

    def request_stop(self) -> None:
        """Ask a :meth:`start` that is still waiting for the lock to give up (a signal handler may call it)."""
        self._stop.set()

    def stop(self, timeout: float = 8.0) -> bool:
        """Stop within ``timeout`` seconds; False when a step was still running (and is abandoned)."""
        ends = time.monotonic() + timeout
        self._stop.set()
        if not self._started:
            return True
        self._scheduler.shutdown(wait=False)
        self.builder.wake()
        self.publisher.wake()
        finished = self._turns.wait_idle(ends - time.monotonic())
        for worker in (self.builder, self.publisher):
            finished = worker.join(max(0.0, ends - time.monotonic())) and finished
        for thread in self._threads:
            thread.join(max(0.0, ends - time.monotonic()))
            finished = finished and not thread.is_alive()
        if finished:
            self._forget_plan()
        self._close_presence()
        log.info("scheduler stopped%s", "" if finished else "; the step under way was abandoned")
        return finished

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The daemon's write turn: held by each job (and service) while it writes to the store."""
        with self._turns.turn():
            yield

    # --- the jobs ----------------------------------------------------------------------

    def _collect(self, source: SourceOptions) -> None:
        if self.stopping:
            return
        name = source.label()
        try:
            with self.writing(), recorded_run(self.config, "collect", self.clock, only=[name]) as recorded:
                if self.stopping:
                    return
                collected = collect_sources(
                    self.config, recorded.store, only=[name], schedule=self._sessions_only(), clock=self.clock,
                    run_id=recorded.run_id,
                )  # fmt: skip
                recorded.collected(collected)
                report = collected.sources[0]
                planned = self._plan(source, recorded.store)
                self._next_runs_changed(recorded.store, name, planned)
        except LockedError as exc:
            log.warning("%s: %s; trying again in %s", name, exc, self._lock_retry)
            planned = self.clock() + self._lock_retry
            report = None
        except AggregatorError as exc:
            log.error("%s: %s", name, exc)
            return
        self._reschedule(name, planned)
        if report is not None and report.changed:
            self.builder.request()

    def _build(self) -> None:
        try:
            with self.writing(), recorded_run(self.config, "build", self.clock) as recorded:
                report = build_site(self.config, recorded.store, self.schedule, self.clock)
                recorded.built(report)
                wanted = bool(self.config.publish.command) and publish_needed(
                    self.config, recorded.store, report, site_identity(self.config.output)
                )
        except LockedError as exc:
            log.warning("build: %s; trying again soon", exc)
            self.builder.request()
            return
        except AggregatorError as exc:
            log.error("build failed, the previous site is untouched: %s", exc)
            return
        if wanted:
            self.publisher.request()

    def _publish(self) -> None:
        outcome = publish_output(self.config)
        if outcome is None:
            return
        with self.writing(), open_store(self.config) as store:
            record_publish(store, outcome)

    def _reload_programme(self) -> None:
        try:
            with self.writing(), recorded_run(self.config, "programme", self.clock) as recorded:
                self.schedule = load_schedule(self.config, saved=recorded.store.blobs)
                record_programme_health(recorded.store, self.schedule.programme)
        except AggregatorError as exc:
            log.warning("programme: %s; the one read before stays in use", exc)

    def _sessions_only(self) -> Schedule:
        """The schedule without its loading record: the programme's health is recorded when it
        is read (hourly), not again with each source's read."""
        return dataclasses.replace(self.schedule, programme=None)

    # --- planning ----------------------------------------------------------------------

    def _plan(self, source: SourceOptions, store: PostStore, catching_up: bool = False) -> datetime | None:
        """The next read of ``source``: after its last attempt when catching up, else from now."""
        state = store.state(source.label())
        last = _last_attempt(store, source.label()) if catching_up else self.clock()
        return next_run(source, self.schedule.conference, self.clock(), last, state.rate_limited_until, self.cadence)

    def _add_job(self, source: SourceOptions, first: datetime | None) -> None:
        if first is None:
            log.info("%s: the conference is over; not collected any more", source.label())
            return
        trigger = PlannedTrigger(self, source, first)
        self._scheduler.add_job(self._collect, trigger, args=[source], id=source.label(), name=source.label())

    def _reschedule(self, name: str, planned: datetime | None) -> None:
        if self.stopping:
            return
        try:
            if planned is None:
                self._scheduler.remove_job(name)
                log.info("%s: the conference is over; not collected any more", name)
            else:
                self._scheduler.modify_job(name, next_run_time=planned)
        except JobLookupError:
            pass  # removed meanwhile (the conference ended)

    def _next_runs_changed(self, store: PostStore, name: str, planned: datetime | None) -> None:
        plan: dict[str, datetime | None] = dict(self._next)
        plan.pop(name, None)
        if planned is not None:
            plan[name] = planned
        self._write_plan(store, plan)

    def _write_plan(self, store: PostStore, plan: Mapping[str, datetime | None]) -> None:
        self._next = {name: moment for name, moment in plan.items() if moment is not None}
        record = DaemonPlan(socket.gethostname(), os.getpid(), datetime.now(UTC), dict(self._next))
        store.set_meta(NEXT_RUNS_KEY, record.to_json())
        self._renew_presence()

    def _renew_presence(self) -> None:
        """On a shared store, hold a connection of our own between jobs: it is how `status`, on any
        machine, knows this daemon still runs (it dies with the process). Renewed with each plan, so
        a database restart that dropped it costs no more than one job's wait."""
        self._close_presence()
        if self.stopping or not store_is_shared(self.config):
            return
        try:
            self._presence = open_store(self.config)
        except AggregatorError as exc:
            log.warning("could not hold a connection to the store between jobs: %s", exc)

    def _close_presence(self) -> None:
        presence, self._presence = self._presence, None
        if presence is not None:
            presence.close()

    def _forget_plan(self) -> None:
        try:
            with open_store(self.config) as store:
                store.set_meta(NEXT_RUNS_KEY, None)
        except AggregatorError as exc:
            log.warning("could not clear the plan of next runs: %s", exc)

    def _describe(self, plan: Mapping[str, datetime | None]) -> str:
        return "; ".join(
            f"{name} next at {moment.isoformat(timespec='seconds')}" if moment else f"{name} over"
            for name, moment in plan.items()
        )


def _last_attempt(store: PostStore, name: str) -> datetime | None:
    attempts = store.attempts(name, limit=1)
    return attempts[0].finished if attempts else store.state(name).last_success


class _Turns:
    """Writers take turns in the order they asked (a build is not starved by frequent
    collects), and shutdown can wait for the one under way."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._issued = 0  # tickets handed out
        self._serving = 0  # the ticket whose turn it is
        self._busy = False

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self._changed:
            ticket = self._issued
            self._issued += 1
            self._changed.wait_for(lambda: self._serving == ticket)
            self._busy = True
        try:
            yield
        finally:
            with self._changed:
                self._busy = False
                self._serving += 1
                self._changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: not self._busy, max(0.0, timeout))
