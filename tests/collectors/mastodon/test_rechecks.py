"""Re-checking the whole Mastodon archive: deletions and late #nobot long after the 6-hour thread window."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from aggregator.collectors import CollectResult, SourceState
from aggregator.collectors.mastodon.rechecks import MAX_INTERVAL, due, mark_checked, recheck_interval
from tests.collectors.mastodon.fakes import T0, FakeMastodon, account, make_context, mastodon_collector, status


@pytest.fixture
def mastodon(httpserver: HTTPServer) -> FakeMastodon:
    return FakeMastodon(httpserver).install()


class Archive:
    """Runs of the collector at chosen moments, with what the store would hold between them."""

    def __init__(self, tmp_path: Path, mastodon: FakeMastodon) -> None:
        self.tmp_path, self.mastodon = tmp_path, mastodon
        self.state = SourceState()
        self.stored: set[str] = set()

    def run(self, at: datetime, **options: object) -> CollectResult:
        context = dataclasses.replace(make_context(self.tmp_path), now=lambda: at, stored_ids=lambda: sorted(self.stored))
        collector = mastodon_collector(self.tmp_path, context, instances=(self.mastodon.base_url,), **options)
        result = collector.collect(self.state)
        self.state = result.state
        self.stored = (self.stored | {p.id for p in result.posts}) - set(result.deleted)
        return result


def test_deletion_and_late_nobot_are_seen_days_after_the_thread_window(tmp_path: Path, mastodon: FakeMastodon) -> None:
    ana, bo = account("ana"), account("bo")
    kept = status(1, ana, tags=["c4l27"])
    doomed = status(2, ana, minutes=5, tags=["c4l27"])
    bos = [status(10 + n, bo, minutes=10 + n, tags=["c4l27"]) for n in range(5)]
    mastodon.add(kept, doomed, *bos)
    archive = Archive(tmp_path, mastodon)
    first = archive.run(T0 + timedelta(hours=1))
    assert len(first.posts) == 7 and not first.deleted

    mastodon.deleted.add(doomed["uri"])  # deleted when 2 days old
    bo["note"] = "<p>Please do not archive me #nobot</p>"  # and bo opts out, long after posting
    later = archive.run(T0 + timedelta(days=2))

    assert later.deleted and set(later.deleted) == {doomed["uri"], *(s["uri"] for s in bos)}
    assert set(later.withheld) == {s["uri"] for s in bos}  # an opt-out, not a deletion: may come back
    assert archive.stored == {kept["uri"]}
    assert any("re-checked" in note for note in later.notes)


def test_each_run_rechecks_a_bounded_number_the_longest_unchecked_first(tmp_path: Path, mastodon: FakeMastodon) -> None:
    ana = account("ana")
    mastodon.add(*(status(n, ana, minutes=n, tags=["c4l27"]) for n in range(1, 31)))
    archive = Archive(tmp_path, mastodon)
    archive.run(T0 + timedelta(hours=1))
    archive.run(T0 + timedelta(days=1))  # the last reading of the 6-hour thread window; every status checked
    requested: Callable[[], list[str]] = lambda: [r.path for r in mastodon.requests("/api/v1/statuses/")]  # noqa: E731
    before = len(requested())

    archive.run(T0 + timedelta(days=3), recheck_per_run=12)
    first_batch = requested()[before:]
    archive.run(T0 + timedelta(days=3, minutes=10), recheck_per_run=12)
    second_batch = requested()[before + len(first_batch):]

    assert len(first_batch) == 12 and len(second_batch) == 12
    assert set(first_batch).isdisjoint(second_batch)  # the ones just checked wait their turn


def test_zero_turns_rechecks_off(tmp_path: Path, mastodon: FakeMastodon) -> None:
    mastodon.add(status(1, account("ana"), tags=["c4l27"]))
    archive = Archive(tmp_path, mastodon)
    archive.run(T0 + timedelta(hours=1))
    archive.run(T0 + timedelta(days=1), recheck_per_run=0)
    before = len(mastodon.requests("/api/v1/statuses/"))  # the 6-hour thread window's own reading
    archive.run(T0 + timedelta(days=3), recheck_per_run=0)
    assert len(mastodon.requests("/api/v1/statuses/")) == before


def test_the_schedule_covers_a_big_archive_weekly_and_recent_posts_often() -> None:
    """1,000 statuses posted over 60 days; 10 re-checks per run, a run every 10 minutes, for two weeks
    (the default 100 per run keeps up the same way with 10,000)."""
    now = T0 + timedelta(days=60)
    ledger = {f"s{n}": {"created": (T0 + timedelta(minutes=90 * n)).isoformat()} for n in range(1_000)}
    for entry in ledger.values():
        mark_checked(entry, now)
    checks: dict[str, list[datetime]] = {uri: [] for uri in ledger}
    for _ in range(14 * 24 * 6):
        for uri in due(ledger, now, 10):
            mark_checked(ledger[uri], now)
            checks[uri].append(now)
        now += timedelta(minutes=10)

    assert all(checks[uri] for uri in ledger)  # every status at least once a week...
    gaps = [b - a for times in checks.values() for a, b in zip(times, times[1:], strict=False)]
    assert max(gaps) <= MAX_INTERVAL + timedelta(hours=12)  # ...and never much later than that
    assert len(checks["s999"]) > len(checks["s0"])  # the newest more often than the oldest


def test_interval_grows_with_age_within_bounds() -> None:
    assert recheck_interval(timedelta(minutes=5)) == timedelta(minutes=15)
    assert recheck_interval(timedelta(days=1)) == timedelta(hours=6)
    assert recheck_interval(timedelta(days=365)) == timedelta(days=7)
