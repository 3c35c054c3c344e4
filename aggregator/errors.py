"""One exception tree for the whole tool, so callers can catch exactly what they mean."""

from __future__ import annotations


class AggregatorError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(AggregatorError):
    """sources.yaml (or a file it names) is missing, malformed or invalid. Exit code 2."""


class ProgrammeError(AggregatorError):
    """The conference programme could not be read at all."""


class SourceError(AggregatorError):
    """One source failed; the others carry on. Exit code 1 once the site is built."""


class AuthError(SourceError):
    """The service refused our credentials, or needs some it was not given."""


class RateLimited(SourceError):
    """The service asked us to slow down for longer than we are willing to wait."""

    def __init__(self, message: str, *, reset_after: float | None = None) -> None:
        super().__init__(message)
        self.reset_after = reset_after  # seconds until the service takes requests again, when it said


class DeadlineExceeded(SourceError):
    """A request or a whole source took longer than its deadline (``network.timeout``/``deadline``)."""


class ResponseTooLarge(SourceError):
    """An answer grew past the size cap of its kind (``network.max_*_mb``); reading stopped there."""


class StoreError(AggregatorError):
    """The database is unreachable, unreadable, full or from a newer version of this tool.

    ``retryable``: a conflict with a concurrent writer (deadlock, serialization failure) that
    running the same transaction again resolves.
    """

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class BuildError(AggregatorError):
    """Rendering the site failed; the previous site was left in place."""


class NoSiteError(BuildError):
    """There is no built site where one is needed (``aggregator serve`` before any build)."""


class LockedError(AggregatorError):
    """Another run (cron, the scheduler, a person) is already working on this data folder. Exit code 4."""


def one_line(error: BaseException, limit: int = 300) -> str:
    """An error's message on one line, shortened: what a log line or a cron mail shows of it."""
    text = " ".join(str(error).split())
    return text[:limit] + "…" if len(text) > limit else text
