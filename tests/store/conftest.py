"""Fixtures of the store tests: every test that takes ``store`` (or ``open_store``) runs on
both engines, SQLite in a temporary folder and PostgreSQL in a throwaway cluster.

Without the PostgreSQL server binaries (or the psycopg driver) the PostgreSQL half is skipped
with the reason; with AGGREGATOR_REQUIRE_POSTGRES=1 (CI) it fails instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from aggregator.store.protocol import PostStore
from aggregator.store.sqlite import Store
from tests.store.postgres_server import Cluster, Unavailable, throwaway_cluster

REQUIRE_VARIABLE = "AGGREGATOR_REQUIRE_POSTGRES"
ENGINES = ("sqlite", "postgresql")

Opener = Callable[[], PostStore]


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    try:
        with throwaway_cluster() as cluster:
            yield cluster
    except Unavailable as exc:
        if os.environ.get(REQUIRE_VARIABLE) == "1":
            pytest.fail(f"PostgreSQL is required ({REQUIRE_VARIABLE}=1) but {exc}")
        pytest.skip(f"PostgreSQL half of the store tests: {exc}")


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> Iterator[str]:
    """The URL of a new, empty schema in the throwaway cluster."""
    schema = postgres_cluster.new_schema()
    yield postgres_cluster.url(schema)
    postgres_cluster.drop_schema(schema)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def open_store(engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens the same store (a new connection each call) of the engine under test."""
    opened: list[PostStore] = []
    if engine == "postgresql":
        from aggregator.store.postgres import PostgresStore

        url = request.getfixturevalue("postgres_url")

        def opener() -> PostStore:
            opened.append(PostgresStore(url, legacy_folder=tmp_path / "data"))
            return opened[-1]
    else:

        def opener() -> PostStore:
            opened.append(Store(tmp_path / "data"))
            return opened[-1]

    yield opener
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store: Opener) -> PostStore:
    return open_store()
