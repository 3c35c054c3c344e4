"""Posts in scripts written without spaces (Japanese, Chinese) still name speakers and terms (issue #8)."""

from __future__ import annotations

from aggregator.assignment import AssignmentSettings, assign
from aggregator.assignment.text import phrase_form, tokenize
from aggregator.models import Conference
from aggregator.threads import build_threads
from tests.assignment.builders import make_post, make_session

SESSIONS = (
    make_session(
        "glue",
        "glue: interpreted string literals",
        "2019-07-10T11:30:00+02:00",
        "2019-07-10T11:48:00+02:00",
        room="Concorde",
        speakers=("Jim Hester",),
        abstract="string interpolation",
    ),
    make_session(
        "arr",
        "Simple arrays",
        "2019-07-10T11:30:00+02:00",
        "2019-07-10T11:48:00+02:00",
        room="Forum",
        speakers=("Davis Vaughan",),
        abstract="rray broadcasting",
    ),
    make_session(
        "ja",
        "東京大学の講演",
        "2019-07-10T11:30:00+02:00",
        "2019-07-10T11:48:00+02:00",
        room="Lab",
        speakers=("Sato Kenji",),
        abstract="機械学習の話",
    ),
)
CONFERENCE = Conference("useR!", ("user2019",), "Europe/Paris")


def filed(text: str) -> str | None:
    post = make_post("p", "zoe", "2019-07-10T11:40:00+02:00", text)
    return assign(build_threads([post]), SESSIONS, CONFERENCE, AssignmentSettings())[0].session_id


def test_latin_terms_inside_japanese_are_words() -> None:
    assert {"jim", "hester", "glue"} <= set(tokenize("Jim Hesterのglueパッケージ"))
    assert " jim hester " in phrase_form("Jim Hesterのglueパッケージ")


def test_a_japanese_post_naming_a_speaker_and_package_is_filed() -> None:
    assert filed("Jim Hesterのglueパッケージ、便利そう") == "glue"


def test_japanese_words_meet_a_japanese_programme() -> None:
    assert filed("機械学習の話がおもしろい") == "ja"
