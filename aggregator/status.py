"""How the collection is doing, for `aggregator status`, monitoring checks and the about page.

Read-only: it takes no lock, so it answers while a run or the scheduler is writing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aggregator.clock import Clock, system_clock
from aggregator.config import Config
from aggregator.deploy import PublishOutcome, last_publish
from aggregator.pipeline import PROGRAMME_HEALTH
from aggregator.runs import conference_identity
from aggregator.store import PostStore, SourceHealth, open_store
from aggregator.store.identity import refuse_other

NEXT_RUNS_KEY = "schedule"  # meta: the running scheduler's next run per source


@dataclass(frozen=True)
class DaemonPlan:
    """What a running `aggregator schedule` wrote down: who it is and when each source runs next."""

    host: str
    pid: int
    updated: datetime
    next_runs: dict[str, datetime] = field(default_factory=dict)

    def to_json(self) -> str:
        runs = {name: moment.isoformat() for name, moment in self.next_runs.items()}
        return json.dumps({"host": self.host, "pid": self.pid, "updated": self.updated.isoformat(), "next_runs": runs})

    @classmethod
    def from_json(cls, text: str) -> DaemonPlan | None:
        try:
            data: dict[str, Any] = json.loads(text)
            runs = {str(k): datetime.fromisoformat(v) for k, v in data["next_runs"].items()}
            return cls(str(data["host"]), int(data["pid"]), datetime.fromisoformat(data["updated"]), runs)
        except (ValueError, KeyError, TypeError, AttributeError):
            return None

    def running(self, alive: Callable[[str], bool]) -> bool:
        """Whether its process still runs, as ``alive`` tells (a store's :meth:`processes_alive`:
        on PostgreSQL a daemon on any machine runs while its connection is there)."""
        return alive(f"{self.host} pid {self.pid}")


@dataclass(frozen=True)
class Status:
    conference: str
    store: str
    checked_at: datetime
    max_failing: timedelta
    sources: tuple[SourceHealth, ...]  # the configured ones, then the remote programme if any
    runs: tuple[dict[str, Any], ...]  # the latest first
    publish: PublishOutcome | None
    daemon: DaemonPlan | None  # None when no scheduler is running

    @property
    def unhealthy(self) -> tuple[str, ...]:
        """Sources failing for longer than ``health.max_failing``."""
        return tuple(s.name for s in self.sources if s.failing and s.failing_for(self.checked_at) > self.max_failing)


def source_health(config: Config, store: PostStore) -> tuple[SourceHealth, ...]:
    """Each configured source's health (one never collected yet has no dates), in the config's
    order, then the remote programme's when the store has a record of it."""
    known = {health.name: health for health in store.source_health()}
    configured = tuple(known.get(s.label()) or _never_collected(s.label(), s.type) for s in config.sources)
    programme = (known[PROGRAMME_HEALTH],) if PROGRAMME_HEALTH in known else ()
    return configured + programme


def _never_collected(name: str, source_type: str) -> SourceHealth:
    return SourceHealth(
        name=name, type=source_type, posts=0, last_success=None, last_attempt=None, last_error="", error_class="",
        failing_since=None, rate_limited_until=None, last_outcome="",
    )  # fmt: skip


def status(config: Config, *, runs: int = 10, clock: Clock = system_clock) -> Status:
    with open_store(config) as store:
        recorded = store.conference()
        if recorded is not None:
            refuse_other(recorded, conference_identity(config), store.location)
        return Status(
            conference=config.conference.name,
            store=store.location,
            checked_at=clock(),
            max_failing=config.health.max_failing,
            sources=source_health(config, store),
            runs=tuple({**run, "detail": json.loads(run["detail"] or "{}")} for run in store.last_runs(runs)),
            publish=last_publish(store),
            daemon=_running_daemon(store),
        )


def _running_daemon(store: PostStore) -> DaemonPlan | None:
    value = store.meta(NEXT_RUNS_KEY)
    plan = DaemonPlan.from_json(value) if value else None
    return plan if plan is not None and plan.running(store.processes_alive()) else None
