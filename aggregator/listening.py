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
from aggregator.schedule.debounce import Debounced
from aggregator.schedule.services import start_service
from aggregator.store import open_store

log = logging.getLogger(__name__)
DEBOUNCE_SECONDS = 5.0
LONGEST_WAIT_SECONDS = 60.0
BUILD_TIMEOUT = 600.0  # seconds a build under way at the stop may take to finish


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


def listen(config: Config, stop: threading.Event, *, services: Sequence[LiveService] | None = None,
           quiet: float = DEBOUNCE_SECONDS, longest_wait: float = LONGEST_WAIT_SECONDS) -> None:  # fmt: skip
    """Run the live services until ``stop`` is set, building the site ``quiet`` seconds after their
    changes (at the latest ``longest_wait`` seconds after the first of a steady stream)."""
    services = list(services if services is not None else live_services(config))
    if not services:
        raise ConfigError("no enabled source has `live: true`; nothing to listen to")
    builder = Debounced("build", lambda: _build(config, builder), stop, quiet, longest_wait)
    builder.start()
    threads = [start_service(service, stop, builder.request) for service in services]
    stop.wait()
    builder.wake()
    for thread in threads:
        thread.join(timeout=15)
    if builder.join(timeout=BUILD_TIMEOUT) and builder.pending:  # changes of the last moments
        _build(config, builder)


def _build(config: Config, builder: Debounced) -> None:
    try:
        report = runs.build(config)
        if not report.skipped:
            log.info("site rebuilt: %d pages", report.site.pages)
    except LockedError:
        builder.request()  # a run holds the store: build again once it is done
    except AggregatorError as exc:
        log.error("build after live changes failed: %s", exc)
