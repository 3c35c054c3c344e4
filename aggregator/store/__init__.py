"""The store stage: posts, provenance, tombstones, per-source state and the run record.

:class:`PostStore` is what the rest of the tool uses; :func:`open_store` opens the configured
engine: the embedded SQLite file in the data folder (the default), or PostgreSQL.
"""

from aggregator.store.health import OUTCOME_FAILED, OUTCOME_OK, OUTCOME_RATE_LIMITED, Attempt, SourceHealth
from aggregator.store.identity import ConferenceIdentity, ConferenceMismatch
from aggregator.store.lock import run_lock
from aggregator.store.opening import STORE_VARIABLE, lock_scopes, open_store, store_is_shared, store_url
from aggregator.store.protocol import Blobs, PostStore, UpsertCounts
from aggregator.store.sqlite import Store

__all__ = [
    "OUTCOME_FAILED",
    "OUTCOME_OK",
    "OUTCOME_RATE_LIMITED",
    "Attempt",
    "ConferenceIdentity",
    "ConferenceMismatch",
    "SourceHealth",
    "STORE_VARIABLE",
    "Blobs",
    "PostStore",
    "Store",
    "UpsertCounts",
    "lock_scopes",
    "open_store",
    "run_lock",
    "store_is_shared",
    "store_url",
]
