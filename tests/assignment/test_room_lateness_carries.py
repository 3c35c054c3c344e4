"""A room that ran late stays late (issue #8): the talks that follow an overrunning one in its room,
with no break to catch up, are taken to run as late, unless their own posts measured otherwise."""

from __future__ import annotations

from datetime import datetime, timedelta

from aggregator.assignment import AssignmentEngine, AssignmentSettings
from aggregator.assignment.timing import carried_overruns
from aggregator.models import Conference, Post
from aggregator.threads import build_threads
from tests.assignment.builders import make_post, make_session

DAY = "2019-07-10T"
OPENING = make_session("open", "Tidy evaluation", f"{DAY}10:00:00+02:00", f"{DAY}10:20:00+02:00", room="A",
                       abstract="quasiquotation and quosures")
SECOND = make_session("second", "Shiny in production", f"{DAY}10:20:00+02:00", f"{DAY}10:40:00+02:00", room="A",
                      abstract="load testing dashboards")
THIRD = make_session("third", "Spatial joins", f"{DAY}10:45:00+02:00", f"{DAY}11:05:00+02:00", room="A",
                     abstract="geometry predicates")
AFTER_LUNCH = make_session("lunch", "Package checks", f"{DAY}13:00:00+02:00", f"{DAY}13:20:00+02:00", room="A",
                           abstract="continuous integration")
OTHER_ROOM = make_session("other", "Mixed models", f"{DAY}10:20:00+02:00", f"{DAY}10:40:00+02:00", room="B",
                          abstract="random effects")
PROGRAMME = (OPENING, SECOND, THIRD, AFTER_LUNCH, OTHER_ROOM)
LATE = timedelta(minutes=12)


def test_a_late_room_stays_late_until_a_break_lets_it_catch_up() -> None:
    carried = carried_overruns({0: LATE}, PROGRAMME)
    assert carried == {0: LATE, 1: LATE, 2: LATE}  # not after lunch, not in room B


def test_a_talk_whose_own_posts_measured_its_lateness_keeps_that_measure() -> None:
    measured = {0: LATE, 1: timedelta(minutes=9)}
    assert carried_overruns(measured, PROGRAMME) == {0: LATE, 1: timedelta(minutes=9), 2: timedelta(minutes=9)}


def test_no_overrun_carries_nothing() -> None:
    assert carried_overruns({}, PROGRAMME) == {}


def at(clock: str) -> datetime:
    return datetime.fromisoformat(f"{DAY}{clock}:00+02:00")


def _post(post_id: str, author: str, clock: str, text: str, parent: str | None = None, root: str | None = None) -> Post:
    post = make_post(post_id, author, at(clock).isoformat(), text)
    return Post(**{**post.__dict__, "reply_parent": parent, "reply_root": root})


def test_the_late_rooms_next_talk_keeps_a_post_from_after_its_programmed_end() -> None:
    posts = [
        _post("a1", "ann", "10:10", "Tidy evaluation: quasiquotation explained"),
        _post("a2", "ann", "10:31", "and quosures, still going", parent="a1", root="a1"),
        _post("b1", "bob", "10:12", "Tidy evaluation with quosures live"),
        _post("b2", "bob", "10:30", "quasiquotation Q&A", parent="b1", root="b1"),
        _post("c1", "cat", "10:47", "Shiny in production: load testing dashboards"),
    ]
    engine = AssignmentEngine(PROGRAMME, Conference("useR!", ("user2019",), "Europe/Paris"), AssignmentSettings())
    placements = {p.thread.id: p for p in engine.assign(build_threads(posts))}
    assert ("second", 10) in engine.clock.overruns
    assert placements["c1"].session_id == "second"
    assert "past its programmed end" in placements["c1"].candidates[0].signals[0].detail
