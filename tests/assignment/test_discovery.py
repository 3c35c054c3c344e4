"""Discovered sessions for a conference without a programme."""

from __future__ import annotations

from datetime import datetime, timedelta

from aggregator.assignment import AssignmentSettings, assign, discover_sessions
from aggregator.assignment.settings import DiscoverySettings
from aggregator.models import Conference
from aggregator.threads import build_threads
from tests.assignment.builders import make_post

CONFERENCE = Conference(name="BarCamp", hashtags=("barcamp",), timezone="Europe/Berlin")
START = datetime.fromisoformat("2026-06-01T10:00:00+02:00")


def at(minutes: int) -> str:
    return (START + timedelta(minutes=minutes)).isoformat()


def unconference():
    """Two parallel topics at 10:00, a quiet hour, one topic at 12:00, and a lone post at 15:00."""
    texts_a = [
        "Kubernetes operators for library apps",
        "operators reconcile kubernetes state",
        "kubernetes helm charts vs operators",
    ]
    texts_b = [
        "Citation styles in Zotero",
        "zotero plugins for citation export",
        "zotero groups share citation libraries",
    ]
    texts_c = ["Solr relevance tuning", "solr boosting fields", "relevance testing for solr search"]
    posts = [make_post(f"a{i}", f"ann{i}", at(i * 4), t + " #barcamp") for i, t in enumerate(texts_a)]
    posts += [make_post(f"b{i}", f"bob{i}", at(i * 4 + 2), t + " #barcamp") for i, t in enumerate(texts_b)]
    posts += [make_post(f"c{i}", f"cid{i}", at(120 + i * 5), t + " #barcamp") for i, t in enumerate(texts_c)]
    posts += [make_post("c9", "dee", at(125), "Great point!")]
    posts += [make_post("lone", "eve", at(300), "Anyone seen my umbrella? #barcamp")]
    return posts


def test_bursts_and_parallel_topics_become_sessions() -> None:
    threads = build_threads(unconference())
    sessions = discover_sessions(threads, CONFERENCE, AssignmentSettings())
    assert len(sessions) == 3
    assert all(s.discovered and s.id.startswith("discovered-") for s in sessions)
    titles = [s.title.casefold() for s in sessions]
    assert any("kubernetes" in t or "operators" in t for t in titles)
    assert any("zotero" in t or "citation" in t for t in titles)
    assert any("solr" in t for t in titles)
    assert sessions[0].start.utcoffset() == timedelta(hours=2)  # in the conference's timezone


def test_assign_files_threads_into_discovered_sessions() -> None:
    threads = build_threads(unconference())
    sessions = discover_sessions(threads, CONFERENCE, AssignmentSettings())
    placements = {p.thread.id: p.session_id for p in assign(threads, sessions, CONFERENCE, AssignmentSettings())}
    by_title = {s.id: s.title.casefold() for s in sessions}
    assert "zotero" in by_title[placements["b1"]] or "citation" in by_title[placements["b1"]]
    assert "solr" in by_title[placements["c2"]]
    assert placements["c9"] == placements["c2"]  # a wordless post in the only running burst
    assert placements["lone"] is None


def test_small_bursts_make_no_session() -> None:
    threads = build_threads(unconference())
    settings = AssignmentSettings(discovery=DiscoverySettings(min_threads=5))
    sessions = discover_sessions(threads, CONFERENCE, settings)
    assert len(sessions) == 1  # the two parallel topics together still form one burst


def test_long_bursts_are_split_at_the_quietest_moment() -> None:
    posts = [make_post(f"p{i}", f"u{i}", at(i * 10 + (15 if i >= 9 else 0)), "solr search") for i in range(18)]
    settings = AssignmentSettings(discovery=DiscoverySettings(max_minutes=120, min_threads=2))
    sessions = discover_sessions(build_threads(posts), CONFERENCE, settings)
    assert [s.start.strftime("%H:%M") for s in sessions] == ["10:00", "11:45"]


def test_nothing_to_discover_without_live_posts() -> None:
    recap = make_post("blog", "ana", at(3000), "Notes from the barcamp", source="feed")
    assert discover_sessions([], CONFERENCE, AssignmentSettings()) == ()
    assert discover_sessions(build_threads([recap]), CONFERENCE, AssignmentSettings()) == ()
