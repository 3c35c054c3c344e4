"""Renders every file of the example into memory: {relative path: text}."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from .blog import feed_xml
from .bluesky import search_pages
from .drafts import Draft, build_drafts
from .labels import labels_csv
from .mastodon import statuses
from .programme import programme_json
from .sessions import TIMEZONE
from .threads import ALL_THREADS, BOOST


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def drafts() -> list[Draft]:
    return build_drafts(ALL_THREADS)


def render_all() -> dict[str, str]:
    posts = drafts()
    boosted_at = datetime.strptime(BOOST["at"], "%Y-%m-%d %H:%M").replace(tzinfo=TIMEZONE)
    files = {"programme.json": _json(programme_json())}
    for number, page in enumerate(search_pages(posts), 1):
        files[f"bluesky/searchPosts-{number:04d}.json"] = _json(page)
    files["mastodon/statuses.json"] = _json(statuses(posts, (BOOST["booster"], BOOST["original"], boosted_at)))
    files["blogs/recaps.xml"] = feed_xml()
    files["labels.csv"] = labels_csv(posts)
    return files
