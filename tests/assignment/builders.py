"""Builders for the assignment tests: the hand-written MiniCon case and small Post/Session helpers."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from aggregator.assignment import AssignmentSettings, assign
from aggregator.models import Author, Conference, Media, Post, Session
from aggregator.threads import build_threads

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class LabelledCase:
    conference: Conference
    sessions: tuple[Session, ...]
    posts: tuple[Post, ...]
    expected: dict[str, str | None]  # post id -> session id, None for the hallway
    cases: dict[str, str]  # post id -> what the post exercises


def load_case(name: str = "minicon") -> LabelledCase:
    raw = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    conf = raw["conference"]
    sessions = tuple(make_session(**s) for s in raw["sessions"])
    conference = Conference(
        name=conf["name"],
        hashtags=tuple(conf["hashtags"]),
        timezone=conf["timezone"],
        start=min(s.start for s in sessions),
        end=max(s.end for s in sessions),
    )
    posts = tuple(_post(p) for p in raw["posts"])
    expected = {p["id"]: (p["expected"] or None) for p in raw["posts"]}
    cases = {p["id"]: p["case"] for p in raw["posts"]}
    return LabelledCase(conference, sessions, posts, expected, cases)


def make_session(id: str, title: str, start: str, end: str, **fields: Any) -> Session:
    for key in ("speakers", "hashtags", "links"):
        if key in fields:
            fields[key] = tuple(fields[key])
    return Session(id=id, title=title, start=datetime.fromisoformat(start), end=datetime.fromisoformat(end), **fields)


def make_post(id: str, author: str, time: str, text: str, **fields: Any) -> Post:
    alt = fields.pop("alt", ())
    for key in ("hashtags", "links", "mentions"):
        if key in fields:
            fields[key] = tuple(fields[key])
    return Post(
        id=id,
        source=fields.pop("source", "bluesky"),
        url=fields.pop("url", f"https://social.example/{id}"),
        author=Author(id=f"did:example:{author}", handle=f"{author}.social.example", display_name=author.title()),
        created_at=datetime.fromisoformat(time),
        text=text,
        html="",
        media=tuple(Media("image", f"https://social.example/{id}.jpg", a) for a in alt),
        **fields,
    )


def post_by(id: str, handle: str, display_name: str, time: str, text: str) -> Post:
    """A post by an account whose handle and display name are given as they appear on the service."""
    return replace(make_post(id, handle, time, text), author=Author(f"acct:{handle}", handle, display_name))


def _post(raw: dict[str, Any]) -> Post:
    fields = {k: v for k, v in raw.items() if k not in {"expected", "case"}}
    return make_post(**fields)


# --- useR! 2019, where the real posts of the test_real_* files come from --------------------------

USER_2019 = Conference("useR!", ("user2019",), "Europe/Paris")
USER_2019_DAY = "2019-07-10"


def user2019_talk(id: str, title: str, start: str = "11:30", end: str = "11:48", **fields: Any) -> Session:
    """A talk on 10 July 2019, Toulouse time; by default in the 11:30 block of parallel talks."""
    return make_session(id, title, user2019_time(start), user2019_time(end), **fields)


def user2019_time(clock: str) -> str:
    """"11:35" → that moment of 10 July 2019 in Toulouse, as ISO text."""
    return f"{USER_2019_DAY}T{clock}:00+02:00"


def filed_threads(posts: Iterable[Post], sessions: Sequence[Session], conference: Conference = USER_2019) -> dict[str, str | None]:
    """Thread id → the session the engine (default settings) files it under; None: the hallway."""
    result = assign(build_threads(list(posts)), sessions, conference, AssignmentSettings())
    return {placement.thread.id: placement.session_id for placement in result}


def tidyr_talk(abstract: str) -> Session:
    """Hadley Wickham's tidyr talk at useR! 2019, in the 11:30 block (each file gives its own abstract)."""
    return user2019_talk("tidy", "Enhancements to data tidying", room="Concorde", speakers=("Hadley Wickham",), abstract=abstract)
