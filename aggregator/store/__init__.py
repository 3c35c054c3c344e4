"""The store stage: posts, provenance, tombstones, per-source state and the run record (embedded SQLite)."""

from aggregator.store.lock import run_lock
from aggregator.store.sqlite import Store, UpsertCounts

__all__ = ["Store", "UpsertCounts", "run_lock"]
