"""What only the PostgreSQL engine does: several processes on one database."""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aggregator.collectors import SourceState
from aggregator.config import load_config
from aggregator.errors import LockedError, StoreError
from aggregator.schedule import Daemon
from aggregator.status import NEXT_RUNS_KEY, status
from aggregator.store.migrations import MIGRATIONS
from aggregator.store.postgres import PostgresStore
from tests.store.builders import make_post
from tests.store.postgres_server import Cluster


@pytest.fixture
def connect(postgres_url: str) -> Callable[[], PostgresStore]:
    """A new connection to the same schema, as another collector machine would have."""
    opened: list[PostgresStore] = []

    def opener() -> PostgresStore:
        opened.append(PostgresStore(postgres_url))
        return opened[-1]

    yield opener  # type: ignore[misc]
    for store in opened:
        store.close()


def test_collectors_of_different_sources_run_at_once_and_of_one_source_do_not(connect) -> None:
    one, other = connect(), connect()
    with one.lock(["bluesky:#c4l27"]):
        with other.lock(["mastodon:glammr"]):
            pass
        held = r"source 'bluesky:#c4l27' is in use by aggregator pid \d+ on .*"
        with pytest.raises(LockedError, match=held), other.lock(["mastodon:glammr", "bluesky:#c4l27"]):
            pass
        with pytest.raises(LockedError, match="whole store"), other.lock():
            pass
    with other.lock(["bluesky:#c4l27"]):  # released by the first on leaving
        pass


def test_a_lock_dies_with_its_connection(connect) -> None:
    crashed, survivor = connect(), connect()
    crashed.lock(["feed"]).__enter__()
    crashed.close()  # the process died: its session ends, its advisory locks with it
    with survivor.lock(["feed"]):
        pass


def test_two_collectors_writing_the_same_posts_at_once_store_each_once(connect) -> None:
    """Overlapping sources saved concurrently: no duplicate, no lost provenance, no error (a
    deadlock between them, were there one, is run again)."""
    stores = [connect(), connect()]
    posts = [make_post(n) for n in range(300)]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def collect(index: int) -> None:
        try:
            start.wait()
            for round_ in range(3):
                chosen = posts if index == 0 else list(reversed(posts))
                stores[index].save_collected(f"source-{index}", "bluesky", chosen, [], SourceState(cursor=str(round_)))
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)

    threads = [threading.Thread(target=collect, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    reader = connect()
    assert reader.count() == len(posts)
    assert {p.source_names for p in reader.posts()} == {("source-0", "source-1")}


def test_migrations_are_recorded_with_their_description(postgres_url: str) -> None:
    with PostgresStore(postgres_url) as store:
        rows = store._engine.execute("SELECT version, description FROM schema_migrations ORDER BY 1").fetchall()
    assert [tuple(r) for r in rows] == [(m.version, m.description) for m in MIGRATIONS]


def test_a_newer_schema_is_refused(postgres_url: str) -> None:
    with PostgresStore(postgres_url) as store:
        store._engine.execute("INSERT INTO schema_migrations VALUES (?, 'from the future', '')", (len(MIGRATIONS) + 1,))
    with pytest.raises(StoreError, match="newer version"):
        PostgresStore(postgres_url)


def test_an_unreachable_server_is_a_store_error_without_the_password(postgres_cluster: Cluster) -> None:
    url = f"postgresql://someone:hunter2@/postgres?host={postgres_cluster.socket_dir}&port=1"
    with pytest.raises(StoreError, match="cannot connect") as raised:
        PostgresStore(url)
    assert "hunter2" not in str(raised.value)


def test_a_missing_schema_is_named(postgres_cluster: Cluster) -> None:
    with pytest.raises(StoreError, match="no schema of the search_path exists"):
        PostgresStore(postgres_cluster.url("no_such_schema"))


def test_status_on_any_machine_sees_a_daemon_while_its_connection_is_there(postgres_url: str, tmp_path: Path) -> None:
    import psycopg

    today = datetime.now(UTC).date().isoformat()
    (tmp_path / "sources.yaml").write_text(
        f'conference:\n  name: "Test Con"\n  hashtags: ["#testcon"]\n  start: "{today}"\n  end: "{today}"\n'
        f"store: {postgres_url}\nsources:\n  - type: feed\n    name: gone\n    url: http://127.0.0.1:9/feed.xml\n"
        "    every: 1h\n",
        encoding="utf-8",
    )
    config = load_config(tmp_path / "sources.yaml")
    daemon = Daemon(config, lock_retry=timedelta(seconds=0.2))
    assert daemon.start()
    try:
        plan = status(config).daemon  # between its jobs: only the connection it holds tells
        assert plan is not None and plan.pid == os.getpid()
        with PostgresStore(postgres_url) as store:  # the same plan, as written by a daemon on another machine
            store.set_meta(NEXT_RUNS_KEY, dataclasses.replace(plan, host="collector-2", pid=41).to_json())
        assert status(config).daemon is None  # collector-2 has no connection: it is not running
        with psycopg.connect(postgres_url, application_name="aggregator pid 41 on collector-2"):
            assert status(config).daemon is not None
    finally:
        assert daemon.stop()
    assert status(config).daemon is None
