"""Thread reconstruction: self-threads, others' replies, orphans, broken data."""

from __future__ import annotations

from aggregator.threads import build_threads, split_thread
from tests.assignment.builders import make_post


def post(id: str, author: str, minute: int, **fields):
    return make_post(id, author, f"2026-05-20T10:{minute:02d}:00+02:00", f"text of {id}", **fields)


def by_root(threads):
    return {t.id: [p.id for p in t.posts] for t in threads}


def test_self_replies_join_their_root_in_time_order() -> None:
    posts = [post("c", "ann", 3, reply_parent="b"), post("a", "ann", 1), post("b", "ann", 2, reply_parent="a")]
    threads = build_threads(posts)
    assert by_root(threads) == {"a": ["a", "b", "c"]}
    assert threads[0].conversation == frozenset()


def test_others_replies_are_conversation_by_default() -> None:
    posts = [post("a", "ann", 1), post("r", "bob", 2, reply_parent="a"), post("s", "ann", 3, reply_parent="r")]
    (thread,) = build_threads(posts)
    assert [p.id for p in thread.posts] == ["a", "r", "s"]
    assert thread.conversation == {"r"}
    assert [p.id for p in thread.own_posts] == ["a", "s"]


def test_others_replies_can_start_their_own_threads() -> None:
    posts = [post("a", "ann", 1), post("r", "bob", 2, reply_parent="a"), post("r2", "bob", 4, reply_parent="r")]
    assert by_root(build_threads(posts, replies="separate")) == {"a": ["a"], "r": ["r", "r2"]}


def test_others_replies_can_be_dropped_keeping_the_authors_answers() -> None:
    posts = [post("a", "ann", 1), post("r", "bob", 2, reply_parent="a"), post("s", "ann", 3, reply_parent="r")]
    assert by_root(build_threads(posts, replies="none")) == {"a": ["a", "s"]}


def test_root_fallback_when_the_parent_is_unknown() -> None:
    posts = [post("a", "ann", 1), post("c", "ann", 3, reply_parent="missing", reply_root="a")]
    assert by_root(build_threads(posts)) == {"a": ["a", "c"]}


def test_orphans_become_roots() -> None:
    posts = [post("o", "ann", 5, reply_parent="gone", reply_root="gone-too"), post("a", "bob", 1)]
    assert by_root(build_threads(posts)) == {"a": ["a"], "o": ["o"]}


def test_parent_may_be_named_by_url() -> None:
    posts = [
        post("a", "ann", 1, url="https://m.example/@ann/1"),
        post("b", "ann", 2, reply_parent="https://m.example/@ann/1"),
    ]
    assert by_root(build_threads(posts)) == {"a": ["a", "b"]}


def test_duplicates_are_kept_once_and_cycles_do_not_hang() -> None:
    posts = [post("a", "ann", 1, reply_parent="b"), post("b", "ann", 2, reply_parent="a"), post("a", "ann", 1)]
    threads = build_threads(posts)
    assert sorted(p.id for t in threads for p in t.posts) == ["a", "b"]


def test_threads_are_sorted_by_start_and_root_comes_first_despite_clock_skew() -> None:
    posts = [post("late", "bob", 9), post("root", "ann", 5), post("skewed", "ann", 4, reply_parent="root")]
    threads = build_threads(posts)
    assert [t.id for t in threads] == ["root", "late"]
    assert threads[0].posts[0].id == "root"


def test_a_thread_splits_before_the_authors_first_own_post_from_the_moment_on() -> None:
    posts = [
        post("a", "ann", 1), post("r", "bob", 2, reply_parent="a"), post("b", "ann", 5, reply_parent="a"),
        post("r2", "bob", 6, reply_parent="b"), post("c", "ann", 9, reply_parent="b"),
    ]
    (thread,) = build_threads(posts)
    earlier, later = split_thread(thread, post("x", "ann", 4).created_at) or (None, None)
    assert earlier is not None and later is not None
    assert [p.id for p in earlier.posts] == ["a", "r"] and earlier.conversation == {"r"}
    assert [p.id for p in later.posts] == ["b", "r2", "c"] and later.root.id == "b" and later.conversation == {"r2"}


def test_a_thread_with_no_own_post_after_the_moment_is_not_split() -> None:
    (thread,) = build_threads([post("a", "ann", 1), post("r", "bob", 7, reply_parent="a")])
    assert split_thread(thread, post("x", "ann", 4).created_at) is None
    assert split_thread(thread, post("x", "ann", 0).created_at) is None
