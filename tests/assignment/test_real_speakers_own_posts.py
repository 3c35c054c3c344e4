"""Speakers posting about their own talks as real speakers do (issue #8): under a display name with a
middle initial the programme leaves out, and, with a talk and a later panel, "after my talk"."""

from __future__ import annotations

from aggregator.assignment import AssignmentSettings, assign
from aggregator.assignment.handles import SpeakerAccounts
from aggregator.assignment.own_talk import speaks_of_it_as_over
from aggregator.assignment.text import phrase_form
from aggregator.models import Author, Post, Session
from aggregator.threads import build_threads
from tests.assignment.builders import USER_2019, filed_threads, make_post, post_by, user2019_talk, user2019_time

SESSIONS: tuple[Session, ...] = (
    user2019_talk(
        "security",
        "R and security",
        "11:48",
        "12:06",
        room="Saint-Exupery",
        speakers=("Colin Gillespie",),
        abstract="security of packages and credentials",
    ),
    user2019_talk(
        "panel",
        "The truth about satRdays (panel session)",
        "12:24",
        "12:42",
        room="Concorde",
        speakers=("Noa Tamir", "Colin Gillespie"),
        abstract="organising local conferences, a discussion",
    ),
    user2019_talk(
        "facebook",
        "A classification and filtering app for multilingual comments",
        "10:50",
        "10:55",
        room="Cassiopee",
        speakers=("Johannes Müller",),
        abstract="data for good with text mining",
    ),
)


def post_at(post_id: str, handle: str, display: str, clock: str, text: str) -> Post:
    return post_by(post_id, handle, display, user2019_time(clock), text)


def test_a_display_name_with_a_middle_initial_is_the_programmes_speaker() -> None:
    accounts = SpeakerAccounts.of(SESSIONS)
    assert accounts.author_is(Author("acct:jj", "jj_mllr", "Johannes J. Müller")) == {(2, "Johannes Müller")}
    assert accounts.author_is(Author("acct:jx", "jx", "Johannes X. Schmidt")) == frozenset()


def test_a_speakers_account_named_by_display_name_names_their_talk() -> None:
    own = post_at("own", "jj_mllr", "Johannes J. Müller", "09:00", "Off to Toulouse for #useR2019")
    mention = make_post(
        "m", "zoe", user2019_time("11:04"), "Very happy to present our work, find @jj_mllr to know more"
    )
    assert filed_threads([own, mention], SESSIONS)["m"] == "facebook"


def own_talk_sessions(text: str, clock: str) -> set[str]:
    """The sessions the engine credits with the speaker's "my talk"."""
    threads = build_threads([post_at("p", "csgillespie", "Colin Gillespie", clock, text)])
    (placement,) = assign(threads, SESSIONS, USER_2019, AssignmentSettings())
    return {c.session_id for c in placement.candidates if any(s.detail.endswith("(my talk)") for s in c.signals)}


def test_after_my_talk_is_the_talk_that_is_over_not_the_panel_ahead() -> None:
    text = (
        "Sorry I had to run out after my #useR2019 talk. I'm in a panel discussion now."
        " More info: https://www.jumpingrivers.com/t/2019-user-security/"
    )
    assert own_talk_sessions(text, "12:19") == {"security"}
    assert filed_threads([post_at("p", "csgillespie", "Colin Gillespie", "12:19", text)], SESSIONS)["p"] == "security"


def test_after_my_talk_before_any_of_them_began_keeps_them_all() -> None:
    assert own_talk_sessions("Nervous, can't wait to be done after my talk", "09:00") == {"security", "panel"}


def test_my_talk_ahead_still_names_the_panel() -> None:
    text = "Getting ready for my panel discussion about satRdays, come along! #useR2019"
    posts = [post_at("p", "csgillespie", "Colin Gillespie", "12:19", text + " my talk")]
    assert filed_threads(posts, SESSIONS)["p"] == "panel"


def test_tense_of_the_own_talk() -> None:
    assert speaks_of_it_as_over(phrase_form("Thanks for coming to my talk!"))
    assert not speaks_of_it_as_over(phrase_form("Come to my talk at 14:00"))


def test_a_speaker_on_the_fun_of_talking_about_their_work_names_their_talk() -> None:
    own = post_at("own", "jj_mllr", "Johannes J. Müller", "11:20", "It was great fun talking about #dataforgood today")
    assert filed_threads([own], SESSIONS)["own"] == "facebook"


def test_someone_else_on_the_fun_of_talking_names_nothing() -> None:
    other = post_at("o", "zoe", "Zoe Example", "11:20", "It was great fun talking about #dataforgood today")
    assert filed_threads([other], SESSIONS)["o"] is None
