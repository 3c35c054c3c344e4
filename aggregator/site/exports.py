"""The machine-readable exports: ``sessions.json`` (joinable with the programme by event id)
and ``posts.csv`` (one row per post, for spreadsheets and archives).

``sessions.json`` keeps the keys it always had; threads, media, links, engagement and the
placement's confidence and reasons were added beside them, so existing readers keep working.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, TextIO

from aggregator.models import Conference, Digest, Placement, Post, Thread
from aggregator.sanitize import web_url_or_empty
from aggregator.site.characters import without_control_characters
from aggregator.site.model import SessionView, SiteModel

CSV_COLUMNS = (
    "id",
    "url",
    "source",
    "author_handle",
    "author_name",
    "created_at_utc",
    "created_at_local",
    "session_id",
    "session_title",
    "thread_id",
    "position_in_thread",
    "is_reply_by_other",
    "text",
    "links",
    "image_alt_texts",
    "confidence",
)
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def export_sessions(digest: Digest) -> dict[str, Any]:
    """Every session (with or without posts) and its posts, plus the posts filed under none.

    Posts are those of every thread in the placement: root, continuations and conversation
    replies, oldest thread first. Datetimes are ISO 8601 with their offset.
    """
    return export_model(SiteModel(digest))


def export_model(model: SiteModel) -> dict[str, Any]:
    placements = model.placements_by_thread
    return {
        "conference": _conference(model.conference),
        "sessions": [_session(view, placements) for view in model.sessions],
        "unassigned": [_post(post, thread) for thread in model.hallway for post in thread.posts],
        "unassigned_threads": [_thread(thread, placements[thread.id]) for thread in model.hallway],
    }


_JSON_CHUNK_CHARS = 1 << 16  # how much JSON text is escaped and written at a time
# Escaped in the JSON text so that it stays inert embedded in a <script> element, inside an HTML
# page, or served under a wrong content type; every JSON parser reads the same strings back.
_HTML_SAFE_JSON = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def sessions_json_parts(model: SiteModel) -> Iterator[str]:
    """The text of ``sessions.json`` in pieces, to be written as they come (at 100k posts it is large):
    :func:`export_model` as JSON with ``<``, ``>`` and ``&`` escaped."""
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2)
    pending: list[str] = []
    size = 0
    # the encoder yields a million tiny parts at 10k posts: escape and hand them on in chunks
    for part in encoder.iterencode(export_model(model)):
        pending.append(part)
        size += len(part)
        if size >= _JSON_CHUNK_CHARS:
            yield "".join(pending).translate(_HTML_SAFE_JSON)
            pending, size = [], 0
    yield "".join(pending).translate(_HTML_SAFE_JSON) + "\n"


def write_posts_csv(model: SiteModel, target: TextIO) -> None:
    """Every published post, one row each, in the order of sessions.json (sessions, then the
    hallway), written row by row into ``target``."""
    writer = csv.writer(target, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([csv_cell(value) for value in row] for row in _csv_rows(model))


def csv_cell(value: str) -> str:
    """The value without control characters, prefixed with an apostrophe when a spreadsheet
    would take it for a formula."""
    value = without_control_characters(value)
    risky = value.startswith(_FORMULA_STARTS) or value.lstrip().startswith(_FORMULA_STARTS)
    return f"'{value}" if risky else value


def _csv_rows(model: SiteModel) -> Iterator[tuple[str, ...]]:
    placements = model.placements_by_thread
    filed = [(view.session.id, view.session.title, view.threads) for view in model.sessions]
    for session_id, title, threads in [*filed, ("", "", model.hallway)]:
        for thread in threads:
            confidence = f"{placements[thread.id].confidence:.3f}"
            for position, post in enumerate(thread.posts, 1):
                yield (
                    post.id,
                    post.url,
                    post.source,
                    post.author.handle,
                    post.author.name,
                    _iso(post.created_at.astimezone(UTC)) or "",
                    _iso(post.created_at.astimezone(model.timezone)) or "",
                    session_id,
                    title,
                    thread.id,
                    str(position),
                    "true" if post.id in thread.conversation else "false",
                    post.text,
                    " ".join(post.links),
                    " | ".join(media.alt for media in post.media if media.alt),
                    confidence,
                )


def _conference(conference: Conference) -> dict[str, Any]:
    return {
        "name": conference.name,
        "hashtags": list(conference.hashtags),
        "timezone": conference.timezone,
        "site_url": conference.site_url,
        "start": _iso(conference.start),
        "end": _iso(conference.end),
        "description": conference.description,
    }


def _session(view: SessionView, placements: dict[str, Placement]) -> dict[str, Any]:
    session = view.session
    return {
        "id": session.id,
        "title": session.title,
        "start": _iso(session.start),
        "end": _iso(session.end),
        "room": session.room,
        "url": web_url_or_empty(session.url),
        "posts": [_post(post, thread) for thread in view.threads for post in thread.posts],
        "speakers": list(session.speakers),
        "links": _web_urls(session.links),
        "threads": [_thread(thread, placements[thread.id]) for thread in view.threads],
    }


def _thread(thread: Thread, placement: Placement) -> dict[str, Any]:
    continuations = {"continued_from": placement.continued_from, "continued_in": placement.continued_in}
    return {
        "id": thread.id,
        "author": thread.author.id,
        "posts": [post.id for post in thread.posts],
        "conversation": [post.id for post in thread.posts if post.id in thread.conversation],
        "confidence": round(placement.confidence, 4),
        "reason": placement.reason,
        "pinned": placement.pinned,
        **{key: thread_id for key, thread_id in continuations.items() if thread_id is not None},
    }


def _post(post: Post, thread: Thread) -> dict[str, Any]:
    return {
        "id": post.id,
        "url": web_url_or_empty(post.url),
        "author": {
            "id": post.author.id,
            "handle": post.author.handle,
            "name": post.author.name,
            "url": web_url_or_empty(post.author.url),
        },
        "created_at": _iso(post.created_at),
        "text": post.text,
        "source": post.source,
        "thread_id": thread.id,
        "is_reply_by_other": post.id in thread.conversation,
        "title": post.title,
        "lang": post.lang,
        "links": _web_urls(post.links),
        "media": [{"kind": m.kind, "url": web_url_or_empty(m.url), "alt": m.alt} for m in post.media],
        "engagement": {"likes": post.like_count, "reposts": post.repost_count, "replies": post.reply_count},
    }


def _web_urls(urls: tuple[str, ...]) -> list[str]:
    """Only http(s) addresses: a reader of the export may put any of them in a link."""
    return [url for url in map(web_url_or_empty, urls) if url]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
