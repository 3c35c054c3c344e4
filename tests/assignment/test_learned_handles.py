"""Handles that spell nothing of a speaker's name, learned from the posts themselves (issue #8):
an account mentioned again and again in threads confidently filed under one talk, and the author
of a confidently filed thread that speaks of "my talk", stand for that talk's speaker."""

from __future__ import annotations

from aggregator.models import Post
from tests.assignment.builders import make_post
from tests.assignment.test_real_speakers import filed, post_by

CONFIDENT_ABOUT_BOX = [
    make_post(f"c{n}", author, f"2019-07-10T11:3{n}:00+02:00", f"Data Science in a Box by @teachds_m: {what}")
    for n, (author, what) in enumerate(
        [("ann", "materials for teaching"), ("bob", "all open"), ("cat", "a whole course for teaching")]
    )
]
HANDLE_ONLY = make_post("q", "dan", "2019-07-10T11:44:00+02:00", "@teachds_m cooking analogies, love it")


def test_a_handle_mentioned_in_confident_threads_about_one_talk_names_its_speaker() -> None:
    assert filed([*CONFIDENT_ABOUT_BOX, HANDLE_ONLY])["q"] == "box"


def test_without_those_threads_the_handle_alone_names_nothing() -> None:
    assert filed([HANDLE_ONLY])["q"] is None


def test_a_handle_mentioned_about_several_talks_is_not_learned() -> None:
    about_tidy = [
        make_post(f"t{n}", author, f"2019-07-10T11:3{n}:00+02:00", f"Enhancements to data tidying, says @teachds_m ({n})")
        for n, author in enumerate(["eve", "fay", "gus"])
    ]
    assert filed([*CONFIDENT_ABOUT_BOX, *about_tidy, HANDLE_ONLY])["q"] is None


def _speaker_thread() -> list[Post]:
    """An author whose display name is no programme name, on 'my talk' in a thread naming it."""
    return [
        post_by("mine", "rf_dev", "RF", "2019-07-10T16:19:00+02:00", "Slides of my talk Shiny in production are up")
    ]


def test_the_author_of_a_confident_my_talk_thread_is_that_talks_speaker() -> None:
    earlier = post_by("pace", "rf_dev", "RF", "2019-07-10T11:35:00+02:00", "I'll use this timer to pace my talk")
    assert filed([*_speaker_thread(), earlier])["pace"] == "late"
