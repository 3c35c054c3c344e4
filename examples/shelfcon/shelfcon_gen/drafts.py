"""Turns thread plans into source-neutral draft posts with times and ground-truth labels."""
from __future__ import annotations

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
    """One planned thread. `talk` is the talk key it is about (None: hallway). `style` decides the wording:
    "title", "speaker", "room" and "topic" name the title, quote the speaker, name the room or quote the talk
    without naming it; "time" says nothing specific at all; "late" opens generically and names the talk later;
    "custom" uses `texts`. `minute` counts from the talk's start unless `at` gives a local time."""

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
    "Wow. Just wow. {tag}",
    "My notes for this one are a mess because I kept listening instead of typing {tag}",
    "Brilliant session {tag}",
)
GENERIC_FOLLOW_UPS = (
    "So many good points.",
    "Slides will be shared later, apparently.",
    "Lots of nodding in the room.",
    "The Q&A might be even better than the talk.",
)
IMAGE_LINES = ("This slide 👇", "📸", "Key slide:", "Worth a photo:")
STAGE_PHOTO_LINES = ("The view from the back row 📸",)
STAGE_PHOTO_LINES_FOR = ("Panel", "Lightning Talks")
CLOSERS = ("Great talk.", "Brilliant Q&A too.", "Lots to take back to my team.", "Applause. 👏")

Line = tuple[str, "Image | None", "Card | None"]


def _fill(template: str, talk: Talk, quote: str = "") -> str:
    return template.format(tag=TAG, room=talk.room, speaker=talk.speaker, title=talk.title, quote=quote.rstrip("."))


class _Variety:
    """Rotates templates across threads and a talk's quotes and notes across threads, never repeating a line
    inside one thread, so that the backchannel reads like many people rather than one template."""

    def __init__(self) -> None:
        self._counters: dict[str, int] = {}

    def _next(self, name: str) -> int:
        self._counters[name] = self._counters.get(name, 0) + 1
        return self._counters[name] - 1

    def cycle(self, name: str, options: tuple[str, ...]) -> str:
        return options[self._next(name) % len(options)]

    def talk_line(self, talk: Talk, used: set[str], quotes_only: bool = False) -> str | None:
        quoted = [f"“{quote}”" for quote in talk.quotes]
        if quotes_only:
            lines = quoted
        else:
            lines = [line for pair in zip(quoted, talk.notes, strict=False) for line in pair]
            lines += [line for line in quoted + list(talk.notes) if line not in lines]
        start = self._next("line:" + talk.key)
        for offset in range(len(lines)):
            candidate = lines[(start + offset) % len(lines)]
            if candidate not in used:
                used.add(candidate)
                return candidate
        return None


def _opener(spec: ThreadSpec, talk: Talk | None, variety: _Variety, used: set[str]) -> str:
    if spec.texts:
        return spec.texts[0]
    assert talk is not None, f"{spec.key}: hallway threads need texts"
    if spec.style == "title":
        return _fill(variety.cycle("title:" + talk.kind, KIND_OPENERS.get(talk.kind, TITLE_OPENERS)), talk)
    if spec.style == "speaker":
        quote = variety.talk_line(talk, used, quotes_only=True) or talk.quotes[0]
        template = variety.cycle("speaker", SPEAKER_OPENERS).replace("{speaker}", talk.quoted_speaker)
        return _fill(template, talk, quote.strip("“”"))
    if spec.style == "room":
        return _fill(variety.cycle("room", ROOM_OPENERS), talk)
    if spec.style == "topic":
        return f"{variety.talk_line(talk, used)} {TAG}"
    return _fill(variety.cycle("time", TIME_OPENERS), talk)


def _extras(spec: ThreadSpec, talk: Talk, variety: _Variety) -> list[Line]:
    """A slide photo, a link card to the slides, or one to the talk's programme page, as the plan asks."""
    extras: list[Line] = []
    if spec.image:
        lines = STAGE_PHOTO_LINES if talk.kind in STAGE_PHOTO_LINES_FOR else IMAGE_LINES
        extras.append((variety.cycle("image", lines), Image(talk.slide_alt), None))
    if spec.slides and talk.slides_url:
        card = Card(talk.slides_url, f"{talk.title} (slides)",
                    f"Slides from {talk.speaker}'s talk at ShelfCon 2026.")
        extras.append((f"Slides are already online: {talk.slides_url}", None, card))
    if spec.page:
        card = Card(talk_url(talk), f"{talk.title} :: ShelfCon 2026", talk.abstract[:150] + "…")
        extras.append((f"Abstract: {talk_url(talk)}", None, card))
    return extras


def _follow_ups(spec: ThreadSpec, talk: Talk | None, variety: _Variety, used: set[str]) -> list[Line]:
    """Texts (with an optional slide photo or link card) for the untagged self-replies of a live-thread.

    Style "time" keeps to generic remarks (no textual clue at all); "late" opens generically and only
    reveals the talk in its replies."""
    if spec.texts:
        return [(text, None, None) for text in spec.texts[1:]]
    assert talk is not None
    count = spec.length - 1
    if spec.style == "time":
        return [(variety.cycle("generic", GENERIC_FOLLOW_UPS), None, None) for _ in range(count)]
    extras = _extras(spec, talk, variety)
    lines: list[Line] = []
    for _ in range(max(count - len(extras), 0)):
        line = variety.talk_line(talk, used)
        lines.append((line or variety.cycle("closer", CLOSERS), None, None))
    for n, extra in enumerate(extras):
        lines.insert(min(1 + n * 2, len(lines)), extra)
    lines = lines[:count]
    if count >= 4 and not spec.numbered and lines[-1][1:] == (None, None):
        lines[-1] = (variety.cycle("closer", CLOSERS), None, None)
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


def build_thread(spec: ThreadSpec, variety: _Variety, rng: random.Random) -> list[Draft]:
    talk = TALKS_BY_KEY[spec.talk] if spec.talk else None
    used: set[str] = set()
    texts: list[Line] = [(_opener(spec, talk, variety, used), Image(spec.image_alt) if spec.image_alt else None,
                          spec.card)]
    texts += _follow_ups(spec, talk, variety, used)
    if spec.numbered:
        total = len(texts)
        texts = [(f"{n}/{total} {text}", image, card) for n, (text, image, card) in enumerate(texts, 1)]
    times = _times(spec, talk, len(texts), rng)
    label = _label(spec)
    clue = spec.clue if spec.clue is not None else bool(spec.talk) and spec.style != "time"
    root_key = f"{spec.key}-1"
    drafts = []
    for n, ((text, image, card), moment) in enumerate(zip(texts, times, strict=True), 1):
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
    variety = _Variety()
    drafts: list[Draft] = []
    for spec in specs:
        drafts.extend(build_thread(spec, variety, rng))
    keys = [draft.key for draft in drafts]
    assert len(keys) == len(set(keys)), "thread keys must be unique"
    return sorted(drafts, key=lambda draft: draft.at)
