"""The common model every stage speaks: frozen dataclasses, no service SDK types.

Collectors turn each service's wire format into :class:`Post`; the programme importers
produce :class:`Session`; the thread builder groups posts into :class:`Thread`; the
assignment engine wraps each thread in a :class:`Placement`; the renderer reads a
:class:`Digest`. Nothing downstream of a collector imports feedparser or atproto.

All datetimes are timezone-aware (UTC for posts; sessions carry the programme's offset).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

SourceKind = Literal["bluesky", "mastodon", "feed"]
MediaKind = Literal["image", "video", "gif", "audio", "link"]


@dataclass(frozen=True)
class Author:
    id: str  # stable: a Bluesky DID, a Mastodon account URL, a feed author's name or address
    handle: str  # what readers know them by: alice.bsky.social, @alice@glammr.us, "Alice Example"
    display_name: str = ""
    url: str = ""  # profile page
    avatar: str = ""

    @property
    def name(self) -> str:
        return self.display_name or self.handle


@dataclass(frozen=True)
class Media:
    kind: MediaKind
    url: str  # full-size image, video playlist or file
    alt: str = ""  # the author's description; always kept and shown
    thumb: str = ""
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class LinkCard:
    url: str
    title: str = ""
    description: str = ""
    thumb: str = ""


@dataclass(frozen=True)
class Post:
    """One post, whatever service it came from.

    ``id`` is the original identifier (Bluesky at:// URI, Mastodon status ``uri``, feed
    entry id/guid/link) and the key everywhere: store, exports, overrides.
    ``html`` is already sanitized; ``text`` is plain text for search and matching.
    """

    id: str
    source: SourceKind
    url: str  # the original, for attribution and "view original" links
    author: Author
    created_at: datetime
    text: str
    html: str
    title: str = ""  # blog posts have one; social posts do not
    lang: str = ""
    hashtags: tuple[str, ...] = ()  # lower-case, without '#'
    links: tuple[str, ...] = ()  # every http(s) URL the post points to, full form
    mentions: tuple[str, ...] = ()  # handles/accounts mentioned, without '@'
    media: tuple[Media, ...] = ()
    card: LinkCard | None = None
    quote: Post | None = None  # the quoted post, when it could be resolved
    quote_id: str = ""  # the quoted post's id, even when it could not
    reply_parent: str = ""  # id of the post this one answers
    reply_root: str = ""  # id of the first post of the conversation, when the service says
    content_warning: str = ""  # Mastodon spoiler_text, or a label-derived warning
    labels: tuple[str, ...] = ()  # self-labels such as "nudity"; the renderer decides what to show
    source_names: tuple[str, ...] = ()  # every configured source that yielded it (provenance)
    canonical_url: str = ""  # the original this post is a copy of (e.g. a bridged fediverse or blog post)
    # engagement as the service reported it when the post was last read (0 when unknown)
    like_count: int = 0
    repost_count: int = 0
    reply_count: int = 0

    @property
    def engagement(self) -> int:
        """Likes + reposts + replies, as the service reported them."""
        return self.like_count + self.repost_count + self.reply_count

    def searchable_text(self) -> str:
        """Everything a reader (or the assignment engine) could match on."""
        parts = [self.title, self.text]
        parts.extend(m.alt for m in self.media if m.alt)
        if self.card:
            parts.extend((self.card.title, self.card.description, self.card.url))
        if self.quote:
            parts.append(self.quote.text)
        parts.extend(self.links)
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class Session:
    """One programme event. ``id`` is the programme's own event id (frab/pretalx ``id``, iCal ``UID``)."""

    id: str
    title: str
    start: datetime
    end: datetime
    room: str = ""
    speakers: tuple[str, ...] = ()
    abstract: str = ""  # plain text, HTML stripped
    description: str = ""  # the programme's longer description, when it has one beside the abstract
    track: str = ""
    url: str = ""
    subtitle: str = ""
    language: str = ""
    kind: str = ""  # "Talk", "Workshop", ...
    hashtags: tuple[str, ...] = ()  # per-session tags or codes, lower-case without '#'
    links: tuple[str, ...] = ()  # slides, recordings: evidence when a post links to them
    discovered: bool = False  # True for a time-burst cluster made without a programme

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class Conference:
    name: str
    hashtags: tuple[str, ...]  # lower-case without '#'
    timezone: str  # IANA name
    site_url: str = ""
    start: datetime | None = None  # first and last moment of the programme, when known
    end: datetime | None = None
    description: str = ""
    contact: str = ""  # how readers ask for a post's removal: an e-mail address or a web page


@dataclass(frozen=True)
class Thread:
    """A live-thread: the root post, the author's own continuations, then others' replies.

    ``posts`` is chronological and starts with ``root``. ``conversation`` holds the ids
    of posts by other people (replies kept as conversation, shown marked as such).
    """

    root: Post
    posts: tuple[Post, ...]
    conversation: frozenset[str] = frozenset()

    @property
    def id(self) -> str:
        return self.root.id

    @property
    def author(self) -> Author:
        return self.root.author

    @property
    def started_at(self) -> datetime:
        return self.root.created_at

    @property
    def own_posts(self) -> tuple[Post, ...]:
        return tuple(p for p in self.posts if p.id not in self.conversation)


@dataclass(frozen=True)
class Signal:
    """One piece of evidence for a candidate session, for `aggregator explain`."""

    name: str  # "time", "text", "hashtag", "link", "speaker", "room", "continuity", "override"
    score: float
    detail: str = ""


@dataclass(frozen=True)
class Candidate:
    session_id: str
    score: float  # the probability after the softmax over every candidate and the hallway
    signals: tuple[Signal, ...] = ()
    log_odds: float = 0.0  # the sum of the signals' scores, what the softmax was given


@dataclass(frozen=True)
class Placement:
    """Where one thread was filed and why. ``session_id`` None means the hallway."""

    thread: Thread
    session_id: str | None
    confidence: float = 0.0
    reason: str = ""
    candidates: tuple[Candidate, ...] = ()
    pinned: bool = False  # True when a curator override decided it
    # a live-thread split where it ran on into the next session: the other parts' thread ids
    continued_from: str | None = None
    continued_in: str | None = None


@dataclass(frozen=True)
class ProgrammeClock:
    """How far off the assignment took the programme's clock to be, from the posts themselves."""

    offset_minutes: int = 0  # the whole programme ran this much later than it says (negative: earlier)
    overruns: tuple[tuple[str, int], ...] = ()  # (session id, minutes it ran past its programmed end)

    def describe(self) -> str:
        offset = f"{self.offset_minutes:+d} min off" if self.offset_minutes else "as published"
        if not self.overruns:
            return f"programme clock: {offset}, no session stretched"
        listed = ", ".join(f"{session} +{minutes} min" for session, minutes in self.overruns[:5])
        more = f" and {len(self.overruns) - 5} more" if len(self.overruns) > 5 else ""
        return f"programme clock: {offset}; {len(self.overruns)} sessions ran over ({listed}{more})"


@dataclass(frozen=True)
class Digest:
    """Everything the renderer needs: the conference, its programme and the filed threads."""

    conference: Conference
    sessions: tuple[Session, ...]
    placements: tuple[Placement, ...]
    generated_at: datetime
    clock: ProgrammeClock = ProgrammeClock()  # the programme clock's offset and overruns the assignment used


def post_to_dict(post: Post) -> dict[str, Any]:
    """A JSON-ready dict (datetimes as ISO strings) that :func:`post_from_dict` reverses."""
    data: dict[str, Any] = _plain(post)
    return data


def _plain(value: Any) -> Any:
    """``dataclasses.asdict`` without its deep copies (the values are immutable), datetimes as
    ISO strings: a collect converts every post it stores, and asdict was most of its time."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, tuple | list):
        return type(value)(_plain(item) for item in value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return {name: _plain(getattr(value, name)) for name in _field_names(type(value))}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    if cls not in _FIELD_NAMES:
        _FIELD_NAMES[cls] = tuple(spec.name for spec in dataclasses.fields(cls))
    return _FIELD_NAMES[cls]


def post_from_dict(data: dict[str, Any]) -> Post:
    quote = data.get("quote")
    card = data.get("card")
    return Post(
        **{
            **data,
            "author": Author(**data["author"]),
            "created_at": datetime.fromisoformat(data["created_at"]),
            "media": tuple(Media(**m) for m in data.get("media", ())),
            "card": LinkCard(**card) if card else None,
            "quote": post_from_dict(quote) if quote else None,
            **{name: tuple(data.get(name, ())) for name in _TUPLE_FIELDS},
        }
    )


_TUPLE_FIELDS = ("hashtags", "links", "mentions", "labels", "source_names")
