"""The assignment golden's move list: what a reviewer reads when the example's assignment changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.assignment.golden import FiledPost, describe_moves, read_table, write_table

BEFORE = (
    FiledPost("a", "101", "ann.example", "Keynote starts"),
    FiledPost("b", "hallway", "bob.example", "Coffee?"),
    FiledPost("c", "102", "cat.example", "Slides are up"),
)


def test_only_moved_added_and_removed_posts_are_listed() -> None:
    after = (
        FiledPost("a", "101", "ann.example", "Keynote starts"),
        FiledPost("b", "102", "bob.example", "Coffee?"),
        FiledPost("d", "hallway", "dan.example", "New one"),
    )
    assert describe_moves(BEFORE, after) == [
        "b  @bob.example  'Coffee?'  hallway → 102",
        "c  @cat.example  'Slides are up'  102 → (gone)",
        "d  @dan.example  'New one'  (not in golden) → hallway",
    ]


def test_the_table_round_trips_text_with_tabs_and_quotes(tmp_path: Path) -> None:
    rows = (FiledPost("x", "101", "eve.example", 'a\t"quoted" text'),)
    path = tmp_path / "assignment.tsv"
    path.write_text(write_table(rows), encoding="utf-8")
    assert read_table(path) == rows
    assert describe_moves(rows, rows) == []


@pytest.mark.parametrize("session", ["101", "hallway"])
def test_an_unchanged_assignment_lists_nothing(session: str) -> None:
    rows = (FiledPost("x", session, "eve.example", "text"),)
    assert describe_moves(rows, rows) == []
