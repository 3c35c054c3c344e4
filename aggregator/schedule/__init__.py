"""The long-running mode: `aggregator schedule` collects each source at its own pace for the
days of a conference, builds after changes and publishes (see :class:`Daemon`)."""

from aggregator.schedule.daemon import Daemon
from aggregator.schedule.intervals import Cadence, interval, next_run, phase
from aggregator.schedule.services import LiveService

__all__ = ["Cadence", "Daemon", "LiveService", "interval", "next_run", "phase"]
