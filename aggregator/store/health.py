"""What the store knows of each source's health: its attempts and their outcome, for `status`,
the scheduler and the site's about page (:meth:`PostStore.source_health`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

OUTCOME_OK, OUTCOME_FAILED, OUTCOME_RATE_LIMITED = "ok", "failed", "rate-limited"
# A troubled source is failing or kept an error from its last attempt: the about page then shows
# when it last worked. The same rule as SQL over source_state, for the store's change marker
# (keep the two together: :attr:`SourceHealth.troubled`).
TROUBLED_SQL = "failing_since IS NOT NULL OR last_error != ''"


@dataclass(frozen=True)
class Attempt:
    """One read of one source by one run."""

    run_id: int | None
    source: str
    started: datetime
    finished: datetime
    outcome: str  # OUTCOME_OK, OUTCOME_FAILED or OUTCOME_RATE_LIMITED
    error_class: str = ""
    message: str = ""
    http_status: int | None = None
    new: int = 0
    updated: int = 0
    removed: int = 0

    @property
    def seconds(self) -> float:
        return (self.finished - self.started).total_seconds()


@dataclass(frozen=True)
class SourceHealth:
    """One source as the store last saw it."""

    name: str
    type: str
    posts: int  # live posts it collected
    last_success: datetime | None
    last_attempt: datetime | None
    last_error: str
    error_class: str
    failing_since: datetime | None  # the first failure since the last success
    rate_limited_until: datetime | None
    last_outcome: str  # of its latest attempt; "" before the first recorded one

    @property
    def failing(self) -> bool:
        return self.failing_since is not None

    @property
    def troubled(self) -> bool:
        """:data:`TROUBLED_SQL`, for a source already read."""
        return self.failing or bool(self.last_error)

    def failing_for(self, now: datetime) -> timedelta:
        return now - self.failing_since if self.failing_since is not None else timedelta(0)
