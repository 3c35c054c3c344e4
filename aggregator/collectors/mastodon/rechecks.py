"""Re-checking the whole Mastodon archive: deletions and late opt-outs, at a sustainable rate.

Every stored status has an entry in the source state's ``ledger`` (the server it was read on,
its id there, when it was posted, its author, when it was last checked). Each run re-reads at
most ``recheck_per_run`` of them with ``GET /api/v1/statuses/:id``: a 404/410 tombstones it,
an author whose note (or fields) now says ``#nobot`` has every stored status withheld. Which
ones: those due, the longest unchecked first. A status is due again after a quarter of its
age (at least every ``MIN_INTERVAL``, at most ``MAX_INTERVAL``): a post of an hour ago is
re-read every 15 minutes, one of yesterday every 6 hours, anything older than four weeks weekly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aggregator.clock import stored_moment

MIN_INTERVAL = timedelta(minutes=15)
MAX_INTERVAL = timedelta(days=7)
AGE_SHARE = 0.25

Entry = dict[str, str]  # server, id, author, and created, checked, due: ISO times in UTC (they sort as text)


@dataclass(frozen=True)
class Sighting:
    """A status read this run: where, with which id there, by whom, posted when."""

    uri: str
    server: str
    status_id: str
    author: str
    created: datetime


def recheck_interval(age: timedelta) -> timedelta:
    return min(MAX_INTERVAL, max(MIN_INTERVAL, age * AGE_SHARE))


def due(ledger: Mapping[str, Entry], now: datetime, limit: int) -> list[str]:
    """Up to ``limit`` statuses due for a re-check, the longest unchecked first."""
    moment = _utc(now)
    waiting = sorted((entry.get("checked", ""), uri) for uri, entry in ledger.items() if entry.get("due", "") <= moment)
    return [uri for _, uri in waiting[:limit]]


def mark_checked(entry: Entry, now: datetime) -> None:
    """``entry`` was read at ``now``: due again after a share of its age."""
    created = stored_moment(entry.get("created")) or now
    entry["checked"] = _utc(now)
    entry["due"] = _utc(now + recheck_interval(now - created))


def updated_ledger(
    ledger: Mapping[str, Entry], seen: Iterable[Sighting], checked: Iterable[str], gone: Iterable[str],
    stored: Iterable[str], now: datetime,
) -> dict[str, Entry]:  # fmt: skip
    """The ledger after a run: statuses read (``seen``, ``checked``) marked checked now; the
    ``gone`` ones, and the ones no longer stored, left out."""
    kept = {uri: dict(entry) for uri, entry in ledger.items()}
    for uri in checked:
        if uri in kept:
            mark_checked(kept[uri], now)
    for sighting in seen:
        kept[sighting.uri] = {"server": sighting.server, "id": sighting.status_id, "author": sighting.author,
                              "created": _utc(sighting.created)}  # fmt: skip
        mark_checked(kept[sighting.uri], now)
    wanted = set(stored) | {s.uri for s in seen}
    removed = set(gone)
    return {uri: entry for uri, entry in kept.items() if uri in wanted and uri not in removed}


def author_key(account: Mapping[str, Any]) -> str:
    """An author as every server names them: their profile URL."""
    return str(account.get("url") or account.get("acct") or "")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()

