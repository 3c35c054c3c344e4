"""Sources fetched at once: at most ``concurrency`` in all and ``per_host`` per server.

On a real network a feed costs mostly waiting (100–300 ms a response), so fetching several at
once divides a run's collection time; parsing stays bounded by the two limits. Each job runs in
a copy of the caller's context, so it sees the run's network session and limits
(:mod:`aggregator.http` keeps them in context variables). Jobs touch no store: the caller
writes each source's results itself, in its own thread, one transaction per source.
"""

from __future__ import annotations

import contextvars
import threading
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import TypeVar

from aggregator.http import abandoned_when

T = TypeVar("T")


class HostBoundedPool:
    """A thread pool where jobs for the same host also share a per-host limit."""

    def __init__(self, concurrency: int, per_host: int) -> None:
        self._executor = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="fetch")
        self._per_host = per_host
        self._host_slots: defaultdict[str, threading.BoundedSemaphore] = defaultdict(self._new_slots)
        self._lock = threading.Lock()
        self._abandon = threading.Event()  # set when the caller leaves on an error: workers stop reading

    def _new_slots(self) -> threading.BoundedSemaphore:
        return threading.BoundedSemaphore(self._per_host)

    def submit(self, host: str, job: Callable[[], T]) -> Future[T]:
        """Run ``job`` once a worker and one of ``host``'s slots are free."""
        with self._lock:
            slots = self._host_slots[host.lower()]
        context = contextvars.copy_context()

        def guarded() -> T:
            with abandoned_when(self._abandon):
                return job()

        def run() -> T:
            with slots:
                return context.run(guarded)

        return self._executor.submit(run)

    def __enter__(self) -> HostBoundedPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is not None:  # e.g. Ctrl-C: the fetches under way give up rather than run to their deadline
            self._abandon.set()
        self._executor.shutdown(wait=True, cancel_futures=kind is not None)


def interleaved_by_host(items: list[T], host_of: Callable[[T], str]) -> list[T]:
    """``items`` reordered round-robin across hosts, so one busy host does not hold every worker
    waiting for its slots while other hosts' jobs queue behind."""
    by_host: dict[str, list[T]] = defaultdict(list)
    for item in items:
        by_host[host_of(item).lower()].append(item)
    queues = list(by_host.values())
    ordered: list[T] = []
    for round_index in range(max((len(queue) for queue in queues), default=0)):
        ordered.extend(queue[round_index] for queue in queues if round_index < len(queue))
    return ordered
