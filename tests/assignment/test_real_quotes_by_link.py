"""Real quotes by link (issue #8): a tweet quoted by pasting its address, a toot shared by its link.
The post linking to another collected post quotes it, and a quote (or reply) is about the moment
of what it answers: coming after that talk ended costs it nothing."""

from __future__ import annotations

from aggregator.assignment import AssignmentSettings, assign
from aggregator.models import Post
from aggregator.threads import build_threads
from tests.assignment.builders import USER_2019, filed_threads, make_post, user2019_talk, user2019_time

at = user2019_time

DPLYR = user2019_talk("dplyr", "n() cool dplyr things", "11:48", "12:06", room="Concorde", abstract="grouped verbs")
SPARK = user2019_talk("spark", "Larger-than-RAM data with disk.frame", "12:06", "12:24", room="Concorde", abstract="chunks")
SESSIONS = (
    DPLYR,
    SPARK,
    *(
        user2019_talk(f"{room}{start}", f"Talk in {room}", start, end, room=room, abstract=f"{room} things")
        for room in ("Forum", "Lab", "Hall")
        for start, end in (("11:48", "12:06"), ("12:06", "12:24"), ("12:24", "12:42"))
    ),
)
LIVE = make_post("live", "alice", at("11:55"), "n() cool dplyr things: grouped verbs, and a baby on stage!")
LIVE_URL = "https://social.example/live"


def quoting(link: str) -> Post:
    return make_post("later", "zoe", at("12:14"), f"Youngest presenter ever? {link}", links=(link,))


def test_a_post_linking_to_a_collected_post_is_filed_with_what_it_quotes() -> None:
    assert filed_threads([LIVE, quoting(LIVE_URL)], SESSIONS) == {"live": "dplyr", "later": "dplyr"}


def test_a_link_to_a_post_that_was_not_collected_is_no_quote() -> None:
    assert filed_threads([LIVE, quoting("https://social.example/elsewhere")], SESSIONS)["later"] != "dplyr"


def test_a_quote_long_after_the_talk_ended_still_goes_with_what_it_quotes() -> None:
    quote = make_post("quote", "zoe", at("12:36"), "Youngest presenter ever?", quote_id="live")
    assert filed_threads([LIVE, quote], SESSIONS)["quote"] == "dplyr"


def test_the_time_of_a_quote_costs_nothing_for_the_session_of_what_it_quotes() -> None:
    quote = make_post("quote", "zoe", at("12:20"), "Youngest presenter ever?", quote_id="live")
    placement = assign(build_threads([LIVE, quote]), SESSIONS, USER_2019, AssignmentSettings())[1]
    quoted = next(c for c in placement.candidates if c.session_id == "dplyr")
    time = next(s for s in quoted.signals if s.name == "time")
    assert time.score == 0.0 and "no later than what it answers" in time.detail
    assert placement.session_id == "dplyr" and quoted.log_odds > 4  # the inherited evidence, undiminished
