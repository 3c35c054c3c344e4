"""sessions.json: the machine-readable export, joinable with the programme by event id."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import datetime
from pathlib import Path

import pytest

from aggregator.models import Thread
from aggregator.site.exports import CSV_COLUMNS, csv_cell, export_sessions, write_posts_csv
from aggregator.site.model import SiteModel
from aggregator.site.pages import render_site
from tests.site.builders import BLOG, CONTINUATION, HALLWAY, ICAL, ICAL_POST, KEYNOTE, ORPHAN, REPLY, ROOT, build_digest

# The keys consumers have always had (they must stay), then the ones added beside them.
POST_KEYS = {"id", "url", "author", "created_at", "text", "source"}
SESSION_KEYS = {"id", "title", "start", "end", "room", "url", "posts"}
ADDED_POST_KEYS = {"thread_id", "is_reply_by_other", "title", "lang", "links", "media", "engagement"}
ADDED_SESSION_KEYS = {"speakers", "links", "threads"}


def test_shape_matches_the_documented_export() -> None:
    data = export_sessions(build_digest())

    assert set(data) == {"conference", "sessions", "unassigned", "unassigned_threads"}
    assert data["conference"]["name"].startswith("LibCamp 2027")
    assert data["conference"]["timezone"] == "America/Chicago"
    for session in data["sessions"]:
        assert set(session) == SESSION_KEYS | ADDED_SESSION_KEYS
        assert all(set(post) == POST_KEYS | ADDED_POST_KEYS for post in session["posts"])
    assert all(set(post) == POST_KEYS | ADDED_POST_KEYS for post in data["unassigned"])


def test_every_session_is_listed_by_programme_id_even_without_posts() -> None:
    sessions = export_sessions(build_digest())["sessions"]
    assert [s["id"] for s in sessions] == ["101", "102", "103", ICAL.id]
    assert sessions[2]["posts"] == []


def test_session_posts_are_the_whole_thread_in_order() -> None:
    keynote = export_sessions(build_digest())["sessions"][0]
    assert keynote["title"] == KEYNOTE.title
    assert keynote["url"] == KEYNOTE.url
    assert [p["id"] for p in keynote["posts"]] == [ROOT.id, CONTINUATION.id, REPLY.id]
    reply = keynote["posts"][2]
    assert reply == {
        "id": REPLY.id,
        "url": REPLY.url,
        "author": {"id": REPLY.author.id, "handle": "@bob@glammr.us", "name": "Bob Example", "url": REPLY.author.url},
        "created_at": "2027-03-02T15:30:00+00:00",
        "text": REPLY.text,
        "source": "mastodon",
        "thread_id": ROOT.id,
        "is_reply_by_other": True,
        "title": "",
        "lang": "",
        "links": list(REPLY.links),
        "media": [],
        "engagement": {"likes": 2, "reposts": 0, "replies": 0},
    }


def test_threads_carry_their_posts_and_the_placements_confidence_and_reason() -> None:
    data = export_sessions(build_digest())
    keynote = data["sessions"][0]
    assert keynote["threads"] == [
        {
            "id": ROOT.id,
            "author": ROOT.author.id,
            "posts": [ROOT.id, CONTINUATION.id, REPLY.id],
            "conversation": [REPLY.id],
            "confidence": 0.9,
            "reason": "time",
            "pinned": False,
        }
    ]
    assert [t["id"] for t in data["unassigned_threads"]] == [HALLWAY.id, ORPHAN.id]
    continuation = keynote["posts"][1]
    assert continuation["media"][0] == {"kind": "image", "url": CONTINUATION.media[0].url, "alt": CONTINUATION.media[0].alt}
    assert continuation["engagement"] == {"likes": 12, "reposts": 3, "replies": 1}


def test_unassigned_holds_hallway_and_orphaned_posts() -> None:
    data = export_sessions(build_digest())
    assert [p["id"] for p in data["unassigned"]] == [HALLWAY.id, ORPHAN.id]
    assigned = {p["id"] for s in data["sessions"] for p in s["posts"]}
    assert assigned == {ROOT.id, CONTINUATION.id, REPLY.id, BLOG.id, ICAL_POST.id}


def test_datetimes_are_iso_with_offsets() -> None:
    data = export_sessions(build_digest())
    keynote = data["sessions"][0]
    assert keynote["start"] == "2027-03-02T09:00:00-06:00"
    assert datetime.fromisoformat(keynote["end"]) == KEYNOTE.end
    assert datetime.fromisoformat(data["conference"]["start"]) == KEYNOTE.start


def test_site_writes_the_same_export(tmp_path: Path) -> None:
    digest = build_digest()
    render_site(digest, tmp_path / "out")
    written = json.loads((tmp_path / "out" / "sessions.json").read_text(encoding="utf-8"))
    assert written == export_sessions(digest)


# --- posts.csv --------------------------------------------------------------------------------------


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_posts_csv_has_one_row_per_post_in_export_order() -> None:
    written = io.StringIO(newline="")
    write_posts_csv(SiteModel(build_digest()), written)
    rows = read_csv(written.getvalue())
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [row["id"] for row in rows] == [ROOT.id, CONTINUATION.id, REPLY.id, BLOG.id, ICAL_POST.id, HALLWAY.id, ORPHAN.id]
    reply = rows[2]
    assert reply["session_id"] == "101" and reply["session_title"] == KEYNOTE.title
    assert reply["thread_id"] == ROOT.id and reply["position_in_thread"] == "3"
    assert reply["is_reply_by_other"] == "true" and rows[1]["is_reply_by_other"] == "false"
    assert reply["created_at_utc"] == "2027-03-02T15:30:00+00:00"
    assert reply["created_at_local"] == "2027-03-02T09:30:00-06:00"
    assert reply["confidence"] == "0.900"
    assert rows[1]["image_alt_texts"] == f"{CONTINUATION.media[0].alt} | Speaker waving"
    assert rows[1]["links"] == " ".join(CONTINUATION.links)
    assert rows[5]["session_id"] == "" and rows[6]["session_title"] == ""  # hallway, orphaned


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", " =", "\n"])
def test_a_csv_cell_that_a_spreadsheet_would_run_is_prefixed(start: str) -> None:
    formula = f'{start}HYPERLINK("https://evil.example","x")'
    assert csv_cell(formula) == "'" + formula


def test_plain_cells_and_control_characters() -> None:
    assert csv_cell("Keynote: 10 = 5 + 5") == "Keynote: 10 = 5 + 5"
    assert csv_cell("nul\x00 and \x1b escape") == "nul and  escape"


def test_hostile_names_and_texts_cannot_become_formulas(tmp_path: Path) -> None:
    digest = build_digest()
    evil = dataclasses.replace(
        HALLWAY,
        text="=cmd|' /C calc'!A0",
        author=dataclasses.replace(HALLWAY.author, display_name="@SUM(1+1)*cmd", handle="+1"),
    )
    placements = (*digest.placements[:2], dataclasses.replace(digest.placements[2], thread=Thread(root=evil, posts=(evil,))))
    render_site(dataclasses.replace(digest, placements=placements), tmp_path / "out")
    rows = read_csv((tmp_path / "out" / "posts.csv").read_text(encoding="utf-8"))
    row = next(row for row in rows if row["id"] == HALLWAY.id)
    assert (row["text"], row["author_name"], row["author_handle"]) == ("'=cmd|' /C calc'!A0", "'@SUM(1+1)*cmd", "'+1")
    for row in rows:
        assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values())
