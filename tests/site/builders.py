"""A small, fully specified Digest for the renderer tests: two days of programme, parallel
rooms, a live-thread with a continuation and someone else's reply, media, a link card, a
quote, a content warning, a blog post, hallway posts, and hostile text in names, alt text,
titles and HTML to prove everything is escaped or sanitized."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from typing import Any

from aggregator.models import (
    Author,
    Conference,
    Digest,
    LinkCard,
    Media,
    Placement,
    Post,
    Session,
    Thread,
)

CHICAGO = timezone(timedelta(hours=-6))  # March 2027 in America/Chicago, before DST starts
HOSTILE = '<script>alert("owned")</script>'
HOSTILE_ALT = 'A slide reading "Linked data" <img src=x onerror=alert(1)>'
SITE_URL = "https://example.org/libcamp27/"

ALICE = Author(
    id="did:plc:alice",
    handle="alice.bsky.social",
    display_name=f"Alice {HOSTILE}",
    url="https://bsky.app/profile/alice.bsky.social",
)
BOB = Author(
    id="https://glammr.us/users/bob",
    handle="@bob@glammr.us",
    display_name="Bob Example",
    url="https://glammr.us/@bob",
)
CAROL = Author(id="carol@example.net", handle="Carol Blogger", url="javascript:alert(1)")
DAN = Author(id="did:plc:dan", handle="dan.example.com", url="https://bsky.app/profile/dan.example.com")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment on 1-3 March 2027, Chicago local time."""
    return datetime(2027, 3, day, hour, minute, tzinfo=CHICAGO)


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return at(day, hour, minute).astimezone(UTC)


def bluesky_post(author: Author, rkey: str, created_at: datetime, text: str, **fields: Any) -> Post:
    """A Bluesky post whose id and address follow from its author and record key; HTML: its text."""
    post_id, url = f"at://{author.id}/app.bsky.feed.post/{rkey}", f"https://bsky.app/profile/{author.handle}/post/{rkey}"
    return Post(post_id, "bluesky", url, author, created_at, text, **{"html": f"<p>{text}</p>", **fields})


def mastodon_post(author: Author, number: int, created_at: datetime, text: str, **fields: Any) -> Post:
    """A Mastodon status whose uri and address follow from its author and number; HTML: its text."""
    post_id, url = f"{author.id}/statuses/{number}", f"{author.url}/{number}"
    return Post(post_id, "mastodon", url, author, created_at, text, **{"html": f"<p>{text}</p>", **fields})


KEYNOTE = Session(
    id="101",
    title="Opening keynote: Libraries as infrastructure",
    start=at(2, 9),
    end=at(2, 10),
    room="Main Hall",
    speakers=("Dr. Ada Keynote",),
    abstract="Why libraries run the roads of knowledge.\n\nA look at shared systems.",
    description="The long version: roads, bridges and catalogues.",
    url="https://programme.example.org/events/101",
    links=("https://slides.example.org/keynote",),
    kind="Keynote",
)
METADATA = Session(
    id="102",
    title=f"Metadata {HOSTILE} for everyone",
    start=at(2, 10, 30),
    end=at(2, 11, 15),
    room="Room B",
    speakers=("Grace Cataloguer", "Hal Schema"),
    abstract="Hostile abstract <b>bold</b> & more.",
    track="Metadata",
)
LIGHTNING = Session(
    id="103",
    title="Lightning talks",
    start=at(2, 10, 30),
    end=at(2, 11, 15),
    room="Room C",
)
ICAL = Session(
    id="A1B2C3@programme.example.org",
    title="Closing panel",
    start=at(3, 16),
    end=at(3, 17),
    room="Main Hall",
)
SESSIONS = (KEYNOTE, METADATA, LIGHTNING, ICAL)

ROOT = bluesky_post(
    ALICE,
    "3kroot",
    utc(2, 9, 5),
    "Keynote starting: libraries are infrastructure! #libcamp27",
    html='<p>Keynote starting: libraries are infrastructure! <a href="https://bsky.app/hashtag/libcamp27">#libcamp27</a></p>',
    lang="en",
    hashtags=("libcamp27",),
    links=("https://slides.example.org/keynote",),
    like_count=4,
    card=LinkCard(
        url="https://slides.example.org/keynote",
        title=f"Slides {HOSTILE}",
        description="The keynote slides",
        thumb="https://cdn.example.org/card.jpg",
    ),
)
CONTINUATION = bluesky_post(
    ALICE,
    "3kcont",
    utc(2, 9, 20),
    "The slide on shared cataloguing:\x0b",
    html="<p>The slide on shared cataloguing:\x0b</p><script>alert(2)</script>",
    reply_parent=ROOT.id,
    reply_root=ROOT.id,
    media=(
        Media(kind="image", url="https://cdn.example.org/slide.jpg", alt=HOSTILE_ALT, width=1200, height=800),
        Media(kind="video", url="https://video.example.org/clip.m3u8", thumb="https://cdn.example.org/clip.jpg",
              alt="Speaker waving"),
        Media(kind="image", url="https://cdn.example.org/undescribed.jpg"),
    ),
    links=("https://video.example.org/recordings/keynote", "https://catalogue.example.org/shared?x=1#frag"),
    like_count=12,
    repost_count=3,
    reply_count=1,
)  # fmt: skip
QUOTED = bluesky_post(DAN, "3kquoted", utc(1, 18), "Looking forward to the keynote tomorrow")
REPLY = mastodon_post(
    BOB,
    111,
    utc(2, 9, 30),
    "Agreed, and see this earlier post",
    html='<p>Agreed, and see <a href="javascript:alert(3)" onclick="x()">this</a> earlier post</p>',
    reply_parent=CONTINUATION.id,
    reply_root=ROOT.id,
    quote=QUOTED,
    quote_id=QUOTED.id,
    links=(QUOTED.url, "https://Catalogue.example.org/shared/?x=1"),
    content_warning="Spoilers for the closing panel",
    like_count=2,
)
KEYNOTE_THREAD = Thread(root=ROOT, posts=(ROOT, CONTINUATION, REPLY), conversation=frozenset({REPLY.id}))

BLOG = Post(
    id="https://blog.example.net/?p=42",
    source="feed",
    url="https://blog.example.net/2027/03/metadata-recap/",
    author=CAROL,
    created_at=utc(2, 11),
    title=f"Recap: {HOSTILE}",
    text="What I learned about metadata.",
    html='<p>What I learned about <em>metadata</em>.</p><iframe src="https://evil.example"></iframe>',
)
BLOG_THREAD = Thread(root=BLOG, posts=(BLOG,))

HALLWAY = mastodon_post(BOB, 222, utc(2, 12, 30), "Lunch queue is long", labels=("graphic-media",))
ORPHAN = Post(
    id="feed-entry-without-scheme 7",
    source="feed",
    url="https://blog.example.net/orphan",
    author=CAROL,
    created_at=utc(3, 8),
    title="Notes filed under a session the programme dropped",
    text="Orphaned notes",
    html="",
)
ICAL_POST = bluesky_post(DAN, "3kpanel", utc(3, 16, 10), "Panel time")

CONFERENCE = Conference(
    name=f"LibCamp 2027 {HOSTILE}",
    hashtags=("libcamp27",),
    timezone="America/Chicago",
    start=at(2, 9),
    end=at(3, 17),
    description="A small library conference.",
)


def build_digest(*, site_url: str = "") -> Digest:
    conference = dataclasses.replace(CONFERENCE, site_url=site_url)
    return Digest(
        conference=conference,
        sessions=SESSIONS,
        placements=(
            Placement(thread=BLOG_THREAD, session_id=METADATA.id, confidence=0.8, reason="text"),
            Placement(thread=KEYNOTE_THREAD, session_id=KEYNOTE.id, confidence=0.9, reason="time"),
            Placement(thread=Thread(root=HALLWAY, posts=(HALLWAY,)), session_id=None),
            Placement(thread=Thread(root=ORPHAN, posts=(ORPHAN,)), session_id="dropped-999"),
            Placement(thread=Thread(root=ICAL_POST, posts=(ICAL_POST,)), session_id=ICAL.id),
        ),
        generated_at=datetime(2027, 3, 5, 12, 0, tzinfo=UTC),
    )


def all_posts() -> tuple[Post, ...]:
    return (ROOT, CONTINUATION, REPLY, BLOG, HALLWAY, ORPHAN, ICAL_POST)


VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


class PageOutline(HTMLParser):
    """What the tests check in a rendered page: every element with its attributes, the
    headings in order, the text, and whether every non-void element was closed in order."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.headings: list[tuple[int, str]] = []
        self.text_parts: list[str] = []
        self.nesting_errors: list[str] = []
        self._open: list[str] = []
        self._heading_text: list[str] | None = None
        self.feed(html)
        self.close()
        if self._open:
            self.nesting_errors.append(f"unclosed: {self._open}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        if tag not in VOID_ELEMENTS:
            self._open.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self._heading_text = []

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1] != tag:
            self.nesting_errors.append(f"</{tag}> closes {self._open[-1:] or 'nothing'}")
            return
        self._open.pop()
        if re.fullmatch(r"h[1-6]", tag) and self._heading_text is not None:
            self.headings.append((int(tag[1]), " ".join("".join(self._heading_text).split())))
            self._heading_text = None

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)
        if self._heading_text is not None:
            self._heading_text.append(data)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        """Elements named ``tag`` whose attributes include ``attrs`` (class_ matches one class)."""
        wanted_class = attrs.pop("class_", None)
        return [
            found
            for name, found in self.elements
            if name == tag
            and all(found.get(key) == value for key, value in attrs.items())
            and (wanted_class is None or wanted_class in found.get("class", "").split())
        ]
