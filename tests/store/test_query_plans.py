"""Issue #13: the store's work per post is O(1): every statement it runs while saving is an index lookup.

The statements are recorded as the store really runs them (SQL and bound values), then each is
explained by SQLite with the same bound values: a bound value is what once hid the partial index
on canonical_url from the planner and made every lookup scan the whole table.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from typing import Any

from aggregator.collectors import SourceState
from aggregator.store.sqlite import Store
from tests.store.test_sqlite import bridged_copy, make_post, mastodon_original

FULL_SCAN = re.compile(r"^SCAN (posts|provenance|source_state)\b")


class RecordingConnection:
    """The store's connection, keeping every statement run through it."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.statements: list[tuple[str, tuple[Any, ...]]] = []

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        self.statements.append((sql, tuple(params)))
        return self.connection.execute(sql, params)


def plan(connection: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[str]:
    return [row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + sql, params)]


def saved_statements(tmp_path, posts) -> tuple[sqlite3.Connection, list[tuple[str, tuple[Any, ...]]]]:
    store = Store(tmp_path)
    store.save_collected("seed", "bluesky", [make_post(n) for n in range(200)], [], SourceState())
    recording = RecordingConnection(store._db)
    store._db = recording  # type: ignore[assignment]
    store.save_collected("mixed", "bluesky", posts, [make_post(3).id, "never-seen"], SourceState(cursor="x"))
    connection = recording.connection
    connection.execute("ANALYZE")
    return connection, [(s, p) for s, p in recording.statements if not s.startswith(("BEGIN", "COMMIT", "ROLLBACK"))]


def test_saving_a_post_never_scans_a_table(tmp_path) -> None:
    posts = [
        make_post(1),  # unchanged
        make_post(2, text="edited"),  # updated
        make_post(500),  # new
        mastodon_original(),
        bridged_copy(),  # a copy, linked to its original by canonical_url
        replace(make_post(501), canonical_url="https://elsewhere.example/1"),
    ]
    connection, statements = saved_statements(tmp_path, posts)
    assert len(statements) > 10
    scans = {sql: plan(connection, sql, params) for sql, params in statements}
    offending = {sql: steps for sql, steps in scans.items() if any(FULL_SCAN.match(step) for step in steps)}
    assert offending == {}
