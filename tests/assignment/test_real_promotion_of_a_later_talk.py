"""Real promotions of a later talk (issue #8): "join us in one hour at Concorde", "come find out
today, 11:30 Guillaumet", "tomorrow at 11:30am". Such a post is about the talk it announces, not
the one running while it is written: its time evidence is taken at the moment it names."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from aggregator.assignment.announced import announced_moment
from tests.assignment.builders import filed_threads, make_post, user2019_talk, user2019_time

at = user2019_time
PARIS = ZoneInfo("Europe/Paris")
POSTED = datetime.fromisoformat(at("11:24"))

SESSIONS = tuple(
    user2019_talk(f"{room}{start}", f"{topic} in {room}", start, end, room=room, abstract=f"about {topic} and communities")
    for room, topic in (("Concorde", "panels"), ("Forum", "rasters"), ("Lab", "trials"))
    for start, end in (("11:12", "11:30"), ("12:24", "12:42"))
)


@pytest.mark.parametrize(
    ("text", "announced"),
    [
        ("join us in one hour at Concorde 1+2", "12:24"),
        ("in 30 minutes in the big room", "11:54"),
        ("Come find out today at #useR2019 11:30am Guillaumet", None),  # 6 minutes ahead: may be live
        ("See you at 2.36pm in the Auditorium", "14:36"),
        ("the 14h18 visualisation session", "14:18"),
        ("dplyr 14.30 is out", None),  # a bare dotted number is as likely a version
        ("at 10:45 the speaker showed", None),  # a past time looks back, it announces nothing
        ("https://example.org/slides/12:30", None),
    ],
)
def test_the_moment_a_post_announces(text: str, announced: str | None) -> None:
    expected = datetime.fromisoformat(at(announced)) if announced else None
    assert announced_moment(text, POSTED, PARIS) == expected


def test_tomorrow_names_the_next_day() -> None:
    moment = announced_moment("See you tomorrow at 11:30am in Concorde", POSTED, PARIS)
    assert moment == datetime.fromisoformat("2019-07-11T11:30:00+02:00")


def test_a_promotion_is_filed_under_the_talk_it_announces() -> None:
    post = make_post("promo", "ana", at("11:24"), "Hi all, join us in one hour at Concorde for our panel on communities!")
    assert filed_threads([post], SESSIONS)["promo"] == "Concorde12:24"


def test_the_same_post_without_a_time_goes_with_the_running_talk() -> None:
    post = make_post("live", "ana", at("11:24"), "Hi all, join us at Concorde for our panel on communities!")
    assert filed_threads([post], SESSIONS)["live"] == "Concorde11:12"
