"""A speaker's handle beside a word for a talk ("TIL ... from @i_steves talk", "@_lacion_ fez uma
ótima apresentação") names that talk firmly, even against a neighbour sharing more words (issue #8)."""

from __future__ import annotations

from aggregator.assignment import AssignmentSettings, assign
from aggregator.models import Session
from aggregator.threads import build_threads
from tests.assignment.builders import USER_2019, filed_threads, make_post, user2019_talk, user2019_time

SESSIONS: tuple[Session, ...] = (
    user2019_talk(
        "tidy",
        "Enhancements to data tidying",
        "11:30",
        "11:48",
        room="Concorde",
        speakers=("Hadley Wickham",),
        abstract="tidyr pivot functions, separate",
    ),
    user2019_talk(
        "puzzles",
        "Teaching data science with puzzles",
        "11:48",
        "12:06",
        room="Cassiopee",
        speakers=("Irene Steves",),
        abstract="puzzles for learning tidyverse functions",
    ),
    user2019_talk(
        "latam",
        "R community growth in Latin America",
        "11:48",
        "12:06",
        room="Ariane",
        speakers=("Laura Acion",),
        abstract="community in Latin America",
    ),
)


def filed(text: str, clock: str = "12:14") -> str | None:
    return filed_threads([make_post("p", "zoe", user2019_time(clock), text)], SESSIONS)["p"]


def test_a_handle_beside_talk_names_that_talk() -> None:
    text = "TIL there's a separate_rows() function in tidyr from two sources: @i_steves talk at #useR2019"
    assert filed(text) == "puzzles"


def test_the_same_handle_without_a_talk_word_is_a_mention_in_passing() -> None:
    text = "TIL there's a separate_rows() function in tidyr from two sources: @i_steves at #useR2019"
    assert filed(text) == "tidy"


def test_a_handle_beside_a_talk_word_in_portuguese() -> None:
    assert filed("@_lacion_ fez uma ótima apresentação sobre a comunidade", "12:10") == "latam"


def handle_weights(text: str) -> set[float]:
    threads = build_threads([make_post("p", "zoe", user2019_time("12:00"), text)])
    (placement,) = assign(threads, SESSIONS, USER_2019, AssignmentSettings())
    return {s.score for c in placement.candidates for s in c.signals if s.name == "handle"}


def test_handles_of_several_speakers_get_no_talk_bonus() -> None:
    # a reply addressing the speakers of a block ("last talk of the session") is no one talk's
    assert handle_weights("@i_steves @_lacion_ Last talk of the session, thanks all") == {3.5}
    assert handle_weights("@i_steves Great talk, thanks") == {6.0}
