"""The assignment engine on MiniCon, a small hand-labelled conference (tests/data/assignment/)."""

from __future__ import annotations

import pytest

from aggregator.assignment import AssignmentSettings, assign, explain
from aggregator.curation import Overrides, OverridesConfig
from aggregator.models import Placement
from aggregator.threads import build_threads
from tests.assignment.builders import load_case, make_post, make_session

CASE = load_case()


DEFAULTS = AssignmentSettings()


def placements(posts=CASE.posts, settings=DEFAULTS, overrides=None) -> tuple[Placement, ...]:
    return assign(build_threads(posts), CASE.sessions, CASE.conference, settings, overrides)


def filed(result: tuple[Placement, ...]) -> dict[str, str | None]:
    return {post.id: placement.session_id for placement in result for post in placement.thread.posts}


RESULT = filed(placements())


@pytest.mark.parametrize("post_id", sorted(CASE.expected))
def test_every_labelled_post_is_filed_right(post_id: str) -> None:
    assert RESULT[post_id] == CASE.expected[post_id], CASE.cases[post_id]


def test_each_thread_is_placed_once_in_the_given_order() -> None:
    threads = build_threads(CASE.posts)
    result = assign(threads, CASE.sessions, CASE.conference, AssignmentSettings())
    assert [p.thread.id for p in result] == [t.id for t in threads]


def test_confidence_and_reason_come_with_every_decision() -> None:
    for placement in placements():
        assert 0.0 <= placement.confidence <= 1.0
        assert placement.reason
        if placement.session_id is not None:
            assert placement.confidence >= min(DEFAULTS.threshold, DEFAULTS.favourite_min)
            assert placement.candidates[0].session_id == placement.session_id


def test_a_higher_threshold_sends_time_only_guesses_to_the_hallway() -> None:
    strict = filed(placements(settings=AssignmentSettings(threshold=0.99)))
    assert strict["p14"] is None  # the only session running, but nothing else to go on
    assert strict["p17"] == "104"  # the recap names speaker and title words: still certain
    assert sum(session is not None for session in strict.values()) < sum(s is not None for s in RESULT.values())


def test_pin_files_the_whole_thread_and_beats_the_evidence() -> None:
    overrides = Overrides.from_config(OverridesConfig(pin={"p2": "104", "p11": "hallway"}))
    result = placements(overrides=overrides)
    got = filed(result)
    assert got["p1"] == got["p2"] == "104"
    assert got["p11"] is None and got["p19"] is None
    pinned = [p for p in result if p.pinned]
    assert {p.thread.id for p in pinned} == {"p1", "p11"}
    assert all(p.confidence == 1.0 and "curator" in p.reason for p in pinned)


def test_pin_to_an_unknown_session_is_ignored() -> None:
    overrides = Overrides.from_config(OverridesConfig(pin={"p3": "no-such-session"}))
    assert filed(placements(overrides=overrides))["p3"] == "101"


def test_quote_of_a_hallway_post_stays_in_the_hallway() -> None:
    quote = make_post("q1", "zoe", "2026-05-20T13:12:00+02:00", "ha, same", quote_id="p15")
    assert filed(placements(posts=(*CASE.posts, quote)))["q1"] is None


def test_strong_own_evidence_beats_inheritance() -> None:
    quote = make_post(
        "q2", "zoe", "2026-05-20T10:15:00+02:00", "Compare this with Tesseract on Fraktur newspapers", quote_id="p3"
    )
    assert filed(placements(posts=(*CASE.posts, quote)))["q2"] == "106"


def test_a_post_quoting_a_session_hours_later_still_finds_it() -> None:
    post = make_post("late", "zoe", "2026-05-20T13:20:00+02:00", "Thinking about Tesseract, Fraktur and Antiqua")
    assert filed(placements(posts=(post,)))["late"] == "106"


def test_a_link_to_the_same_page_on_another_host_counts() -> None:
    post = make_post("mirror", "zoe", "2026-05-20T09:20:00+02:00", "see https://mirror.example/en/talk/warc/")
    assert filed(placements(posts=(post,)))["mirror"] == "103"


def test_an_overview_naming_parallel_sessions_goes_to_the_hallway() -> None:
    post = make_post(
        "o1", "zoe", "2026-05-20T09:55:00+02:00", "Coming up: Tom Baker in Aula, Anna Müller in Forum, Li Wei in Lab 3"
    )
    result = placements(posts=(post,))
    assert filed(result)["o1"] is None
    assert "overview" in result[0].reason


def test_a_series_sharing_title_and_speaker_is_no_overview() -> None:
    part = {"start": "2026-05-21T10:00:00+02:00", "end": "2026-05-21T11:00:00+02:00", "room": "Aula"}
    series = (
        make_session("s1", "Linux für Einsteiger (Teil 1)", speakers=["Maria Schmidt"], **part),
        make_session(
            "s2",
            "Linux für Einsteiger (Teil 2)",
            speakers=["Maria Schmidt"],
            **{**part, "start": "2026-05-22T10:00:00+02:00", "end": "2026-05-22T11:00:00+02:00"},
        ),
    )
    post = make_post("p", "zoe", "2026-05-21T10:05:00+02:00", "Now: Linux für Einsteiger with Maria Schmidt")
    result = assign(build_threads([post]), series, CASE.conference, AssignmentSettings())
    assert result[0].session_id == "s1"


def test_a_title_inside_a_longer_quoted_title_does_not_count() -> None:
    sessions = (
        make_session("short", "Och Menno", "2026-05-21T10:00:00+02:00", "2026-05-21T11:00:00+02:00", room="A"),
        make_session(
            "long", "Och Menno X Incident Response", "2026-05-22T10:00:00+02:00", "2026-05-22T11:00:00+02:00", room="B"
        ),
    )
    post = make_post("p", "zoe", "2026-05-24T10:05:00+02:00", "Notes: Och Menno X Incident Response")
    result = assign(build_threads([post]), sessions, CASE.conference, AssignmentSettings())
    signals = {c.session_id: {s.name for s in c.signals} for c in result[0].candidates}
    assert result[0].session_id == "long"
    assert "title" not in signals.get("short", set())


def test_session_code_pattern_names_a_session() -> None:
    post = make_post("c1", "zoe", "2026-05-20T10:20:00+02:00", "Loving it #mc-105 #minicon")
    settings = AssignmentSettings(session_code_patterns=[r"#mc-(\d+)"])
    assert filed(placements(posts=(post,), settings=settings))["c1"] == "105"
    assert filed(placements(posts=(post,)))["c1"] is None


def test_extra_hallway_words_are_configurable() -> None:
    post = make_post("h1", "zoe", "2026-05-20T13:15:00+02:00", "Where is the elevator? #minicon")
    assert filed(placements(posts=(post,)))["h1"] == "108"
    settings = AssignmentSettings(hallway_words=["elevator"])
    assert filed(placements(posts=(post,), settings=settings))["h1"] is None


def test_no_programme_sends_everything_to_the_hallway() -> None:
    result = assign(build_threads(CASE.posts), (), CASE.conference, AssignmentSettings())
    assert {p.session_id for p in result} == {None}


def test_explain_lists_candidates_and_signal_contributions() -> None:
    text = explain("p2", placements(), CASE.sessions)
    assert "decision 102 'Rust im Bibliothekskatalog: Sicher und schnell'" in text
    assert "part of this thread" in text
    for signal in ("time", "title", "room"):
        assert f"         {signal}" in text
    assert "not in any thread" in explain("nope", placements())


def test_explain_shows_why_a_post_went_to_the_hallway() -> None:
    text = explain("p7", placements())
    assert "decision hallway" in text and "lunch" in text


def _crowded_programme() -> list:
    """Twenty rooms at once, each talk with one word no other talk that hour has; the next day's talks
    use the same words, so none of them is rare in the programme as a whole."""
    words = ["tardigrade", "zeppelin", "quasar", "origami", "bagpipe", "monsoon", "glacier", "lantern", "walrus",
             "sextant", "obelisk", "kelp", "mosaic", "falcon", "saffron", "tundra", "cobalt", "juniper", "marimba",
             "vortex"]
    return [
        make_session(str(day * 100 + 300 + i), f"Talk number {i}", f"2026-06-1{day + 1}T10:00:00+02:00",
                     f"2026-06-1{day + 1}T10:30:00+02:00", room=f"Hall {i}",
                     abstract=f"An hour about the {word} and other matters.")
        for day in range(4)
        for i, word in enumerate(words)
    ]


def test_among_many_parallel_sessions_one_distinctive_word_still_decides() -> None:
    sessions = _crowded_programme()
    post = make_post("c1", "kim", "2026-06-11T10:06:00+02:00", "the tardigrade part was great #minicon")
    demanding = AssignmentSettings(threshold=0.99)  # stands in for a probability spread thin over many rooms
    (placement,) = assign(build_threads([post]), sessions, CASE.conference, demanding)
    assert placement.session_id == "300"
    assert placement.confidence < demanding.threshold
    no_favourites = AssignmentSettings(threshold=0.99, favourite_ratio=1000.0)
    (hallway,) = assign(build_threads([post]), sessions, CASE.conference, no_favourites)
    assert hallway.session_id is None


def test_among_many_parallel_sessions_time_alone_is_no_favourite() -> None:
    post = make_post("c2", "kim", "2026-06-11T10:06:00+02:00", "great stuff #minicon")
    (placement,) = assign(build_threads([post]), _crowded_programme(), CASE.conference, DEFAULTS)
    assert placement.session_id is None


def _tracks_programme() -> list:
    """Three rooms at a time; on the first morning only room 1 is about 'practice', on the other days
    every talk is, so the word is common in the programme as a whole."""
    def talk(day: int, slot: int, room: int, topic: str):
        start = f"2026-06-{11 + day}T{10 + slot:02d}:00:00+02:00"
        end = f"2026-06-{11 + day}T{10 + slot:02d}:45:00+02:00"
        return make_session(f"{day}{slot}{room}", f"Open data and {topic}", start, end, room=f"Room {room}")

    first = [talk(0, 0, room, topic) for room, topic in enumerate(("history", "practice", "theory"))]
    later = [talk(day, slot, room, "practice") for day in (1, 2, 3) for slot in range(3) for room in range(3)]
    return first + later


def test_a_word_common_in_the_programme_but_unique_among_the_running_talks_decides() -> None:
    sessions = _tracks_programme()
    post = make_post("t1", "kim", "2026-06-11T10:10:00+02:00", "So much practice wisdom here #minicon")
    (placement,) = assign(build_threads([post]), sessions, CASE.conference, DEFAULTS)
    assert placement.session_id == "001"
    chosen = next(c for c in placement.candidates if c.session_id == "001")
    text = next(s for s in chosen.signals if s.name == "text")
    assert text.score > DEFAULTS.weights.text * 0.5  # counts like a distinctive word, not like 'open' or 'data'


def test_french_and_spanish_function_words_match_no_talk() -> None:
    sessions = [
        make_session("fr", "Les défis de la préservation numérique", "2026-06-11T10:00:00+02:00",
                     "2026-06-11T10:45:00+02:00", room="Salle A"),
        make_session("es", "Los retos de la soberanía tecnológica", "2026-06-11T10:00:00+02:00",
                     "2026-06-11T10:45:00+02:00", room="Sala B"),
    ]
    post = make_post("p1", "kim", "2026-06-11T10:10:00+02:00", "Sigo pensando en la charla sobre préservation")
    (placement,) = assign(build_threads([post]), sessions, CASE.conference, DEFAULTS)
    assert placement.session_id == "fr"
    (spanish,) = [c for c in placement.candidates if c.session_id == "es"]
    assert all(s.name != "text" for s in spanish.signals)  # 'la', 'sobre', 'charla' are no topic


def test_looking_back_goes_to_the_talk_its_author_has_just_left() -> None:
    """The author live-posted in two walrus talks; an hour after the first and minutes after the
    second, "that talk" is the second one (the first is no longer continuity, and far in time)."""
    sessions = [
        make_session("w1", "Walrus mornings", "2026-06-11T09:00:00+02:00", "2026-06-11T09:30:00+02:00",
                     room="Hall 1", abstract="Field notes on the walrus colony."),
        make_session("w2", "Walrus noon", "2026-06-11T10:00:00+02:00", "2026-06-11T10:20:00+02:00",
                     room="Hall 2", abstract="Counting every walrus from the air."),
        *(make_session(f"x{i}", f"Parallel talk {i}", "2026-06-11T10:00:00+02:00", "2026-06-11T10:20:00+02:00",
                       room=f"Hall {i + 3}", abstract="Something else entirely.") for i in range(6)),
    ]
    posts = [
        make_post("k1", "kim", "2026-06-11T09:05:00+02:00", 'Now: "Walrus mornings" #minicon'),
        make_post("k2", "kim", "2026-06-11T10:04:00+02:00", 'Now: "Walrus noon" #minicon'),
        make_post("k3", "kim", "2026-06-11T10:31:00+02:00", "Still thinking about that talk on walrus. #minicon"),
    ]
    result = filed(assign(build_threads(posts), sessions, CASE.conference, DEFAULTS))
    assert result == {"k1": "w1", "k2": "w2", "k3": "w2"}


def _two_slots_in_ten_rooms() -> list:
    """Ten rooms, two slots; in the second slot the talks in Hall 3 and Hall 5 both speak of kelp."""
    def talk(slot: int, room: int) -> object:
        start, end = ("09:00", "09:30") if slot == 0 else ("09:40", "10:10")
        abstract = "Farming kelp along the coast." if slot == 1 and room in (3, 5) else f"Topic {slot}-{room}."
        return make_session(f"s{slot}r{room}", f"Talk {slot}-{room}", f"2026-06-11T{start}:00+02:00",
                            f"2026-06-11T{end}:00+02:00", room=f"Hall {room}", abstract=abstract)

    return [talk(slot, room) for slot in (0, 1) for room in range(10)]


def test_a_weak_clue_is_tipped_towards_the_room_the_author_stayed_in() -> None:
    posts = [
        make_post("r1", "kim", "2026-06-11T09:05:00+02:00", 'Now: "Talk 0-3" #minicon'),
        make_post("r2", "kim", "2026-06-11T09:50:00+02:00", "kelp, who knew #minicon"),
    ]
    sessions = _two_slots_in_ten_rooms()
    result = assign(build_threads(posts), sessions, CASE.conference, DEFAULTS)
    assert filed(result) == {"r1": "s0r3", "r2": "s1r3"}
    stay = next(s for s in result[1].candidates[0].signals if s.name == "stay")
    assert "Hall 3" in stay.detail
    undecided = filed(assign(build_threads(posts), sessions, CASE.conference, AssignmentSettings(stay_share=0.0)))
    assert undecided["r2"] is None  # without the prior, kelp alone cannot tell Hall 3 from Hall 5


def test_staying_in_the_room_alone_never_places_a_thread() -> None:
    posts = [
        make_post("r1", "kim", "2026-06-11T09:05:00+02:00", 'Now: "Talk 0-3" #minicon'),
        make_post("r3", "kim", "2026-06-11T09:50:00+02:00", "Great point. #minicon"),
    ]
    assert filed(assign(build_threads(posts), _two_slots_in_ten_rooms(), CASE.conference, DEFAULTS))["r3"] is None


def test_a_live_post_is_about_the_running_talk_before_one_that_has_just_ended() -> None:
    sessions = [
        make_session("old", "Kelp forests", "2026-06-11T09:00:00+02:00", "2026-06-11T09:30:00+02:00", room="Hall 1"),
        make_session("now", "Kelp farming", "2026-06-11T09:35:00+02:00", "2026-06-11T10:05:00+02:00", room="Hall 2"),
    ]
    post = make_post("k1", "kim", "2026-06-11T09:40:00+02:00", "So much kelp! #minicon")
    (placement,) = assign(build_threads([post]), sessions, CASE.conference, DEFAULTS)
    scores = {c.session_id: c.score for c in placement.candidates}
    assert placement.session_id == "now" and scores["now"] > 3 * scores["old"]
    looking_back = make_post("k2", "kim", "2026-06-11T09:40:00+02:00", "Still thinking about that talk on kelp #minicon")
    (reflection,) = assign(build_threads([looking_back]), sessions, CASE.conference, DEFAULTS)
    assert reflection.session_id == "old"


def test_days_later_a_word_of_an_abstract_alone_does_not_name_a_session() -> None:
    sessions = [
        make_session("m1", "Methodical superstructures", "2026-06-11T09:00:00+02:00", "2026-06-11T09:30:00+02:00",
                     room="Hall 1", abstract="Follow the granular plan, follow it twice."),
        make_session("m2", "Seamless moderators", "2026-06-11T09:00:00+02:00", "2026-06-11T09:30:00+02:00",
                     room="Hall 2", abstract="Moderation at scale."),
    ]
    prose = make_post("b1", "ana", "2026-06-16T14:30:00+02:00", "Why I follow conferences online")
    named = make_post("b2", "ana", "2026-06-16T15:30:00+02:00", "Notes: methodical superstructures")
    result = filed(assign(build_threads([prose, named]), sessions, CASE.conference, DEFAULTS))
    assert result == {"b1": None, "b2": "m1"}



OVERVIEW_OF_THREE_TALKS = """
from aggregator.assignment import AssignmentSettings, assign
from aggregator.threads import build_threads
from tests.assignment.builders import load_case, make_post, make_session

pages = [f"https://conf.example/talk/{n}/" for n in (200, 201, 202)]
sessions = tuple(
    make_session(str(200 + i), title, "2026-05-20T10:00:00+02:00", "2026-05-20T10:45:00+02:00", room=room, url=pages[i])
    for i, (title, room) in enumerate([("Mapping rivers", "Aula"), ("Mending ledgers", "Forum"), ("Weaving wool", "Lab")])
)
post = make_post("o1", "zoe", "2026-05-20T09:50:00+02:00", "Coming up: " + " ".join(pages), links=pages)
print(assign(build_threads((post,)), sessions, load_case().conference, AssignmentSettings())[0].reason)
"""


def test_the_same_posts_give_the_same_placements_whatever_the_hash_seed() -> None:
    import os
    import subprocess
    import sys

    from tests.paths import REPO

    reasons = {
        subprocess.run(
            [sys.executable, "-c", OVERVIEW_OF_THREE_TALKS], cwd=REPO, capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in range(1, 5)  # seed 3 listed them as (201, 200, 202) when ties kept the evidence's set order
    }  # fmt: skip
    assert reasons == {"an overview: names several sessions as strongly (200, 201, 202)\n"}  # equal links: in programme order
