"""What each exit code of `aggregator` means and which error leads to it: the one table the
commands, `--help` and the README's Commands section follow (a test holds the README to it)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from aggregator.errors import (
    AggregatorError,
    BuildError,
    ConfigError,
    LockedError,
    NoSiteError,
    ProgrammeError,
    SourceError,
    StoreError,
    one_line,
)


class ExitCode(IntEnum):
    OK = 0
    SOURCES_FAILED = 1
    CONFIG = 2
    BUILD = 3
    LOCKED = 4
    STORE = 5
    INTERNAL = 6
    UNHEALTHY = 7  # `status` only: a monitoring check's "alert"
    INTERRUPTED = 130  # the shell's convention for a run stopped by Ctrl-C (SIGINT)


MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "success",
    ExitCode.SOURCES_FAILED: "some sources failed and were logged (`run`: the others were collected and the site "
    "still built from what the store holds; `collect`: the others were stored; `dump`: its source failed)",
    ExitCode.CONFIG: "configuration error (`sources.yaml`, the programme, an overrides file, an evaluation set)",
    ExitCode.BUILD: "the build failed (the previous site is untouched), or `serve` found no built site",
    ExitCode.LOCKED: "another run holds the lock on the data folder or on a source (runs never overlap)",
    ExitCode.STORE: "the store could not be used (the data folder is full or unreadable, PostgreSQL is "
    "unreachable, or the database is from a newer version)",
    ExitCode.INTERNAL: "an unexpected error (a bug): one line names it, `--verbose` adds the traceback",
    ExitCode.UNHEALTHY: "`status`: a source has been failing for longer than `health.max_failing`",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C or SIGINT); a build in progress leaves the previous site untouched",
}


@dataclass(frozen=True)
class Outcome:
    code: ExitCode
    message: str  # one line (a configuration error may add its list of problems below it)


# First match wins: the most specific errors come first.
_PREFIXES: tuple[tuple[type[AggregatorError], ExitCode, str], ...] = (
    (ConfigError, ExitCode.CONFIG, "configuration error:\n"),
    (ProgrammeError, ExitCode.CONFIG, "configuration error:\n"),
    (LockedError, ExitCode.LOCKED, ""),
    (NoSiteError, ExitCode.BUILD, ""),
    (BuildError, ExitCode.BUILD, "build failed, the previous site is untouched: "),
    (StoreError, ExitCode.STORE, "the store cannot be used: "),
    (SourceError, ExitCode.SOURCES_FAILED, "source failed: "),
)


def outcome_of(error: BaseException) -> Outcome:
    """The exit code and the message for an error that ended a command."""
    if isinstance(error, KeyboardInterrupt):
        return Outcome(ExitCode.INTERRUPTED, "interrupted")
    for kind, code, prefix in _PREFIXES:
        if isinstance(error, kind):
            return Outcome(code, f"{prefix}{error}")
    return Outcome(ExitCode.INTERNAL, f"unexpected {type(error).__name__}: {one_line(error)} (--verbose shows where)")


def help_epilog() -> str:
    return "Exit codes: " + "; ".join(f"{int(code)} {MEANINGS[code]}" for code in ExitCode) + "."
