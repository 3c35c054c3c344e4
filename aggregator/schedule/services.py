"""Long-lived services run beside the scheduled jobs (a Bluesky firehose subscriber, say).

A service is anything with a ``name`` and a ``run(stop, changed)`` method. The daemon calls
``run`` in a thread of its own once it has started, and sets ``stop`` on shutdown: ``run``
must then return within a few seconds (wait on ``stop``, not on ``time.sleep``). After
storing posts, a service calls ``changed()`` to ask for a build; requests are debounced
with the collectors', so a busy stream costs one build per quiet moment, not one per post.
A service writes through the store's lock (:func:`aggregator.collectors.live.while_holding`),
so it takes turns with the daemon's jobs and with any `run` started by cron.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from aggregator.collectors.live import LiveService

log = logging.getLogger(__name__)


def start_service(service: LiveService, stop: threading.Event, changed: Callable[[], None]) -> threading.Thread:
    """``service`` running in a daemon thread; an exception it raises is logged, not fatal."""

    def guarded() -> None:
        try:
            service.run(stop, changed)
        except Exception:
            log.exception("service %s stopped with an error", service.name)

    thread = threading.Thread(target=guarded, name=f"service {service.name}", daemon=True)
    thread.start()
    return thread
