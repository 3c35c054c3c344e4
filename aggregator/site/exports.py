"""``sessions.json``: the machine-readable export, joinable with the programme by event id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aggregator.models import Conference, Digest, Post
from aggregator.site.model import SessionView, SiteModel


def export_sessions(digest: Digest) -> dict[str, Any]:
    """Every session (with or without posts) and its posts, plus the posts filed under none.

    Posts are those of every thread in the placement: root, continuations and conversation
    replies, oldest thread first. Datetimes are ISO 8601 with their offset.
    """
    return export_model(SiteModel(digest))


def export_model(model: SiteModel) -> dict[str, Any]:
    return {
        "conference": _conference(model.conference),
        "sessions": [_session(view) for view in model.sessions],
        "unassigned": [_post(post) for thread in model.hallway for post in thread.posts],
    }


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


def _session(view: SessionView) -> dict[str, Any]:
    session = view.session
    return {
        "id": session.id,
        "title": session.title,
        "start": _iso(session.start),
        "end": _iso(session.end),
        "room": session.room,
        "url": session.url,
        "posts": [_post(post) for post in view.posts],
    }


def _post(post: Post) -> dict[str, Any]:
    return {
        "id": post.id,
        "url": post.url,
        "author": {
            "id": post.author.id,
            "handle": post.author.handle,
            "name": post.author.name,
            "url": post.author.url,
        },
        "created_at": _iso(post.created_at),
        "text": post.text,
        "source": post.source,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
