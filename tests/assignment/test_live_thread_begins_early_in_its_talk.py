"""A live-thread begins early in the talk it is about (issue #8: overlapping parallel talks, more so
when they overrun): while two talks run, a post that matches both alike is likelier about the one
that began more recently; the time prior falls from 1 at a session's start to 0.8 at its end."""

from __future__ import annotations

from datetime import datetime

from aggregator.assignment import AssignmentEngine, AssignmentSettings
from aggregator.assignment.timing import RUNNING_FLOOR, TimeIndex
from aggregator.models import Conference
from aggregator.threads import build_threads
from tests.assignment.builders import make_post, make_session

DAY = "2026-06-03T"
EARLIER = make_session("a", "Open data in practice", f"{DAY}10:00:00+02:00", f"{DAY}10:40:00+02:00", room="Room A",
                       abstract="Licensing and storage of open data at city libraries.")
LATER = make_session("b", "Linked data in practice", f"{DAY}10:20:00+02:00", f"{DAY}11:00:00+02:00", room="Room B",
                     abstract="Licensing and storage of linked data at city libraries.")


def at(clock: str) -> datetime:
    return datetime.fromisoformat(f"{DAY}{clock}:00+02:00")


def test_the_prior_falls_from_the_start_of_a_session_to_its_end() -> None:
    priors = TimeIndex((EARLIER,), lead_minutes=15, reflection_minutes=30)
    assert priors.candidates(at("10:00")) == {0: 1.0}
    assert priors.candidates(at("10:20"))[0] == 1.0 - (1.0 - RUNNING_FLOOR) / 2
    assert priors.candidates(at("10:40")) == {0: RUNNING_FLOOR}


def test_a_post_matching_two_running_talks_alike_ranks_the_one_begun_more_recently_first() -> None:
    post = make_post("p1", "ann", at("10:24").isoformat(), "licensing hits home #trackcon")
    engine = AssignmentEngine((LATER, EARLIER), Conference("TrackCon", ("trackcon",), "Europe/Amsterdam"),
                              AssignmentSettings())
    (placement,) = engine.assign(build_threads([post]))
    ranked = [c.session_id for c in placement.candidates]
    assert ranked[:2] == ["b", "a"]
