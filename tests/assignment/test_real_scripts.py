"""Posts in scripts written without spaces (Japanese, Chinese) still name speakers and terms (issue #8)."""

from __future__ import annotations

from aggregator.assignment.text import phrase_form, tokenize
from tests.assignment.builders import filed_threads, make_post, user2019_talk, user2019_time

SESSIONS = (
    user2019_talk(
        "glue",
        "glue: interpreted string literals",
        room="Concorde",
        speakers=("Jim Hester",),
        abstract="string interpolation",
    ),
    user2019_talk(
        "arr",
        "Simple arrays",
        room="Forum",
        speakers=("Davis Vaughan",),
        abstract="rray broadcasting",
    ),
    user2019_talk(
        "ja",
        "東京大学の講演",
        room="Lab",
        speakers=("Sato Kenji",),
        abstract="機械学習の話",
    ),
)


def filed(text: str) -> str | None:
    return filed_threads([make_post("p", "zoe", user2019_time("11:40"), text)], SESSIONS)["p"]


def test_latin_terms_inside_japanese_are_words() -> None:
    assert {"jim", "hester", "glue"} <= set(tokenize("Jim Hesterのglueパッケージ"))
    assert " jim hester " in phrase_form("Jim Hesterのglueパッケージ")


def test_a_japanese_post_naming_a_speaker_and_package_is_filed() -> None:
    assert filed("Jim Hesterのglueパッケージ、便利そう") == "glue"


def test_japanese_words_meet_a_japanese_programme() -> None:
    assert filed("機械学習の話がおもしろい") == "ja"
