"""A huge post is stored and published shortened, with its link to the original (issue #9)."""

from __future__ import annotations

from datetime import UTC, datetime

from aggregator.collectors.bounds import SHORTENED, bounded_post
from aggregator.models import Author, Post


def test_a_50_mb_post_is_cut_to_the_cap_and_says_where_the_rest_is() -> None:
    huge = "x" * 50_000_000
    post = Post(
        id="https://blog.example/huge", source="feed", url="https://blog.example/huge",
        author=Author(id="a", handle="a" * 1_000_000), created_at=datetime(2027, 3, 2, tzinfo=UTC),
        text=huge, html=f"<p>{huge}</p>", title=huge, links=tuple(f"https://l.example/{i}" for i in range(5000)),
    )  # fmt: skip
    bounded = bounded_post(post, 100 * 1024)
    assert len(bounded.text) <= 100 * 1024 + len(SHORTENED) and bounded.text.endswith(SHORTENED)
    assert len(bounded.html) < 100 * 1024 + 200 and 'href="https://blog.example/huge"' in bounded.html
    assert len(bounded.title) <= 10 * 1024 and len(bounded.author.handle) <= 10 * 1024
    assert len(bounded.links) == 1000


def test_an_ordinary_post_is_unchanged() -> None:
    post = Post(
        id="p", source="feed", url="https://blog.example/p", author=Author(id="a", handle="alice"),
        created_at=datetime(2027, 3, 2, tzinfo=UTC), text="hello", html="<p>hello</p>",
    )  # fmt: skip
    assert bounded_post(post, 100 * 1024) == post
