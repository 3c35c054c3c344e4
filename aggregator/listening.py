"""``aggregator listen``: a configuration's live services, each in a thread, and a debounced build.

Every ``live: true`` source becomes a :class:`~aggregator.collectors.live.LiveService`; the
services call ``changed()`` when they stored something, and the site is rebuilt once things
have been quiet for ``debounce`` seconds (or at least every ``longest_wait`` while they keep
coming). The scheduler daemon runs the same services; this is the stand-alone way.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from aggregator import runs
from aggregator.clock import Clock, system_clock
from aggregator.collectors.bluesky.collector import BlueskyOptions
from aggregator.collectors.bluesky.live import BlueskyLiveService
from aggregator.collectors.live import LiveService
from aggregator.collectors.mastodon.api import MastodonServer
from aggregator.collectors.mastodon.collector import MastodonOptions
from aggregator.collectors.mastodon.live import MastodonDeletionService
from aggregator.config import Config
from aggregator.errors import AggregatorError, ConfigError, LockedError
from aggregator.http import network_session
from aggregator.pipeline import collect_context, load_schedule
from aggregator.store import open_store

log = logging.getLogger(__name__)
DEBOUNCE_SECONDS = 5.0
LONGEST_WAIT_SECONDS = 60.0


def live_services(config: Config, clock: Clock = system_clock) -> list[LiveService]:
    """One service per enabled source with ``live: true``."""
    live = [source for source in config.sources if source.enabled and getattr(source, "live", False)]
    if not live:
        return []  # the usual case: no programme to read, no store to open
    context = collect_context(config, load_schedule(config).conference, clock)
    services: list[LiveService] = []
    for source in live:
        if isinstance(source, BlueskyOptions):
            backfill = _search_backfill(config, source.label())
            services.append(BlueskyLiveService(source, context, lambda: open_store(config), backfill, config.network))
        elif isinstance(source, MastodonOptions):
            services.extend(_mastodon_service(config, source))
    return services


def _mastodon_service(config: Config, source: MastodonOptions) -> list[LiveService]:
    token = os.environ.get(source.token_env, "").strip()
    if not token:
        log.warning("%s: `live: true` needs a token in %s for the streaming API; only the re-checks apply",
                    source.label(), source.token_env)  # fmt: skip
        return []
    return [MastodonDeletionService(source, lambda: open_store(config), token, _streaming_url(config, token))]


def _streaming_url(config: Config, token: str) -> Callable[[str], str]:
    def url(server: str) -> str:
        with network_session(config.network), MastodonServer(server, token=token) as api:
            return api.streaming_url()

    return url


def _search_backfill(config: Config, label: str) -> Callable[[], None]:
    def backfill() -> None:
        while True:
            try:
                runs.collect(config, only=[label])
                return
            except LockedError:
                time.sleep(1.0)  # a cron run holds the store: the backfill waits for it

    return backfill


@dataclass
class Debouncer:
    """Turns a burst of ``changed()`` calls into one build, ``quiet`` seconds after the last."""

    quiet: float = DEBOUNCE_SECONDS
    longest_wait: float = LONGEST_WAIT_SECONDS
    first: float | None = field(default=None, init=False)
    last: float | None = field(default=None, init=False)
    lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def changed(self) -> None:
        with self.lock:
            now = time.monotonic()
            self.first = self.first or now
            self.last = now

    def due(self) -> bool:
        """Whether a build is due now; if so, the pending changes are taken."""
        with self.lock:
            if self.first is None or self.last is None:
                return False
            now = time.monotonic()
            if now - self.last < self.quiet and now - self.first < self.longest_wait:
                return False
            self.first = self.last = None
            return True


def listen(config: Config, stop: threading.Event, *, services: Sequence[LiveService] | None = None,
           debouncer: Debouncer | None = None) -> None:  # fmt: skip
    """Run the live services until ``stop`` is set, building the site after their changes."""
    services = list(services if services is not None else live_services(config))
    if not services:
        raise ConfigError("no enabled source has `live: true`; nothing to listen to")
    debouncer = debouncer or Debouncer()
    threads = [threading.Thread(target=_guarded, args=(s, stop, debouncer.changed), name=s.name, daemon=True)
               for s in services]  # fmt: skip
    for thread in threads:
        thread.start()
    while not stop.wait(0.2):
        if debouncer.due():
            _build(config, debouncer)
    for thread in threads:
        thread.join(timeout=15)
    if debouncer.first is not None:  # changes of the last moments
        _build(config, debouncer)


def _guarded(service: LiveService, stop: threading.Event, changed: Callable[[], None]) -> None:
    try:
        service.run(stop, changed)
    except Exception:  # noqa: BLE001 — one broken service must not stop the others
        log.exception("%s: the live service stopped", service.name)


def _build(config: Config, debouncer: Debouncer) -> None:
    try:
        report = runs.build(config)
        if not report.skipped:
            log.info("site rebuilt: %d pages", report.site.pages)
    except LockedError:
        debouncer.changed()  # a run holds the store: build again once it is done
    except AggregatorError as exc:
        log.error("build after live changes failed: %s", exc)
