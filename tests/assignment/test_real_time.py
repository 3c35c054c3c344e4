"""Real posts about time: keynote reflections an hour later, blocks named by their track,
rooms that count only near their sessions' time (issue #8)."""

from __future__ import annotations

from datetime import datetime

from aggregator.assignment import AssignmentSettings, assign
from aggregator.assignment.timing import TimeIndex
from aggregator.models import Post, Session
from aggregator.threads import build_threads
from tests.assignment.builders import USER_2019 as CONFERENCE
from tests.assignment.builders import filed_threads, make_post, user2019_talk, user2019_time


def talk(id: str, start: str, end: str, room: str, title: str, **fields: object) -> Session:
    return user2019_talk(id, title, start, end, room=room, **fields)


KEYNOTE = talk(
    "key",
    "10:00",
    "11:00",
    "Hall",
    "R for better science in less time",
    speakers=("Julia Lowndes",),
    track="Keynote",
    abstract="open data science for the ocean health index",
)
PARALLEL = tuple(
    talk(f"{room}{start}", start, end, room, f"Talk {n} in {room}", track=track, abstract=words)
    for room, track, words in (
        ("Aula", "Text mining", "topic models for tweets"),
        ("Forum", "Education", "teaching high school math in the united states"),
        ("Lab", "Data handling", "tidy data pivots"),
    )
    for n, (start, end) in enumerate((("11:30", "11:48"), ("11:48", "12:06")))
)
SESSIONS = (KEYNOTE, *PARALLEL)


def filed(*posts: Post) -> dict[str, str | None]:
    return filed_threads(posts, SESSIONS)


at = user2019_time


def test_a_keynote_is_a_plenary_with_a_longer_reflection_window() -> None:
    index = TimeIndex(SESSIONS, lead_minutes=15, reflection_minutes=30)
    found = {SESSIONS[i].id for i in index.candidates(datetime.fromisoformat(at("11:45")))}
    assert "key" in found  # 45 minutes after its end
    assert "Aula11:30" not in {SESSIONS[i].id for i in index.candidates(datetime.fromisoformat(at("12:45")))}


def test_a_single_track_programme_has_no_plenaries() -> None:
    single = tuple(talk(f"t{h}", f"{h}:00", f"{h}:30", "Hall", f"Talk at {h}") for h in range(10, 16))
    assert TimeIndex(single, lead_minutes=15, reflection_minutes=30).plenary == frozenset()


def test_keynote_reflections_come_long_after_its_end() -> None:
    post = make_post("late", "zoe", at("11:37"), "Still buzzing: great keynote from @julialowndes!")
    assert filed(post)["late"] == "key"


def test_a_named_track_picks_the_talk_running_in_that_block() -> None:
    post = make_post("block", "zoe", at("11:40"), "Packed room for the text mining session!")
    assert filed(post)["block"] == "Aula11:30"
    tagged = make_post("tag", "zoe", at("11:55"), "standing room only at #textmining")
    assert filed(tagged)["tag"] == "Aula11:48"


def test_a_room_name_far_from_its_sessions_is_no_evidence() -> None:
    post = make_post("room", "zoe", at("16:30"), "The water refill next to room Forum is broken")
    assert filed(post)["room"] is None


def test_a_programme_clock_off_by_an_hour_is_estimated_and_used() -> None:
    from datetime import timedelta

    from aggregator.assignment.timing import estimate_offset

    named = [(s.start + timedelta(minutes=65 + k % 10), s) for k, s in enumerate(PARALLEL * 3)]
    assert estimate_offset(named) == timedelta(minutes=60)
    assert estimate_offset([(s.start + timedelta(minutes=5), s) for s in PARALLEL * 3]) == timedelta(0)
    assert estimate_offset(named[:3]) == timedelta(0)  # too few to tell


def test_explain_reports_the_clock_offset() -> None:
    from datetime import timedelta

    posts = [
        make_post(f"p{n}", f"u{n}", (s.start + timedelta(minutes=62 + n)).isoformat(), f"Now: {s.title}!")
        for n, s in enumerate(PARALLEL * 3)
    ]
    result = assign(build_threads(posts), SESSIONS, CONFERENCE, AssignmentSettings())
    details = [s.detail for p in result for c in p.candidates for s in c.signals if s.name == "time"]
    assert any("programme clock taken as +60 min off" in d for d in details)
