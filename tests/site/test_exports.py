"""sessions.json: the machine-readable export, joinable with the programme by event id."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from aggregator.site.exports import export_sessions
from aggregator.site.pages import render_site
from tests.site.builders import BLOG, CONTINUATION, HALLWAY, ICAL, ICAL_POST, KEYNOTE, ORPHAN, REPLY, ROOT, build_digest

POST_KEYS = {"id", "url", "author", "created_at", "text", "source"}
SESSION_KEYS = {"id", "title", "start", "end", "room", "url", "posts"}


def test_shape_matches_the_documented_export() -> None:
    data = export_sessions(build_digest())

    assert set(data) == {"conference", "sessions", "unassigned"}
    assert data["conference"]["name"].startswith("LibCamp 2027")
    assert data["conference"]["timezone"] == "America/Chicago"
    for session in data["sessions"]:
        assert set(session) == SESSION_KEYS
        assert all(set(post) == POST_KEYS for post in session["posts"])
    assert all(set(post) == POST_KEYS for post in data["unassigned"])


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
    }


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
