"""One piece of work for a burst of requests: the scheduler's build, and its publish."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class Debounced:
    """Runs ``work`` in its own thread once requests have stopped for ``quiet`` seconds (or
    ``longest`` seconds after the first of a steady stream). Requests made while it runs
    lead to one more run after it."""

    def __init__(self, name: str, work: Callable[[], None], stop: threading.Event, quiet: float, longest: float) -> None:
        self.name = name
        self._work = work
        self._stop = stop
        self._quiet = quiet
        self._longest = max(longest, quiet)
        self._wakeup = threading.Condition()
        self._first: float | None = None  # when the pending requests began (None: none pending)
        self._last = 0.0
        self.runs = 0  # how many times the work has run, for logs and tests
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def request(self) -> None:
        with self._wakeup:
            now = time.monotonic()
            self._first = now if self._first is None else self._first
            self._last = now
            self._wakeup.notify()

    def wake(self) -> None:
        """Let the thread see that ``stop`` is set."""
        with self._wakeup:
            self._wakeup.notify()

    @property
    def pending(self) -> bool:
        """Requests are waiting for a run (after the stop: ones that will get none)."""
        with self._wakeup:
            return self._first is not None

    def join(self, timeout: float) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _loop(self) -> None:
        while self._next_turn():
            try:
                self._work()
            except Exception:  # noqa: BLE001 — one failed build must not end every later one
                log.exception("%s failed unexpectedly; the next request runs it again", self.name)
            self.runs += 1

    def _next_turn(self) -> bool:
        """Wait until the pending requests are due; False once stopped."""
        with self._wakeup:
            while not self._stop.is_set():
                if self._first is None:
                    self._wakeup.wait()
                    continue
                due = min(self._last + self._quiet, self._first + self._longest)
                left = due - time.monotonic()
                if left <= 0:
                    self._first = None
                    return True
                self._wakeup.wait(left)
            return False
