"""Evaluation metrics: the same numbers as the shared score.py, plus a per-session confusion summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.evaluation.metrics import (
    EXCLUDED,
    confusion_summary,
    format_confusion,
    format_metrics,
    read_labels,
    score,
    session_confusion,
)

LABELS = """source,id,session,clue,time,parallel
bluesky,a,1,1,2026-05-20T10:00:00Z,2
bluesky,b,1,0,2026-05-20T10:01:00Z,2
bluesky,c,2,1,2026-05-20T10:02:00Z,4
mastodon,d,,0,2026-05-20T10:03:00Z,0
mastodon,e,,0,2026-05-20T10:04:00Z,2
bluesky,f,EXCLUDED,0,2026-05-20T10:05:00Z,2
bluesky,g,EXCLUDED,0,2026-05-20T10:06:00Z,2
"""

EXPORT = {
    "sessions": [
        {"id": 1, "posts": [{"id": "a"}, {"id": "c"}, {"id": "f"}]},
        {"id": "2", "posts": [{"id": "c"}, {"id": "e"}]},
    ],
    "unassigned": [{"id": "d"}, {"id": "b"}],
}


@pytest.fixture
def labels(tmp_path: Path) -> Path:
    path = tmp_path / "labels.csv"
    path.write_text(LABELS, encoding="utf-8")
    return path


def test_metrics_match_the_reference_definitions(labels: Path) -> None:
    m = score(labels, EXPORT)
    # right: a (exactly {1}); b wrong (hallway); c wrong (two sessions); d right; e wrong
    assert m.posts == 5
    assert m.accuracy == pytest.approx(2 / 5)
    # tp: a, c; fn: b; fp: c->1, e->2
    assert m.precision == pytest.approx(2 / 4)
    assert m.recall == pytest.approx(2 / 3)
    assert m.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert m.optout_published == 1
    assert m.coverage == pytest.approx(5 / 5)
    assert m.time_only_baseline == pytest.approx((1 / 2 + 1 / 2 + 1 / 4 + 1 + 0) / 5)
    assert m.ceiling == pytest.approx((1 + 0 + 1 + 1 + 1) / 5)
    assert format_metrics(m).splitlines()[1] == "accuracy             0.400"


def test_labels_are_read_with_types(labels: Path) -> None:
    rows = read_labels(labels)
    assert rows[0].session == "1" and rows[0].clue and rows[0].parallel == 2
    assert rows[3].session == "" and rows[5].session == EXCLUDED


def test_confusion_summary_lists_worst_sessions_first(labels: Path) -> None:
    summary = session_confusion(read_labels(labels), EXPORT)
    rows = {row.session: row for row in summary}
    assert (rows["1"].right, rows["1"].posts, rows["1"].went_to) == (1, 2, (("", 1),))
    assert rows["2"].went_to == (("1", 1),)
    assert (rows[""].right, rows[""].posts, rows[""].went_to) == (1, 2, (("2", 1),))
    assert summary[0].session == "2"
    lines = format_confusion(summary, {"1": "Opening", "2": "Keynote"})
    assert lines[0].startswith("2 Keynote") and lines[0].endswith("-> 1×1")
    assert any(line.startswith("(hallway)") for line in lines)


def test_confusion_summary_text_takes_titles_from_the_export(labels: Path) -> None:
    export = {**EXPORT, "sessions": [{**EXPORT["sessions"][0], "title": "Opening"}, EXPORT["sessions"][1]]}
    text = confusion_summary(labels, export)
    assert text.splitlines()[0].startswith("session (worst first)")
    assert "1 Opening" in text
    perfect = {"sessions": [{"id": "1", "posts": [{"id": "a"}, {"id": "b"}]}, {"id": "2", "posts": [{"id": "c"}]}]}
    labels.write_text("source,id,session,clue,time,parallel\nx,a,1,1,,1\nx,b,1,1,,1\nx,c,2,1,,1\n", encoding="utf-8")
    assert confusion_summary(labels, perfect) == "every labelled session filed right"


def test_empty_export_scores_zero_without_dividing_by_zero(labels: Path) -> None:
    m = score(labels, {})
    assert m.coverage == 0.0 and m.precision == 0.0 and m.f1 == 0.0
