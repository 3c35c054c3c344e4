"""Issue #13: the store's work per post is O(1): every statement a save runs is an index lookup.

The statements are recorded as the store really runs them (SQL and bound values), then each is
explained by the engine with the same bound values, as a prepared statement would be planned:
a bound value is what once hid the partial index on canonical_url from SQLite's planner and made
every lookup scan the whole table. PostgreSQL is asked for its generic plan (the one prepared
statements reuse) with sequential scans priced out, so a Seq Scan means no index could serve.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from aggregator.collectors import SourceState
from aggregator.store.protocol import PostStore
from tests.store.builders import bridged_copy, make_post, mastodon_original

Statement = tuple[str, tuple[Any, ...]]
TABLES = "posts|provenance|source_state"
FULL_SCAN = {
    "sqlite": re.compile(rf"^SCAN ({TABLES})\b"),
    "postgresql": re.compile(rf"Seq Scan on ({TABLES})\b"),
}


def record(store: PostStore, work: Callable[[], object]) -> list[Statement]:
    engine = store._engine  # type: ignore[attr-defined]
    statements: list[Statement] = []
    execute = engine.execute

    def recording(sql: str, params: Any = ()) -> Any:
        statements.append((sql, tuple(params)))
        return execute(sql, params)

    execute_many = engine.execute_many

    def recording_many(sql: str, rows: Any) -> None:
        statements.extend((sql, tuple(params)) for params in rows)
        execute_many(sql, rows)

    engine.execute, engine.execute_many = recording, recording_many
    try:
        work()
    finally:
        del engine.execute, engine.execute_many
    return [(sql, params) for sql, params in statements if not sql.startswith(("BEGIN", "COMMIT"))]


def sqlite_plan(store: PostStore, sql: str, params: tuple[Any, ...]) -> list[str]:
    return [row[3] for row in store._engine.execute("EXPLAIN QUERY PLAN " + sql, params)]  # type: ignore[attr-defined]


def postgres_plan(store: PostStore, sql: str, params: tuple[Any, ...]) -> list[str]:
    from psycopg import sql as pgsql

    connection = store._engine._conn  # type: ignore[attr-defined]
    numbered = iter(range(1, 100))
    prepared = re.sub(r"\?", lambda _: f"${next(numbered)}", sql)
    connection.execute("SET plan_cache_mode = force_generic_plan")
    connection.execute("SET enable_seqscan = off")
    connection.execute(f"PREPARE planned AS {prepared}")
    try:
        arguments = pgsql.SQL(", ").join(pgsql.Literal(p) for p in params)
        query = pgsql.SQL("EXPLAIN EXECUTE planned") + (
            pgsql.SQL("({})").format(arguments) if params else pgsql.SQL("")
        )
        return [row[0] for row in connection.execute(query)]
    finally:
        connection.execute("DEALLOCATE planned")


def test_saving_a_post_never_scans_a_table(store: PostStore, engine: str) -> None:
    store.save_collected("seed", "bluesky", [make_post(n) for n in range(200)], [], SourceState())
    posts = [
        make_post(1),  # unchanged
        make_post(2, text="edited"),  # updated
        make_post(500),  # new
        mastodon_original(),
        bridged_copy(),  # a copy, linked to its original by canonical_url
        replace(make_post(501), canonical_url="https://elsewhere.example/1"),
    ]
    statements = record(
        store,
        lambda: store.save_collected(
            "mixed", "bluesky", posts, [make_post(3).id, "never-seen"], SourceState(cursor="x")
        ),
    )
    assert len({sql for sql, _ in statements}) >= 10  # every kind of statement a save runs was seen
    explain = sqlite_plan if engine == "sqlite" else postgres_plan
    if engine == "sqlite":
        store._engine.execute("ANALYZE")  # type: ignore[attr-defined]
    plans = {sql: explain(store, sql, params) for sql, params in statements}
    offending = {sql: steps for sql, steps in plans.items() if any(FULL_SCAN[engine].search(s) for s in steps)}
    assert offending == {}


def test_the_check_sees_a_table_scan(store: PostStore, engine: str) -> None:
    """The test above can fail: the query issue #13 fixed, as it was, is caught."""
    store.save_collected("seed", "bluesky", [make_post(n) for n in range(50)], [], SourceState())
    before_the_fix = "SELECT id FROM posts WHERE canonical_url IN (?, ?) AND id != ? AND duplicate_of IS NULL"
    explain = sqlite_plan if engine == "sqlite" else postgres_plan
    steps = explain(store, before_the_fix, ("a", "b", "c"))
    assert any(FULL_SCAN[engine].search(step) for step in steps), steps
