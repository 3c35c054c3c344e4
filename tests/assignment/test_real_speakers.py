"""Real posts name speakers by handle, and speakers post about their own talks (issue #8)."""

from __future__ import annotations

import pytest

from aggregator.assignment.handles import SpeakerAccounts, compact_form
from aggregator.models import Post
from tests.assignment.builders import filed_threads, make_post, post_by, tidyr_talk, user2019_talk

SPEAKERS = ("Thomas Lumley", "Colin Gillespie", "Jennifer Bryan", "Davis Vaughan", "Jim Hester", "Hadley Wickham")
PROGRAMME = tuple(
    user2019_talk(
        f"s{n}",
        f"Talk number {n}",
        f"{10 + n}:00",
        f"{10 + n}:30",
        room="Hall",
        speakers=(name,),
    )
    for n, name in enumerate(SPEAKERS)
)


def speakers_for(handle: str) -> set[str]:
    accounts = SpeakerAccounts.of(PROGRAMME)
    return {name for _, name in accounts.speakers_for(compact_form(handle))}


@pytest.mark.parametrize(
    ("handle", "speaker"),
    [
        ("tslumley", "Thomas Lumley"),  # initials + surname
        ("csgillespie", "Colin Gillespie"),
        ("JennyBryan", "Jennifer Bryan"),  # a short form of the first name + surname
        ("dvaughan32", "Davis Vaughan"),  # initial + surname + digits
        ("jimhester_", "Jim Hester"),
        ("wickhamh", "Hadley Wickham"),  # surname + initial
        ("hadleywickham", "Hadley Wickham"),
    ],
)
def test_handles_that_spell_a_speakers_name(handle: str, speaker: str) -> None:
    assert speakers_for(handle) == {speaker}


@pytest.mark.parametrize("handle", ["ben", "rladies", "useR2019_Conf", "xbryan", "thomas", "lumleyfan"])
def test_handles_that_do_not(handle: str) -> None:
    assert speakers_for(handle) == set()


# Two parallel talks; a third, by Mine, later in the day.
SESSIONS = (
    tidyr_talk("pivot functions for tidy data"),
    user2019_talk(
        "box",
        "Data Science in a Box",
        room="Cassiopee",
        speakers=("Mine Çetinkaya-Rundel",),
        abstract="a course for teaching",
    ),
    user2019_talk(
        "late",
        "Shiny in production",
        "16:00",
        "16:18",
        room="Concorde",
        speakers=("Romain François",),
        abstract="deploying apps",
    ),
)


def filed(posts: list[Post]) -> dict[str, str | None]:
    return filed_threads(posts, SESSIONS)


def test_an_account_whose_display_name_is_a_speakers_names_that_speaker() -> None:
    own = post_by("own", "minebocek", "Mine Çetinkaya-Rundel 🦄", "2019-07-10T09:00:00+02:00", "Off to Toulouse!")
    mention = make_post(
        "m", "zoe", "2019-07-10T11:40:00+02:00", "Class design principles by @minebocek, cooking analogies"
    )
    assert filed([own, mention])["m"] == "box"


def test_a_speaker_on_their_own_talk_hours_before_it() -> None:
    promo = post_by(
        "promo",
        "romain_f",
        "Romain Francois",
        "2019-07-10T11:35:00+02:00",
        "I'll use this timer to pace my #useR2019 talk",
    )
    assert filed([promo])["promo"] == "late"


def test_my_talk_from_someone_who_is_no_speaker_names_nothing() -> None:
    promo = post_by("promo", "zoe", "Zoe Example", "2019-07-10T11:35:00+02:00", "I'll use this timer to pace my talk")
    assert filed([promo])["promo"] is None


@pytest.mark.parametrize(
    "text",
    [
        "We're hiring data scientists! Come visit us at our booth #useR2019",
        "Twitter giveaway! Retweet this for a chance to win a signed book",
        "Come and see our poster L94 about RCocoa, next to the coffee",
    ],
)
def test_sponsors_jobs_giveaways_and_posters_are_hallway(text: str) -> None:
    assert filed([make_post("h", "zoe", "2019-07-10T11:40:00+02:00", text)])["h"] is None
