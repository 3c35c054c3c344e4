"""A small Mastodon server on 127.0.0.1 that speaks the documented REST API, and status builders.

`FakeMastodon` serves, from an in-memory list of Status entities, what a Mastodon server
answers on:

- ``GET /api/v1/timelines/tag/:hashtag`` with ``limit``, ``max_id``, ``min_id``, ``since_id``,
  ``local``: newest first; ``min_id`` returns the statuses immediately newer than it; a
  ``Link`` header with ``rel="next"`` (``max_id``, only when the page is full) and
  ``rel="prev"`` (``min_id``), as Mastodon's ``insert_pagination_headers`` does;
- ``GET /api/v1/statuses/:id`` and ``/context`` (ancestors oldest first, descendants depth first);
- ``GET /api/v2/instance`` with ``configuration.timelines_access``;
- 401 ``{"error": ...}`` when the server requires a token and none (or a wrong one) is sent.

Ids are this server's own: the same status has different ids on two servers, the same ``uri``.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from aggregator.collectors import CollectContext
from aggregator.collectors.mastodon.collector import MastodonCollector, MastodonOptions
from aggregator.http import RetryPolicy
from aggregator.models import Conference

Status = dict[str, Any]
ORIGIN = "https://glammr.example"
T0 = datetime(2024, 3, 5, 15, 0, tzinfo=UTC)  # safely in the past: threads this old are not re-read


FAST_RETRIES = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02)
MASTODON_DATA = Path(__file__).parent / "data"


def make_context(
    tmp_path: Path, *, start: datetime | None = None, end: datetime | None = None, max_pages: int = 200
) -> CollectContext:
    conference = Conference(name="Code4Lib 2027", hashtags=("c4l27",), timezone="America/Chicago")
    return CollectContext(
        conference=conference, data_dir=tmp_path, window_start=start, window_end=end, timeout=5.0, max_pages=max_pages
    )


def mastodon_collector(tmp_path: Path, context: CollectContext | None = None, **options: Any) -> MastodonCollector:
    """A collector with fast retries; `replies` defaults to "self" here so tests state when they want others'."""
    options.setdefault("replies", "self")
    collector = MastodonCollector(MastodonOptions(type="mastodon", **options), context or make_context(tmp_path))
    collector.retry_policy = FAST_RETRIES  # keep retry tests fast
    return collector


def account(username: str, *, domain: str = "glammr.example", note: str = "", **extra: Any) -> dict[str, Any]:
    return {
        "id": str(zlib.crc32(f"{username}@{domain}".encode())),
        "username": username,
        "acct": username,  # as its home server shows it; other servers add "@domain"
        "display_name": username.title(),
        "url": f"https://{domain}/@{username}",
        "avatar": f"https://{domain}/avatars/{username}.png",
        "note": note,
        "fields": [],
        "bot": False,
        **extra,
    }


def status(
    number: int,
    author: dict[str, Any],
    *,
    minutes: float = 0,
    content: str = "",
    tags: Iterable[str] = (),
    reply_to: Status | None = None,
    **extra: Any,
) -> Status:
    """A Status entity as its home server (glammr.example) would render it; ``number`` makes its id."""
    domain = author["url"].split("/")[2]
    status_id = str(113_000_000_000_000_000 + number)
    tag_list = list(tags)
    body = content or "<p>" + " ".join([f"Post {number}", *(_tag_link(t) for t in tag_list)]) + "</p>"
    return {
        "id": status_id,
        "created_at": (T0 + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z"),
        "in_reply_to_id": reply_to["id"] if reply_to else None,
        "in_reply_to_account_id": reply_to["account"]["id"] if reply_to else None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "en",
        "uri": f"https://{domain}/users/{author['username']}/statuses/{status_id}",
        "url": f"https://{domain}/@{author['username']}/{status_id}",
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "content": body,
        "reblog": None,
        "account": author,
        "media_attachments": [],
        "mentions": [],
        "tags": [{"name": t, "url": f"{ORIGIN}/tags/{t}"} for t in tag_list],
        "emojis": [],
        "card": None,
        "poll": None,
        **extra,
    }


def boost(number: int, booster: dict[str, Any], original: Status) -> Status:
    return {**status(number, booster, minutes=1), "reblog": original, "content": "", "tags": original["tags"]}


def _tag_link(tag: str) -> str:
    return f'<a href="{ORIGIN}/tags/{tag}" class="mention hashtag" rel="tag">#<span>{tag}</span></a>'


@dataclass
class FakeMastodon:
    """Serve ``statuses`` (as the home server's answers) on ``server`` under the Mastodon API paths."""

    server: HTTPServer
    statuses: list[Status] = field(default_factory=list)
    token: str = ""  # when set, every API call needs "Authorization: Bearer <token>"
    hashtag_access: Mapping[str, str] | None = None  # configuration.timelines_access.hashtag_feeds
    id_offset: int = 0  # another server numbers the same statuses differently
    deleted: set[str] = field(default_factory=set)  # uris that answer 404 now

    def install(self) -> FakeMastodon:
        self.server.expect_request(re.compile(r"^/api/v1/timelines/tag/[^/]+$")).respond_with_handler(self._tag)
        self.server.expect_request(re.compile(r"^/api/v1/statuses/[^/]+/context$")).respond_with_handler(self._context)
        self.server.expect_request(re.compile(r"^/api/v1/statuses/[^/]+$")).respond_with_handler(self._status)
        self.server.expect_request("/api/v2/instance").respond_with_handler(self._instance)
        return self

    @property
    def base_url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    def add(self, *statuses: Status) -> None:
        self.statuses.extend(statuses)

    def local_id(self, item: Status) -> str:
        return str(int(item["id"]) + self.id_offset)

    def requests(self, path_start: str) -> list[Request]:
        return [request for request, _ in self.server.log if request.path.startswith(path_start)]

    # --- handlers -----------------------------------------------------------------------

    def _tag(self, request: Request) -> Response:
        if refusal := self._refuse(request):
            return refusal
        tag = request.path.rsplit("/", 1)[1].lower()
        limit = min(int(request.args.get("limit", 20)), 40)
        tagged = [s for s in self._visible() if tag in {t["name"].lower() for t in s["tags"]}]
        if request.args.get("local") == "true":
            tagged = [s for s in tagged if "@" not in self._render(s)["account"]["acct"]]
        newest_first = sorted(tagged, key=lambda s: int(self.local_id(s)), reverse=True)
        page = self._window(newest_first, request.args, limit)
        rendered = [self._render(s) for s in page]
        return self._json(rendered, headers=self._links(request, rendered, limit))

    def _window(self, newest_first: list[Status], args: Mapping[str, str], limit: int) -> list[Status]:
        def local(item: Status) -> int:
            return int(self.local_id(item))

        if "max_id" in args:
            newest_first = [s for s in newest_first if local(s) < int(args["max_id"])]
        if "since_id" in args:
            newest_first = [s for s in newest_first if local(s) > int(args["since_id"])]
        if "min_id" in args:
            newer = [s for s in newest_first if local(s) > int(args["min_id"])]
            return newer[-limit:]  # the ones immediately newer than min_id, still newest first
        return newest_first[:limit]

    def _links(self, request: Request, page: list[Status], limit: int) -> dict[str, str]:
        if not page:
            return {}
        base = f"{self.base_url}{request.path}"
        links = []
        if len(page) == limit:
            links.append(f'<{base}?{urlencode({"limit": limit, "max_id": page[-1]["id"]})}>; rel="next"')
        links.append(f'<{base}?{urlencode({"limit": limit, "min_id": page[0]["id"]})}>; rel="prev"')
        return {"Link": ", ".join(links)}

    def _status(self, request: Request) -> Response:
        if refusal := self._refuse(request):
            return refusal
        found = self._by_local_id(request.path.rsplit("/", 1)[1])
        return self._json(self._render(found)) if found else self._not_found()

    def _context(self, request: Request) -> Response:
        if refusal := self._refuse(request):
            return refusal
        found = self._by_local_id(request.path.split("/")[-2])
        if not found:
            return self._not_found()
        ancestors = []
        parent = self._parent(found)
        while parent:
            ancestors.insert(0, parent)
            parent = self._parent(parent)
        descendants = self._below(found)
        rendered = {"ancestors": [self._render(s) for s in ancestors], "descendants": [self._render(s) for s in descendants]}
        return self._json(rendered)

    def _instance(self, request: Request) -> Response:
        configuration: dict[str, Any] = {"statuses": {"max_characters": 500}}
        if self.hashtag_access is not None:
            configuration["timelines_access"] = {"hashtag_feeds": dict(self.hashtag_access)}
        return self._json({"domain": "127.0.0.1", "version": "4.5.0", "configuration": configuration})

    # --- helpers ------------------------------------------------------------------------

    def _refuse(self, request: Request) -> Response | None:
        if not self.token:
            return None
        sent = request.headers.get("Authorization", "")
        if not sent:
            return self._json({"error": "This method requires an authenticated user"}, status=401)
        if sent != f"Bearer {self.token}":
            return self._json({"error": "The access token is invalid"}, status=401)
        return None

    def _visible(self) -> list[Status]:
        return [s for s in self.statuses if s["uri"] not in self.deleted]

    def _by_local_id(self, local_id: str) -> Status | None:
        return next((s for s in self._visible() if self.local_id(s) == local_id), None)

    def _parent(self, item: Status) -> Status | None:
        parent_id = item.get("in_reply_to_id")
        return next((s for s in self._visible() if s["id"] == parent_id), None) if parent_id else None

    def _below(self, item: Status) -> list[Status]:
        found = []
        for child in sorted(self._visible(), key=lambda s: int(s["id"])):
            if child.get("in_reply_to_id") == item["id"]:
                found.append(child)
                found.extend(self._below(child))
        return found

    def _render(self, item: Status) -> Status:
        """The status as this server shows it: its own ids, remote accounts with @domain."""
        rendered = {**item, "id": self.local_id(item)}
        if item.get("in_reply_to_id"):
            rendered["in_reply_to_id"] = str(int(item["in_reply_to_id"]) + self.id_offset)
        if self.id_offset:
            acct = item["account"]["acct"]
            domain = item["account"]["url"].split("/")[2]
            rendered["account"] = {**item["account"], "acct": f"{acct}@{domain}"}
        return rendered

    @staticmethod
    def _json(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        return Response(json.dumps(data), status=status, content_type="application/json", headers=dict(headers or {}))

    def _not_found(self) -> Response:
        return self._json({"error": "Record not found"}, status=404)
