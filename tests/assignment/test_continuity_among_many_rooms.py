"""An author confidently in one of many parallel talks stays there (issue #8, generated sets of 26-72
rooms): their content-free posts while it runs ("Great point.") are filed under it, though the
probability of any one of 30 rooms never reaches the threshold. Hallway talk stays in the hallway,
and the same post by someone not placed anywhere is no guess."""

from __future__ import annotations

from aggregator.assignment import AssignmentEngine, AssignmentSettings
from aggregator.models import Conference, Placement, Post
from aggregator.threads import build_threads
from tests.assignment.builders import make_post, make_session

DAY = "2027-02-06T"
ROOMS = 30
TOPICS = ("compilers", "gardens", "satellites", "ledgers", "printers", "bicycles", "tunnels", "orchestras",
          "glaciers", "kernels")
PROGRAMME = tuple(
    make_session(f"s{room}", f"{TOPICS[room % len(TOPICS)].title()} volume {room}", f"{DAY}10:00:00+01:00",
                 f"{DAY}10:40:00+01:00", room=f"Hall {room}", abstract=f"Notes on {TOPICS[room % len(TOPICS)]}.")
    for room in range(ROOMS)
)
CONFERENCE = Conference("FOSDEM-like", ("fosdemlike",), "Europe/Brussels")


def _post(post_id: str, author: str, clock: str, text: str) -> Post:
    return make_post(post_id, author, f"{DAY}{clock}:00+01:00", text)


def _placed(*posts: Post) -> dict[str, Placement]:
    engine = AssignmentEngine(PROGRAMME, CONFERENCE, AssignmentSettings())
    return {p.thread.id: p for p in engine.assign(build_threads(posts))}


def test_a_content_free_post_follows_the_authors_confident_thread_in_the_running_talk() -> None:
    placed = _placed(
        _post("ann-1", "ann", "10:05", 'Now: "Glaciers volume 8" #fosdemlike'),
        _post("ann-2", "ann", "10:21", "Great point. #fosdemlike"),
    )
    assert placed["ann-1"].session_id == "s8"
    assert placed["ann-2"].session_id == "s8"
    assert any(s.name == "continuity" for s in placed["ann-2"].candidates[0].signals)


def test_hallway_talk_by_an_author_in_a_talk_stays_in_the_hallway() -> None:
    placed = _placed(
        _post("ann-1", "ann", "10:05", 'Now: "Glaciers volume 8" #fosdemlike'),
        _post("ann-2", "ann", "10:21", "Lunch was excellent #fosdemlike"),
    )
    assert placed["ann-2"].session_id is None


def test_the_same_post_by_an_author_placed_nowhere_goes_to_the_hallway() -> None:
    placed = _placed(
        _post("ann-1", "ann", "10:05", 'Now: "Glaciers volume 8" #fosdemlike'),
        _post("bob-1", "bob", "10:21", "Great point. #fosdemlike"),
    )
    assert placed["bob-1"].session_id is None
