"""Feeds parsed in worker processes, so that parsing uses every CPU.

feedparser is pure Python: the threads that fetch feeds at once (:mod:`aggregator.collectors.parallel`)
share one CPU while they parse, and on a fast network parsing is most of a collect. Each fetching
thread hands its downloaded feed to a small pool of processes instead and waits for the normalized
entries, so fetching, parsing and storing overlap.

The pool is started at the first feed worth the trip (:data:`WORTH_A_PROCESS`; a smaller feed parses
in less time than starting the pool takes) and kept for the life of the program, so the scheduler
pays for it once. Its workers are forked from a clean server process (``forkserver``), never from the
multi-threaded program itself. A worker that dies takes down only the feeds it was parsing: they fail
with a :class:`~aggregator.errors.SourceError`, and the next feed starts a new pool.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import ParamSpec, TypeVar

from aggregator.errors import SourceError

WORTH_A_PROCESS = 16 * 1024  # bytes of feed: below this, parsing in the fetching thread is cheaper
MAX_DEFAULT_PROCESSES = 4
PRELOADED = ["aggregator.collectors.feed.collector"]  # imported once by the server the workers fork from

P = ParamSpec("P")
T = TypeVar("T")


def default_processes() -> int:
    """One parser process per CPU, at most 4; none on a single CPU (it would only add copying)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return 0 if cpus < 2 else min(cpus, MAX_DEFAULT_PROCESSES)


class ParserPool:
    """Runs parsing jobs in worker processes, started on first use and restarted after a crash."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self._size = 0

    def run(self, processes: int, size: int, job: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``job(*args, **kwargs)``, in a worker when there are ``processes`` and the input's ``size``
        (in bytes) is worth it, else here. ``job`` and its arguments must be picklable."""
        if processes < 1 or size < WORTH_A_PROCESS:
            return job(*args, **kwargs)
        executor = self._running(processes)
        try:
            return executor.submit(job, *args, **kwargs).result()
        except BrokenProcessPool as exc:
            self._discard(executor)
            raise SourceError(f"the feed parser process stopped unexpectedly ({exc})") from exc

    def _running(self, processes: int) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None or self._size != processes:
                if self._executor is not None:
                    self._executor.shutdown(wait=False)
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(PRELOADED)
                self._executor = ProcessPoolExecutor(max_workers=processes, mp_context=context)
                self._size = processes
            return self._executor

    def shutdown(self) -> None:
        """Stop the workers (the next big feed starts new ones)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)

    def _discard(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken:
                self._executor = None
        broken.shutdown(wait=False, cancel_futures=True)


PARSERS = ParserPool()
