"""Sessions that run over (issue #8): when the clued live posts of two authors run on past a
session's end, the session is taken to end later and the next one in its room to start late."""

from __future__ import annotations

from datetime import datetime, timedelta

from aggregator.assignment import AssignmentEngine, AssignmentSettings
from aggregator.assignment.timing import overruns, stretched
from aggregator.models import Conference, Post
from aggregator.threads import build_threads
from tests.assignment.builders import make_post, make_session

FIRST = make_session(
    "tidy", "Enhancements to data tidying", "2019-07-10T10:00:00+02:00", "2019-07-10T10:30:00+02:00", room="A",
    abstract="pivot longer and pivot wider replace spread and gather",
)
NEXT = make_session(
    "dplyr", "Cool dplyr things", "2019-07-10T10:30:00+02:00", "2019-07-10T11:00:00+02:00", room="A",
    abstract="group split and summarise",
)
PARALLEL = make_session(
    "box", "Data Science in a Box", "2019-07-10T10:00:00+02:00", "2019-07-10T11:00:00+02:00", room="B",
    abstract="a course for teaching",
)
PROGRAMME = (FIRST, NEXT, PARALLEL)
CONFERENCE = Conference("useR!", ("user2019",), "Europe/Paris")


def at(minutes_past_ten: int) -> datetime:
    return FIRST.start + timedelta(minutes=minutes_past_ten)


def test_two_authors_past_the_end_stretch_the_session() -> None:
    late = {0: [("ann", at(20)), ("ann", at(44)), ("bob", at(41))]}
    assert overruns(late, PROGRAMME) == {0: timedelta(minutes=11)}


def test_one_late_author_or_a_few_minutes_is_no_overrun() -> None:
    assert overruns({0: [("ann", at(50))]}, PROGRAMME) == {}
    assert overruns({0: [("ann", at(34)), ("bob", at(35))]}, PROGRAMME) == {}


def test_the_next_session_in_the_room_starts_when_the_overrun_is_over() -> None:
    first, following, parallel = stretched(PROGRAMME, {0: timedelta(minutes=12)})
    assert first.end == at(42)
    assert following.start == at(42) and following.end == NEXT.end
    assert parallel == PARALLEL


def _live(post_id: str, author: str, minutes: int, text: str, parent: str | None = None) -> Post:
    post = make_post(post_id, author, at(minutes).isoformat(), text)
    return Post(**{**post.__dict__, "reply_parent": parent, "reply_root": "a1" if parent else None})


def test_an_overrunning_talk_keeps_its_live_posters_clueless_posts() -> None:
    posts = [
        _live("a1", "ann", 20, "Enhancements to data tidying: pivot longer replaces gather"),
        _live("a2", "ann", 43, "pivot wider replaces spread, still going", parent="a1"),
        _live("b1", "bob", 22, "Enhancements to data tidying live demo of pivot wider"),
        _live("b2", "bob", 41, "and he has a friend to help with gather", parent="b1"),
        _live("c1", "ann", 38, "Q&A now, the room is asking questions"),
    ]
    engine = AssignmentEngine(PROGRAMME, CONFERENCE, AssignmentSettings())
    placements = {p.thread.id: p for p in engine.assign(build_threads(posts))}
    assert engine.clock.overruns == (("tidy", 11), ("dplyr", 11))  # the room stays late
    assert placements["c1"].session_id == "tidy"
    assert "past its programmed end" in placements["c1"].candidates[0].signals[0].detail
