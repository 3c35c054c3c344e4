"""Real job ads and sponsors' recruiting posts (issue #8): they share words with some abstract
("interested", "data"), but a post that says it is hiring, and how to reach the stand, belongs to
the hallway, not to the talk that happens to be running."""

from __future__ import annotations

from aggregator.assignment.text import HALLWAY_PHRASES, PhraseSet, phrase_form
from tests.assignment.builders import filed_threads, make_post, user2019_talk, user2019_time

at = user2019_time

ROOMS = tuple(
    user2019_talk(room, f"Talk in {room}", "12:42", "13:00", room=room, abstract=abstract)
    for room, abstract in (
        ("Aula", "for those interested in causal discovery: structure learning"),
        ("Forum", "simple arrays"),
        ("Lab", "clinical trials"),
    )
)
JOB_AD = (
    "We are always happy to extend our team with data scientists, data engineers and data platforms "
    "people. If you are interested, come chat!"
)


def test_a_recruiting_post_goes_to_the_hallway_though_it_shares_an_abstract_s_words() -> None:
    post = make_post("ad", "acme", at("12:50"), JOB_AD)
    assert filed_threads([post], ROOMS)["ad"] is None


def test_the_same_words_without_the_recruiting_are_filed_under_the_talk() -> None:
    post = make_post("live", "zoe", at("12:50"), "Data engineers interested in structure learning: this is for you")
    assert filed_threads([post], ROOMS)["live"] == "Aula"


def test_a_job_ad_s_phrases_are_hallway_talk() -> None:
    found = PhraseSet(HALLWAY_PHRASES).found_in(phrase_form("A job opening! Join our team, come chat at their desk"))
    assert {"job opening", "join our team", "come chat", "their desk"} <= set(found)
