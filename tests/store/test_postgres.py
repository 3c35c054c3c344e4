"""What only the PostgreSQL engine does: several processes on one database."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from aggregator.collectors import SourceState
from aggregator.errors import LockedError, StoreError
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
