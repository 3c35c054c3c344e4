"""A live-thread kept across two consecutive talks in one room (issue #8): split where the next
talk begins when the later posts are about it, each part filed under its own talk and linked to
the other; kept whole when only the clock says the next talk has begun."""

from __future__ import annotations

from aggregator.assignment import AssignmentSettings, assign, explain
from aggregator.models import Placement, Post
from aggregator.threads import build_threads
from tests.assignment.builders import USER_2019, make_post, user2019_talk, user2019_time

TIDYR = user2019_talk(
    "tidy", "Enhancements to data tidying", "11:30", "11:48", room="Concorde", speakers=("Hadley Wickham",),
    abstract="pivot_longer and pivot_wider replace spread and gather in tidyr",
)
DPLYR = user2019_talk(
    "dplyr", "n() cool #dplyr things", "11:48", "12:06", room="Concorde", speakers=("Romain François",),
    abstract="group_split, group_map and summarise returning several rows in dplyr",
)
BOX = user2019_talk(
    "box", "Data Science in a Box", "11:30", "12:06", room="Cassiopée", speakers=("Mine Çetinkaya-Rundel",),
    abstract="a complete course for teaching introductory data science",
)
PROGRAMME = (TIDYR, DPLYR, BOX)


def _thread(author: str, posts: list[tuple[str, str, str]]) -> list[Post]:
    """One author's self-replying live-thread: (id, clock time, text) per post."""
    built: list[Post] = []
    for post_id, clock, text in posts:
        post = make_post(post_id, author, user2019_time(clock), text)
        if built:
            post = Post(**{**post.__dict__, "reply_parent": built[-1].id, "reply_root": built[0].id})
        built.append(post)
    return built


def _placements(posts: list[Post]) -> list[Placement]:
    return list(assign(build_threads(posts), PROGRAMME, USER_2019, AssignmentSettings()))


def _session_of_each_post(placements: list[Placement]) -> dict[str, str | None]:
    return {post.id: p.session_id for p in placements for post in p.thread.posts}


RUNS_ON_INTO_DPLYR = _thread("ann", [
    ("a1", "11:32", "Hadley Wickham on tidyr: pivot_longer and pivot_wider replace spread and gather"),
    ("a2", "11:40", "pivot_wider takes names_from and values_from, so much clearer than spread"),
    ("a3", "11:50", "Next up Romain François: n() cool dplyr things, group_split and group_map"),
    ("a4", "11:58", "summarise can now return several rows per group!"),
])


def test_a_thread_whose_later_posts_name_the_next_talk_is_split_at_its_start() -> None:
    placements = _placements(RUNS_ON_INTO_DPLYR)
    assert _session_of_each_post(placements) == {"a1": "tidy", "a2": "tidy", "a3": "dplyr", "a4": "dplyr"}
    first, second = sorted(placements, key=lambda p: p.thread.started_at)
    assert (first.continued_from, first.continued_in) == (None, "a3")
    assert (second.continued_from, second.continued_in) == ("a1", None)
    assert second.thread.root.id == "a3" and second.thread.author == first.thread.author


def test_explain_shows_the_split() -> None:
    placements = _placements(RUNS_ON_INTO_DPLYR)
    account = explain("a4", placements, PROGRAMME)
    assert "decision dplyr" in account
    assert "continued from" in account and "a1" in account and "tidy" in account
    assert "continued in" in explain("a1", placements, PROGRAMME)


def test_a_thread_whose_later_posts_do_not_point_to_the_next_talk_is_kept_whole() -> None:
    posts = _thread("bob", [
        ("b1", "11:33", "Hadley Wickham on tidyr: pivot_longer and pivot_wider replace spread and gather"),
        ("b2", "11:44", "pivot_longer names_to and values_to, lovely"),
        ("b3", "11:51", "still thinking about how much clearer this is"),
        ("b4", "11:55", "great stuff, off for a coffee"),
    ])
    placements = _placements(posts)
    assert len(placements) == 1
    assert placements[0].session_id == "tidy" and placements[0].continued_in is None


def test_a_thread_in_the_next_talks_time_but_about_another_room_is_not_split_to_it() -> None:
    posts = _thread("cat", [
        ("c1", "11:34", "Hadley Wickham on tidyr: pivot_longer and pivot_wider replace spread and gather"),
        ("c2", "11:52", "pivot_wider values_fill is the bit I needed"),
    ])
    placements = _placements(posts)
    assert [p.session_id for p in placements] == ["tidy"]


def test_a_thread_naming_both_talks_is_split_rather_than_sent_to_the_hallway() -> None:
    posts = _thread("dee", [
        ("d1", "11:31", "Enhancements to data tidying by Hadley Wickham: pivot_longer and pivot_wider"),
        ("d2", "11:41", "pivot_wider names_from values_from"),
        ("d3", "11:49", "Now n() cool #dplyr things by Romain François: group_split and group_map"),
        ("d4", "11:57", "summarise returning several rows"),
    ])
    assert _session_of_each_post(_placements(posts)) == {"d1": "tidy", "d2": "tidy", "d3": "dplyr", "d4": "dplyr"}


def test_later_posts_as_much_about_the_first_talk_are_not_split_off_on_the_clock() -> None:
    """Scored alone, the 11:54 post goes to the running dplyr talk on time, but its text says a
    little more for tidyr ("pivot_wider") than for dplyr ("rows per group"): no split."""
    posts = _thread("eve", [
        ("e1", "11:33", "Hadley Wickham on tidyr: pivot_longer and pivot_wider replace spread and gather"),
        ("e2", "11:43", "pivot_longer names_to and values_to"),
        ("e3", "11:54", "pivot_wider gives several rows per group"),
    ])
    assert [p.session_id for p in _placements(posts)] == ["tidy"]
