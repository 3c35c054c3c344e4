"""Real posts praise several talks at once by their speakers' handles: a roundup, filed in the
hallway, not under whichever talk's speaker is named first (issue #8)."""

from __future__ import annotations

from aggregator.models import Session
from tests.assignment.builders import filed_threads, make_post, user2019_talk, user2019_time

SESSIONS: tuple[Session, ...] = (
    user2019_talk(
        "ebola",
        "Reproducible data science to support outbreak responses",
        "11:30",
        "11:48",
        room="Guillaumet",
        speakers=("Thibaut Jombart",),
        abstract="outbreak analytics in the field",
    ),
    user2019_talk(
        "r4epis",
        "Advancing data analytics for field epidemiologists using R",
        "11:48",
        "12:06",
        room="Guillaumet",
        speakers=("Zhian Kamvar",),
        abstract="templates for field epidemiologists",
    ),
    user2019_talk("forecast", "Smooth forecasting in R", "11:48", "12:06", room="Ariane", speakers=("Ivan Svetunkov",)),
)


def filed(text: str, clock: str = "12:10") -> str | None:
    return filed_threads([make_post("p", "zoe", user2019_time(clock), text)], SESSIONS)["p"]


def test_fantastic_talks_by_two_speakers_is_a_roundup() -> None:
    assert filed("Fantastic talks by @TJombart and @ZKamvar showcasing the use of R in the field #useR2019") is None


def test_one_talk_by_one_of_them_is_that_talk() -> None:
    assert filed("Fantastic talk by @ZKamvar showcasing the use of R in the field #useR2019") == "r4epis"


def test_a_speaker_named_beside_another_speakers_account_without_plural_stays_filed() -> None:
    # no plural "talks" or "speakers": one handle alone is not strong enough to make it an overview
    assert filed("@TJombart was in the room for the talk by @ZKamvar on field templates #useR2019") == "r4epis"
