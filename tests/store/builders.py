"""Posts for the store tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from aggregator.models import Author, LinkCard, Media, Post

START = datetime(2027, 3, 2, 15, 0, tzinfo=UTC)


def make_post(n: int, **changes) -> Post:
    post = Post(
        id=f"at://did:plc:alice/app.bsky.feed.post/{n}",
        source="bluesky",
        url=f"https://bsky.app/profile/alice.example/post/{n}",
        author=Author(id="did:plc:alice", handle="alice.example", display_name="Alice"),
        created_at=START + timedelta(minutes=n),
        text=f"post {n} #c4l27",
        html=f"<p>post {n} #c4l27</p>",
        hashtags=("c4l27",),
        media=(Media(kind="image", url="https://cdn.example/i.jpg", alt="A slide"),),
        card=LinkCard(url="https://slides.example/1", title="Slides"),
    )
    return replace(post, **changes)


def mastodon_original() -> Post:
    return replace(
        make_post(1),
        id="https://glammr.example/users/alice/statuses/1",
        source="mastodon",
        url="https://glammr.example/@alice/1",
        author=Author(id="https://glammr.example/@alice", handle="@alice@glammr.example"),
    )


def bridged_copy() -> Post:
    return replace(make_post(2), canonical_url="https://glammr.example/@alice/1")
