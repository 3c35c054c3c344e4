"""A generated larger conference for the browser suite: three days, five parallel rooms, long
titles and unbroken words, live-threads with images (some undescribed), link cards, quotes,
content warnings, replies and a busy hallway. Built "during" the conference, so the home page
shows what is happening now and next. Deterministic (seeded)."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from aggregator.models import Author, Conference, Digest, LinkCard, Media, Placement, Post, Session, Thread

ZONE = ZoneInfo("Asia/Kolkata")  # a half-hour offset, to catch clock arithmetic that assumes whole hours
MEDIA_HOST = "media.large.example"
ROOMS = ("Main Hall", "Seminar Room 1", "Seminar Room 2", "Workshop Lab", "Auditorium Annex")
WORDS = ["catalogue", "metadata", "linked", "data", "preservation", "access", "discovery", "archive", "repository", "rights", "licensing", "digitisation", "workflow", "community", "stewardship", "interoperability", "authority", "records", "provenance", "fixity"]
LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenkatalogisierung"
DAYS = 3
SLOTS_PER_DAY = 5
THREADS_PER_SESSION = 4
HALLWAY_THREADS = 12
BUILT_AT = datetime(2027, 1, 13, 11, 40, tzinfo=ZONE)  # day two, mid-morning
MARKED_PHRASE = "quokka preservation ledger"  # one post says it, for the search test


def large_digest(seed: int = 7) -> Digest:
    rng = random.Random(seed)
    authors = [_author(index) for index in range(40)]
    sessions = tuple(_sessions(rng))
    placements: list[Placement] = []
    for number, session in enumerate(sessions):
        for index in range(THREADS_PER_SESSION):
            thread = _thread(rng, authors, session.start + timedelta(minutes=5 + 8 * index), f"s{number}t{index}")
            placements.append(Placement(thread=thread, session_id=session.id, confidence=0.8, reason="time"))
    for index in range(HALLWAY_THREADS):
        moment = datetime(2027, 1, 12 + index % DAYS, 19, index, tzinfo=ZONE)
        placements.append(Placement(thread=_thread(rng, authors, moment, f"hall{index}"), session_id=None))
    conference = Conference(
        name="Very Large Library Systems Conference 2027",
        hashtags=("vlsc27",),
        timezone=ZONE.key,
        start=sessions[0].start,
        end=sessions[-1].end,
        description="Three days, five rooms, a lot of posts.",
        contact="removals@vlsc.example",
    )
    return Digest(conference=conference, sessions=sessions, placements=tuple(placements), generated_at=BUILT_AT)


def media_urls(digest: Digest) -> set[str]:
    """Every address of the posts' own media (images, thumbnails, link-card pictures)."""
    urls: set[str] = set()
    for placement in digest.placements:
        for post in placement.thread.posts:
            for current in (post, post.quote):
                if current is None:
                    continue
                urls.update(address for media in current.media for address in (media.url, media.thumb) if address)
                if current.card and current.card.thumb:
                    urls.add(current.card.thumb)
    return urls


def _sessions(rng: random.Random) -> list[Session]:
    sessions = []
    for day in range(DAYS):
        for slot in range(SLOTS_PER_DAY):
            start = datetime(2027, 1, 12 + day, 9, 30, tzinfo=ZONE) + timedelta(minutes=90 * slot)
            for room_index, room in enumerate(ROOMS):
                title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 14))).capitalize()
                if room_index == 4 and slot == 0:
                    title = f"{title} {LONG_WORD}"
                sessions.append(
                    Session(
                        id=f"d{day}s{slot}r{room_index}",
                        title=title,
                        start=start,
                        end=start + timedelta(minutes=75),
                        room=room,
                        speakers=tuple(f"Speaker {rng.randint(1, 99)}" for _ in range(rng.randint(1, 4))),
                        abstract=" ".join(rng.choice(WORDS) for _ in range(40)),
                        links=(f"https://slides.vlsc.example/{day}/{slot}/{room_index}/{'x' * 90}",),
                    )
                )
    return sessions


def _author(index: int) -> Author:
    handle = f"person{index}.bsky.social" if index % 2 else f"@person{index}@glammr.example"
    name = f"Person {index} {'With A Very Long Display Name Indeed' if index % 7 == 0 else ''}".strip()
    return Author(id=f"did:plc:p{index}", handle=handle, display_name=name, url=f"https://bsky.app/profile/p{index}")


def _thread(rng: random.Random, authors: list[Author], start: datetime, key: str) -> Thread:
    author = rng.choice(authors)
    own = [_post(rng, author, start + timedelta(minutes=2 * part), f"{key}p{part}") for part in range(rng.randint(1, 4))]
    others = [a for a in authors if a != author]
    replies = [_post(rng, rng.choice(others), start + timedelta(minutes=30 + n), f"{key}r{n}") for n in range(rng.randint(0, 2))]
    if rng.random() < 0.15:
        own[0] = dataclasses.replace(own[0], content_warning="spoilers for the closing keynote")
    posts = tuple(sorted((*own, *replies), key=lambda post: post.created_at))
    return Thread(root=own[0], posts=posts, conversation=frozenset(post.id for post in replies))


def _post(rng: random.Random, author: Author, moment: datetime, key: str) -> Post:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 45)))
    text = f"{words} {LONG_WORD}" if rng.random() < 0.1 else words
    if key == "s7t1p0":
        text = f"{text} {MARKED_PHRASE}"
    link = f"https://blog.vlsc.example/{key}/{'very-long-path-segment-' * 5}?utm_source={'y' * 40}"
    media = tuple(_image(rng, f"{key}i{n}") for n in range(rng.choice((0, 0, 1, 2, 4))))
    card = LinkCard(url=link, title=f"Link card {key}", description=words[:80], thumb=f"https://{MEDIA_HOST}/cards/{key}.png")
    return Post(
        id=f"at://{author.id}/app.bsky.feed.post/{key}",
        source="bluesky" if "bsky" in author.handle else "mastodon",
        url=f"https://bsky.app/profile/{author.id}/post/{key}",
        author=author,
        created_at=moment.astimezone(UTC),
        text=f"{text} {link}",
        html=f"<p>{text} <a href=\"{link}\">{link}</a></p>",
        lang="en",
        hashtags=("vlsc27",),
        links=(link,),
        media=media,
        card=card if rng.random() < 0.3 else None,
        like_count=rng.randint(0, 40),
        repost_count=rng.randint(0, 10),
        reply_count=rng.randint(0, 5),
    )


def _image(rng: random.Random, key: str) -> Media:
    width, height = rng.choice(((4000, 3000), (1200, 4800), (6000, 800), (640, 480)))
    alt = "" if rng.random() < 0.25 else " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 60)))
    return Media(kind="image", url=f"https://{MEDIA_HOST}/full/{key}.png", alt=alt,
                 thumb=f"https://{MEDIA_HOST}/thumb/{key}.png", width=width, height=height)  # fmt: skip

