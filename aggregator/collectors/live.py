"""Long-running collectors: the shape the ``aggregator schedule`` daemon and ``aggregator listen`` run.

A :class:`LiveService` runs in its own thread until ``stop`` is set, writes what it catches
to the store itself, and calls ``changed()`` whenever the site should be rebuilt (the caller
debounces). It returns on its own only when it cannot go on at all.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

from aggregator.errors import LockedError

if TYPE_CHECKING:
    from aggregator.store.protocol import PostStore

T = TypeVar("T")


@runtime_checkable
class LiveService(Protocol):
    name: str

    def run(self, stop: threading.Event, changed: Callable[[], None]) -> None: ...


@dataclass
class Backoff:
    """Seconds to wait before reconnecting: doubling from ``first`` up to ``longest``, with jitter
    so that many clients dropped at once do not all come back together."""

    first: float = 1.0
    longest: float = 120.0
    failures: int = field(default=0, init=False)

    def next_delay(self) -> float:
        delay = min(self.longest, self.first * 2**self.failures)
        self.failures += 1
        return delay * random.uniform(0.75, 1.0)  # noqa: S311 — jitter, not secrecy

    def reset(self) -> None:
        self.failures = 0


LOCK_RETRY_SECONDS = 0.5


def live_name(source_label: str) -> str:
    """The name a source's event stream stores its posts and cursor under: the posts it brings
    belong to that source (published while the source is configured)."""
    return f"{source_label}:live"


def while_holding(store: PostStore, scope: str, work: Callable[[], T]) -> T:
    """``work`` with ``scope`` of the store held, waiting while a run or a build holds it (a live
    service's queue fills meanwhile, and its reader waits: the backpressure)."""
    while True:
        try:
            with store.lock([scope]):
                return work()
        except LockedError:
            time.sleep(LOCK_RETRY_SECONDS)
