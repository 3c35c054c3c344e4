"""Source health, attempts, meta values, abandoned runs and the conference identity, on both engines."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aggregator.collectors import SourceState
from aggregator.collectors.mastodon.collector import MastodonProgress
from aggregator.store import Attempt, ConferenceIdentity, ConferenceMismatch
from aggregator.store.migrations import MIGRATIONS, migrate
from aggregator.store.protocol import PostStore
from aggregator.store.sql import SqlStore
from tests.store.builders import make_post

NOW = datetime(2027, 3, 2, 15, 0, tzinfo=UTC)


def test_failing_since_stays_at_the_first_failure_until_a_success_clears_it(store: PostStore) -> None:
    store.save_collected("bsky", "bluesky", [make_post(1)], [], SourceState())
    store.record_failure("bsky", "bluesky", "login refused", error_class="AuthError")
    [first] = store.source_health()
    assert first.failing_since is not None and first.error_class == "AuthError" and first.posts == 1
    store.record_failure("bsky", "bluesky", "still refused", error_class="AuthError")
    [again] = store.source_health()
    assert again.failing_since == first.failing_since and again.last_error == "still refused"
    store.save_collected("bsky", "bluesky", [], [], SourceState())
    [healed] = store.source_health()
    assert (healed.failing_since, healed.last_error, healed.error_class) == (None, "", "")
    assert healed.last_success is not None


def test_a_rate_limit_is_kept_in_its_own_column_and_read_back_into_the_state(store: PostStore) -> None:
    until = NOW + timedelta(hours=1)
    store.record_failure("masto", "mastodon", "HTTP 429", rate_limited_until=until, error_class="RateLimited")
    assert store.state("masto").rate_limited_until == until
    assert store.source_health()[0].rate_limited_until == until
    progress = MastodonProgress(min_id={"example.social #c4l": "5"})
    store.save_collected("masto", "mastodon", [], [], SourceState(progress=progress))
    assert store.state("masto").rate_limited_until is None and store.state("masto").progress == progress


def test_attempts_are_recorded_in_full_and_read_newest_first(store: PostStore) -> None:
    run_id = store.start_run("collect")
    for n, outcome in enumerate(("ok", "failed", "rate-limited")):
        store.record_attempt(
            Attempt(
                run_id=run_id, source="feed", started=NOW + timedelta(minutes=n),
                finished=NOW + timedelta(minutes=n, seconds=2), outcome=outcome, error_class="SourceError" if n else "",
                message="boom" if n else "", http_status=200 + n, new=3 - n, updated=n, removed=1,
            )  # fmt: skip
        )
    newest, middle, oldest = store.attempts("feed")
    assert [a.outcome for a in (oldest, middle, newest)] == ["ok", "failed", "rate-limited"]
    assert (newest.http_status, newest.new, newest.updated, newest.removed, newest.seconds) == (202, 1, 2, 1, 2.0)
    assert newest.started == NOW + timedelta(minutes=2) and newest.run_id == run_id
    assert store.attempts("other") == []


def test_meta_values_are_kept_replaced_and_forgotten(store: PostStore) -> None:
    assert store.meta("k") is None
    store.set_meta("k", "one")
    store.set_meta("k", "two")
    assert store.meta("k") == "two"
    store.set_meta("k", None)
    assert store.meta("k") is None


def test_runs_left_running_by_a_dead_process_become_abandoned(store: PostStore) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    run_id = store.start_run("collect")
    store._engine.execute(  # type: ignore[attr-defined]
        "UPDATE runs SET holder = ? WHERE id = ?", (f"{os.uname().nodename} pid {dead.stdout.strip()}", run_id)
    )
    assert store.close_abandoned_runs() == 1
    [run] = store.last_runs(1)
    assert run["status"] == "abandoned" and run["finished_at"]


def test_on_postgresql_a_run_of_another_machine_is_alive_while_its_process_is_connected(postgres_url: str) -> None:
    import psycopg

    from aggregator.store.postgres import PostgresStore

    store = PostgresStore(postgres_url)
    try:
        connected, gone = store.start_run("collect"), store.start_run("collect")
        for run_id, who in ((connected, "collector-2 pid 41"), (gone, "collector-3 pid 42")):
            store._engine.execute("UPDATE runs SET holder = ? WHERE id = ?", (who, run_id))
        with psycopg.connect(postgres_url, application_name="aggregator pid 41 on collector-2"):
            assert store.close_abandoned_runs() == 1  # collector-3 is not connected: it died
            status = {run["id"]: run["status"] for run in store.last_runs(5)}
            assert status == {connected: "running", gone: "abandoned"}
        assert store.close_abandoned_runs() == 1  # collector-2's connection has gone with its process
    finally:
        store.close()


def test_a_connection_name_keeps_the_pid_whole_however_long_the_host_name() -> None:
    from aggregator.store.holders import application_name

    host = "ip-10-0-12-34.eu-west-1.compute.internal.example.org"
    assert application_name(f"{host} pid 1234") != application_name(f"{host} pid 12345")
    assert len(application_name(f"{host} pid 12345").encode()) <= 63


def test_a_store_records_its_conference_and_refuses_another(store: PostStore) -> None:
    c4l = ConferenceIdentity("Code4Lib 2027", ("c4l27",))
    store.claim_conference(c4l)
    store.claim_conference(ConferenceIdentity("Code4Lib 27", ("c4l27", "code4lib")))  # renamed, same hashtag
    with pytest.raises(ConferenceMismatch) as refused:
        store.claim_conference(ConferenceIdentity("OtherCon", ("othercon27",)))
    message = str(refused.value)
    assert "Code4Lib 27" in message and "OtherCon" in message and store.location in message


def test_the_fourth_migration_moves_a_remembered_rate_limit_into_its_column(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    old = _engine_at_version_3(engine, tmp_path, request)
    old.execute(
        "INSERT INTO source_state (name, type, last_error, last_attempt, extra) VALUES (?, ?, ?, ?, ?)",
        ("masto", "mastodon", "HTTP 429", NOW.isoformat(), '{"rate_limited_until": "2027-03-02T16:00:00+00:00", "min_id": {"example.social #c4l": "5"}}'),
    )
    store = SqlStore(old)
    try:
        assert store.schema_version == len(MIGRATIONS)
        assert store.state("masto").rate_limited_until == NOW + timedelta(hours=1)
        assert store.state("masto").progress == MastodonProgress(min_id={"example.social #c4l": "5"})
        assert store.source_health()[0].failing_since == NOW
    finally:
        store.close()


def _engine_at_version_3(engine: str, tmp_path: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    if engine == "postgresql":
        from aggregator.store.postgres import PostgresEngine

        opened = PostgresEngine(request.getfixturevalue("postgres_url"))
    else:
        from aggregator.store.sqlite import SqliteEngine

        opened = SqliteEngine(tmp_path / "old")
    migrate(opened, MIGRATIONS[:3])
    return opened
