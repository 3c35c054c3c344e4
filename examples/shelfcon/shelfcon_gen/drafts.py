"""Turns thread plans into source-neutral draft posts with times and ground-truth labels."""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .people import BLUESKY
from .programme import event_id, talk_url
from .sessions import TIMEZONE, Talk
from .talks import TALKS_BY_KEY

TAG = "#shelfcon26"
EXCLUDED = "EXCLUDED"


@dataclass(frozen=True)
class Image:
    alt: str
    width: int = 1600
    height: int = 900


@dataclass(frozen=True)
class Card:
    url: str
    title: str
    description: str


@dataclass(frozen=True)
class Reply:
    """A reply inside a thread. `to` indexes the thread's posts in order (its own posts, then earlier replies)."""

    author: str
    to: int
    text: str
    minutes_later: float = 3.0


@dataclass(frozen=True)
class ThreadSpec:
    key: str
    source: str
    author: str
    talk: str | None
    style: str = "custom"
    minute: float = 2.0
    length: int = 1
    image: bool = False
    slides: bool = False
    page: bool = False
    at: str | None = None
    texts: tuple[str, ...] = ()
    replies: tuple[Reply, ...] = ()
    quote_of: str | None = None
    langs: tuple[str, ...] = ("en",)
    hidden_tag: bool = False
    spoiler: str = ""
    local_offset: bool = False
    numbered: bool = False
    clue: bool | None = None
    card: Card | None = None
    image_alt: str = ""


@dataclass(frozen=True)
class Draft:
    key: str
    source: str
    author: str
    at: datetime
    text: str
    label: str
    clue: bool
    reply_to: str | None = None
    root: str | None = None
    images: tuple[Image, ...] = ()
    card: Card | None = None
    quote_of: str | None = None
    langs: tuple[str, ...] = ("en",)
    hidden_tags: tuple[str, ...] = ()
    spoiler: str = ""
    local_offset: bool = field(default=False)


TITLE_OPENERS = (
    "Now in the {room}: {speaker}, “{title}” {tag} 🧵",
    "Up next for me: “{title}” with {speaker} {tag}",
    "Settling in for {speaker} on “{title}” {tag} 🧵",
    "Live notes from “{title}” ({speaker}, {room}) {tag}",
    "The {room} is filling up for “{title}” by {speaker} {tag}",
)
KIND_OPENERS: dict[str, tuple[str, ...]] = {
    "Keynote": ("Keynote time: {speaker}, “{title}” {tag} 🧵",
                "Here we go, {speaker}'s keynote “{title}” {tag}",
                "Front row for the keynote: “{title}” ({speaker}) {tag} 🧵"),
    "Workshop": ("At the “{title}” workshop in the {room} {tag} 🧵",
                 "Laptop open for {speaker}'s workshop “{title}” {tag}"),
    "Panel": ("{title} Moderated by {speaker}. {tag} 🧵",),
    "Lightning Talks": ("{title} in the {room}, five minutes each, go! {tag}",),
}
SPEAKER_OPENERS = (
    "{speaker}: “{quote}” {tag}",
    "“{quote}” says {speaker} {tag}",
    "Love this from {speaker}: “{quote}” {tag}",
)
ROOM_OPENERS = (
    "Packed {room} for this one {tag}",
    "Good crowd in the {room} right now {tag}",
    "Found a seat at the back of the {room} {tag}",
)
TIME_OPENERS = (
    "This is the talk I came for 🙌 {tag}",
    "Standing room only in here {tag}",
    "Great questions from the audience already {tag}",
    "Taking so many notes right now 📝 {tag}",
    "Really glad I picked this session {tag}",
    "Such a clear speaker. More of this, please. {tag}",
    "Fascinating stuff, and so relevant to my day job {tag}",
)
GENERIC_FOLLOW_UPS = (
    "So many good points.",
    "Slides will be shared later, apparently.",
    "Lots of nodding in the room.",
    "The Q&A might be even better than the talk.",
)
IMAGE_LINES = ("This slide 👇", "📸", "Key slide:", "Worth a photo:")
CLOSERS = ("Great talk.", "Brilliant Q&A too.", "Lots to take back to my team.", "Applause. 👏")


def _pick(options: tuple[str, ...], seed: str) -> str:
    return options[int(hashlib.sha256(seed.encode()).hexdigest(), 16) % len(options)]


def _fill(template: str, talk: Talk | None, quote: str = "") -> str:
    if talk is None:
        return template.format(tag=TAG, quote=quote)
    return template.format(
        tag=TAG, room=talk.room, speaker=talk.speaker, title=talk.title, quote=quote.rstrip("."),
    )


class _TalkMaterial:
    """Hands out a talk's quotes and notes round-robin, so different threads quote different lines."""

    def __init__(self) -> None:
        self._cursor: dict[str, int] = {}

    def next_line(self, talk: Talk) -> str:
        lines = [f"“{quote}”" for quote in talk.quotes] + list(talk.notes)
        index = self._cursor.get(talk.key, 0)
        self._cursor[talk.key] = index + 1
        ordered = lines[0::2] + lines[1::2] if len(lines) > 2 else lines
        return ordered[index % len(ordered)]

    def next_quote(self, talk: Talk) -> str:
        index = self._cursor.get(talk.key + "#q", 0)
        self._cursor[talk.key + "#q"] = index + 1
        return talk.quotes[index % len(talk.quotes)]


def _opener(spec: ThreadSpec, talk: Talk | None, material: _TalkMaterial) -> str:
    if spec.texts:
        return spec.texts[0]
    assert talk is not None, f"{spec.key}: hallway threads need texts"
    if spec.style == "title":
        template = _pick(KIND_OPENERS.get(talk.kind, TITLE_OPENERS), spec.key)
        return _fill(template, talk)
    if spec.style == "speaker":
        return _fill(_pick(SPEAKER_OPENERS, spec.key), talk, material.next_quote(talk))
    if spec.style == "room":
        return _fill(_pick(ROOM_OPENERS, spec.key), talk)
    if spec.style == "topic":
        return f"{material.next_line(talk)} {TAG}"
    return _fill(_pick(TIME_OPENERS, spec.key), talk)


def _follow_ups(spec: ThreadSpec, talk: Talk | None, material: _TalkMaterial) -> list[tuple[str, Image | None, Card | None]]:
    """Texts (with an optional slide photo or link card) for the untagged self-replies of a live-thread."""
    if spec.texts:
        return [(text, None, None) for text in spec.texts[1:]]
    assert talk is not None
    count = spec.length - 1
    posts: list[tuple[str, Image | None, Card | None]] = []
    if spec.style == "time":
        for n in range(count):
            posts.append((GENERIC_FOLLOW_UPS[(n + len(spec.key)) % len(GENERIC_FOLLOW_UPS)], None, None))
        return posts
    extras: list[tuple[str, Image | None, Card | None]] = []
    if spec.image:
        extras.append((_pick(IMAGE_LINES, spec.key), Image(talk.slide_alt), None))
    if spec.slides and talk.slides_url:
        card = Card(talk.slides_url, f"{talk.title} (slides)",
                    f"Slides from {talk.speaker}'s talk at ShelfCon 2026.")
        extras.append((f"Slides are already online: {talk.slides_url}", None, card))
    if spec.page:
        card = Card(talk_url(talk), f"{talk.title} :: ShelfCon 2026", talk.abstract[:150] + "…")
        extras.append((f"Abstract: {talk_url(talk)}", None, card))
    lines = [(material.next_line(talk), None, None) for _ in range(max(count - len(extras), 0))]
    for n, extra in enumerate(extras):
        lines.insert(min(1 + n * 2, len(lines)), extra)
    lines = lines[:count]
    if count >= 4 and not spec.numbered and lines[-1][1:] == (None, None):
        lines[-1] = (_pick(CLOSERS, spec.key), None, None)
    return lines


def _local(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%d %H:%M").replace(tzinfo=TIMEZONE)


def _label(spec: ThreadSpec) -> str:
    account = BLUESKY.get(spec.author) if spec.source == "bluesky" else None
    if account is not None and account.opted_out:
        return EXCLUDED
    return event_id(spec.talk) if spec.talk else ""


def _times(spec: ThreadSpec, talk: Talk | None, count: int, rng: random.Random) -> list[datetime]:
    start = _local(spec.at) if spec.at else talk.begins + timedelta(minutes=spec.minute)  # type: ignore[union-attr]
    start += timedelta(seconds=rng.randint(0, 50), milliseconds=rng.randint(0, 999))
    limit = talk.ends - timedelta(seconds=20) if talk and not spec.at else start + timedelta(hours=2)
    times = [start]
    for _ in range(count - 1):
        step = timedelta(minutes=rng.uniform(2.0, 6.0), milliseconds=rng.randint(0, 999))
        times.append(min(times[-1] + step, max(limit, times[-1] + timedelta(seconds=25))))
    return times


def build_thread(spec: ThreadSpec, material: _TalkMaterial, rng: random.Random) -> list[Draft]:
    talk = TALKS_BY_KEY[spec.talk] if spec.talk else None
    texts = [(_opener(spec, talk, material), Image(spec.image_alt) if spec.image_alt else None, spec.card)]
    texts += _follow_ups(spec, talk, material)
    if spec.numbered:
        total = len(texts)
        texts = [(f"{n}/{total} {text}", image, card) for n, (text, image, card) in enumerate(texts, 1)]
    times = _times(spec, talk, len(texts), rng)
    label = _label(spec)
    clue = spec.clue if spec.clue is not None else bool(spec.talk) and spec.style != "time"
    root_key = f"{spec.key}-1"
    drafts = []
    for n, ((text, image, card), moment) in enumerate(zip(texts, times), 1):
        drafts.append(Draft(
            key=f"{spec.key}-{n}", source=spec.source, author=spec.author, at=moment, text=text,
            label=label, clue=clue,
            reply_to=None if n == 1 else f"{spec.key}-{n - 1}",
            root=None if n == 1 else root_key,
            images=(image,) if image else (), card=card,
            quote_of=spec.quote_of if n == 1 else None, langs=spec.langs,
            hidden_tags=("shelfcon26",) if spec.hidden_tag and n == 1 else (),
            spoiler=spec.spoiler, local_offset=spec.local_offset,
        ))
    for n, reply in enumerate(spec.replies, len(drafts) + 1):
        parent = drafts[reply.to]
        drafts.append(Draft(
            key=f"{spec.key}-{n}", source=spec.source, author=reply.author,
            at=parent.at + timedelta(minutes=reply.minutes_later, milliseconds=rng.randint(0, 999)),
            text=reply.text, label=label, clue=clue, reply_to=parent.key, root=root_key, langs=spec.langs,
        ))
    return drafts


def build_drafts(specs: list[ThreadSpec]) -> list[Draft]:
    rng = random.Random(2026)
    material = _TalkMaterial()
    drafts: list[Draft] = []
    for spec in specs:
        drafts.extend(build_thread(spec, material, rng))
    keys = [draft.key for draft in drafts]
    assert len(keys) == len(set(keys)), "thread keys must be unique"
    return sorted(drafts, key=lambda draft: draft.at)
