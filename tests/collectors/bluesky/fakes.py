"""A slice of the Bluesky network served over XRPC on 127.0.0.1, for the collector's tests.

:class:`FakeBluesky` keeps accounts, posts and lists in memory and answers the queries
the collector makes (login, refresh, searchPosts, getPostThread, getPosts, getProfiles,
getAuthorFeed, getFeed, getListFeed) with production semantics: ``tag`` ANDs, ``since`` /
``until`` on the sort time, newest first, cursors, depth-limited threads, ``NotFound``
errors. Every answer is validated with the atproto SDK's models before it is sent, so a
test cannot pass on a shape the real service would never produce.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from atproto_client import models
from atproto_client.models.utils import get_or_create
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from aggregator.collectors import CollectContext, CollectResult, SourceState
from aggregator.collectors.bluesky.collector import BlueskyCollector, BlueskyOptions
from aggregator.http import RetryPolicy
from aggregator.models import Conference
from aggregator.saved_values import Blobs

BASE_TIME = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
CDN = "https://cdn.bsky.app/img"
JsonDict = dict[str, Any]

ANSWER_MODELS: dict[str, type[Any]] = {
    "com.atproto.server.createSession": models.ComAtprotoServerCreateSession.Response,
    "com.atproto.server.refreshSession": models.ComAtprotoServerRefreshSession.Response,
    "app.bsky.feed.searchPosts": models.AppBskyFeedSearchPosts.Response,
    "app.bsky.feed.getPostThread": models.AppBskyFeedGetPostThread.Response,
    "app.bsky.feed.getPosts": models.AppBskyFeedGetPosts.Response,
    "app.bsky.actor.getProfiles": models.AppBskyActorGetProfiles.Response,
    "app.bsky.feed.getAuthorFeed": models.AppBskyFeedGetAuthorFeed.Response,
    "app.bsky.feed.getFeed": models.AppBskyFeedGetFeed.Response,
    "app.bsky.feed.getListFeed": models.AppBskyFeedGetListFeed.Response,
}


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def fake_jwt(subject: str, lifetime: float, scope: str = "com.atproto.access") -> str:
    """A JWT-shaped token (unsigned) whose payload the client can read for its expiry."""

    def part(data: JsonDict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    nonce = hashlib.sha256(f"{subject}{time.time_ns()}".encode()).hexdigest()[:12]
    payload = {"sub": subject, "scope": scope, "exp": int(time.time() + lifetime), "jti": nonce}
    return f"{part({'typ': 'JWT', 'alg': 'ES256K'})}.{part(payload)}.c2lnbmF0dXJl"


def did_for(handle: str) -> str:
    return "did:plc:" + base64.b32encode(hashlib.sha256(handle.encode()).digest()).decode().lower()[:24]


def cid_for(text: str) -> str:
    return "bafyrei" + base64.b32encode(hashlib.sha256(text.encode()).digest()).decode().lower()[:52]


# --- rich text and embed builders (the shapes of app.bsky.richtext.facet and app.bsky.embed.*#view)


def facet(text: str, fragment: str, feature: JsonDict, *, occurrence: int = 0, extra_bytes: int = 0) -> JsonDict:
    """A facet over ``fragment`` in ``text``, with UTF-8 byte offsets (``extra_bytes`` widens the end)."""
    start_char = _nth_index(text, fragment, occurrence)
    start = len(text[:start_char].encode())
    end = start + len(fragment.encode()) + extra_bytes
    return {"$type": "app.bsky.richtext.facet", "index": {"byteStart": start, "byteEnd": end}, "features": [feature]}


def tag(name: str) -> JsonDict:
    return {"$type": "app.bsky.richtext.facet#tag", "tag": name}


def link(uri: str) -> JsonDict:
    return {"$type": "app.bsky.richtext.facet#link", "uri": uri}


def mention(did: str) -> JsonDict:
    return {"$type": "app.bsky.richtext.facet#mention", "did": did}


def images_view(*alts: str, ratio: tuple[int, int] | None = (4, 3)) -> JsonDict:
    images = []
    for number, alt in enumerate(alts):
        image: JsonDict = {
            "$type": "app.bsky.embed.images#viewImage",
            "thumb": f"{CDN}/feed_thumbnail/plain/did:plc:x/img{number}@jpeg",
            "fullsize": f"{CDN}/feed_fullsize/plain/did:plc:x/img{number}@jpeg",
            "alt": alt,
        }
        if ratio:
            image["aspectRatio"] = {"width": ratio[0], "height": ratio[1]}
        images.append(image)
    return {"$type": "app.bsky.embed.images#view", "images": images}


def gallery_view(*alts: str) -> JsonDict:
    items = [
        {
            "$type": "app.bsky.embed.gallery#viewImage",
            "thumbnail": f"{CDN}/feed_thumbnail/plain/did:plc:x/gal{n}@jpeg",
            "fullsize": f"{CDN}/feed_fullsize/plain/did:plc:x/gal{n}@jpeg",
            "alt": alt,
            "aspectRatio": {"width": 1, "height": 1},
        }
        for n, alt in enumerate(alts)
    ]
    return {"$type": "app.bsky.embed.gallery#view", "items": items}


def video_view(alt: str = "", presentation: str | None = None) -> JsonDict:
    base = "https://video.bsky.app/watch/did%3Aplc%3Ax/bafkreivideo"
    view: JsonDict = {
        "$type": "app.bsky.embed.video#view",
        "cid": cid_for("video"),
        "playlist": f"{base}/playlist.m3u8",
        "thumbnail": f"{base}/thumbnail.jpg",
        "alt": alt,
        "aspectRatio": {"width": 16, "height": 9},
    }
    if presentation:
        view["presentation"] = presentation
    return view


def external_view(uri: str, title: str = "", description: str = "", thumb: str = "") -> JsonDict:
    external: JsonDict = {"uri": uri, "title": title, "description": description}
    if thumb:
        external["thumb"] = thumb
    return {"$type": "app.bsky.embed.external#view", "external": {"$type": "app.bsky.embed.external#viewExternal", **external}}


def unavailable_quote(kind: str, uri: str) -> JsonDict:
    """``kind`` is notFound, blocked or detached."""
    record: JsonDict = {"$type": f"app.bsky.embed.record#view{kind[0].upper()}{kind[1:]}", "uri": uri, kind: True}
    if kind == "blocked":
        record["author"] = {"did": "did:plc:blockedauthor0000000000000"}
    return {"$type": "app.bsky.embed.record#view", "record": record}


def with_media(record_view: JsonDict, media_view: JsonDict) -> JsonDict:
    return {"$type": "app.bsky.embed.recordWithMedia#view", "record": record_view, "media": media_view}


@dataclass
class Account:
    did: str
    handle: str
    display_name: str = ""
    description: str = ""
    labels: tuple[str, ...] = ()

    def basic(self) -> JsonDict:
        return {
            "$type": "app.bsky.actor.defs#profileViewBasic",
            "did": self.did,
            "handle": self.handle,
            "displayName": self.display_name,
            "avatar": f"{CDN}/avatar/plain/{self.did}/avatar@jpeg",
            "labels": [_label(self.did, self.did, value) for value in self.labels],
        }

    def detailed(self) -> JsonDict:
        return {**self.basic(), "$type": "app.bsky.actor.defs#profileViewDetailed", "description": self.description}


@dataclass
class FakeBluesky:
    """In-memory accounts and posts answering XRPC on a loopback HTTP server."""

    server: HTTPServer
    accounts: dict[str, Account] = field(default_factory=dict)
    posts: dict[str, JsonDict] = field(default_factory=dict)  # uri -> postView, in creation order
    reposts: list[tuple[str, str]] = field(default_factory=list)  # (reposter did, post uri)
    feeds: dict[str, list[str]] = field(default_factory=dict)  # feed or list at:// URI -> post URIs
    passwords: dict[str, str] = field(default_factory=dict)  # handle -> app password
    access_tokens: set[str] = field(default_factory=set)
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # token -> handle
    access_lifetime: float = 7200.0
    search_needs_login: bool = True
    calls: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    scripted: dict[str, list[Response]] = field(default_factory=dict)  # nsid -> answers sent before real ones
    _clock: int = 0

    def __post_init__(self) -> None:
        self.server.expect_request(re.compile(r"^/xrpc/[A-Za-z0-9.]+$")).respond_with_handler(self._handle)

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    # --- building the world

    def account(self, handle: str, *, password: str = "", labels: tuple[str, ...] = (), description: str = "") -> Account:
        account = Account(did_for(handle), handle, handle.split(".")[0].title(), description, labels)
        self.accounts[account.did] = account
        if password:
            self.passwords[handle] = password
        return account

    def post(
        self,
        author: Account,
        text: str,
        *,
        at: datetime | None = None,
        facets: list[JsonDict] | None = None,
        tags: list[str] | None = None,
        reply_to: str | None = None,
        embed: JsonDict | None = None,
        labels: tuple[str, ...] = (),
        self_labels: tuple[str, ...] = (),
    ) -> str:
        """Create a post (default time: one minute after the previous one); returns its at:// URI."""
        self._clock += 1
        created = at or BASE_TIME + timedelta(minutes=self._clock)
        uri = f"at://{author.did}/app.bsky.feed.post/3lfake{self._clock:07d}"
        record: JsonDict = {"$type": "app.bsky.feed.post", "text": text, "createdAt": iso(created), "langs": ["en"]}
        if facets:
            record["facets"] = facets
        if tags:
            record["tags"] = tags
        if reply_to:
            record["reply"] = self._reply_ref(reply_to)
        if self_labels:
            record["labels"] = {"$type": "com.atproto.label.defs#selfLabels", "values": [{"val": v} for v in self_labels]}
        view: JsonDict = {
            "$type": "app.bsky.feed.defs#postView",
            "uri": uri,
            "cid": cid_for(uri),
            "author": author.basic(),
            "record": record,
            "indexedAt": iso(created + timedelta(seconds=2)),
            "replyCount": 0,
            "repostCount": 0,
            "likeCount": 0,
            "quoteCount": 0,
            "labels": [_label(author.did, uri, v) for v in (*self_labels, *labels)],
        }
        if embed:
            view["embed"] = embed
        _validate(view, models.AppBskyFeedDefs.PostView)
        self.posts[uri] = view
        if reply_to and reply_to in self.posts:
            self.posts[reply_to]["replyCount"] += 1
        return uri

    def quote_of(self, uri: str) -> JsonDict:
        """An ``app.bsky.embed.record#view`` showing the stored post ``uri``."""
        quoted = self.posts[uri]
        record: JsonDict = {
            "$type": "app.bsky.embed.record#viewRecord",
            "uri": uri,
            "cid": quoted["cid"],
            "author": quoted["author"],
            "value": quoted["record"],
            "indexedAt": quoted["indexedAt"],
            "labels": quoted["labels"],
            "embeds": [quoted["embed"]] if "embed" in quoted else [],
        }
        return {"$type": "app.bsky.embed.record#view", "record": record}

    def delete(self, uri: str) -> None:
        del self.posts[uri]

    def script(self, nsid: str, status: int, body: JsonDict | None = None, headers: dict[str, str] | None = None) -> None:
        """Answer the next call of ``nsid`` with this (an error, a 429...) before answering normally."""
        response = Response(json.dumps(body or {"error": "Scripted"}), status, headers or {}, content_type="application/json")
        self.scripted.setdefault(nsid, []).append(response)

    def called(self, nsid: str) -> list[dict[str, list[str]]]:
        return [params for name, params in self.calls if name == nsid]

    def expire_access_tokens(self) -> None:
        self.access_tokens.clear()

    def revoke_sessions(self) -> None:
        self.access_tokens.clear()
        self.refresh_tokens.clear()

    # --- answering

    def _handle(self, request: Request) -> Response:
        nsid = request.path.removeprefix("/xrpc/")
        self.calls.append((nsid, {key: request.args.getlist(key) for key in request.args}))
        if self.scripted.get(nsid):
            return self.scripted[nsid].pop(0)
        handler = _HANDLERS.get(nsid)
        if handler is None:
            return _error(501, "MethodNotImplemented", nsid)
        if nsid not in _NO_LOGIN and not self._authorized(request, nsid):
            return self._auth_error(request, nsid)
        status, body = handler(self, request)
        if status == 200:
            _validate(body, ANSWER_MODELS[nsid])
        return Response(json.dumps(body), status, content_type="application/json")

    def _authorized(self, request: Request, nsid: str) -> bool:
        token = _bearer(request)
        if not token:
            return not (nsid == "app.bsky.feed.searchPosts" and self.search_needs_login)
        return token in self.access_tokens

    def _auth_error(self, request: Request, nsid: str) -> Response:
        if not _bearer(request):
            return _error(403, "Forbidden", f"{nsid} needs a logged-in client")
        return _error(400, "ExpiredToken", "Token has expired")

    def _create_session(self, request: Request) -> tuple[int, JsonDict]:
        data = request.get_json(silent=True) or {}
        handle = str(data.get("identifier", ""))
        if self.passwords.get(handle) != data.get("password") or not data.get("password"):
            return 401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
        return 200, self._new_session(handle)

    def _refresh_session(self, request: Request) -> tuple[int, JsonDict]:
        token = _bearer(request)
        if token not in self.refresh_tokens:
            return 400, {"error": "ExpiredToken", "message": "Token has been revoked"}
        return 200, self._new_session(self.refresh_tokens.pop(token))

    def _new_session(self, handle: str) -> JsonDict:
        did = did_for(handle)
        access, refresh = fake_jwt(did, self.access_lifetime), fake_jwt(did, 86400 * 60, "com.atproto.refresh")
        self.access_tokens.add(access)
        self.refresh_tokens[refresh] = handle
        did_doc = {
            "@context": ["https://www.w3.org/ns/did/v1"],
            "id": did,
            "alsoKnownAs": [f"at://{handle}"],
            "verificationMethod": [],
            "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": self.url}],
        }
        return {"accessJwt": access, "refreshJwt": refresh, "handle": handle, "did": did, "didDoc": did_doc}

    def _search(self, request: Request) -> tuple[int, JsonDict]:
        query = request.args.get("q", "")
        tags = [t.casefold() for t in request.args.getlist("tag")]
        since, until = _time_arg(request, "since"), _time_arg(request, "until")
        matches = [
            view
            for view in self._newest_first(self.posts.values())
            if _matches_query(view, query)
            and all(t in _tags_of(view) for t in tags)
            and (since is None or _sort_time(view) >= since)
            and (until is None or _sort_time(view) < until)
        ]
        page, cursor = _page(matches, request)
        return 200, {"posts": page, **({"cursor": cursor} if cursor else {})}

    def _thread(self, request: Request) -> tuple[int, JsonDict]:
        uri = request.args.get("uri", "")
        if uri not in self.posts:
            return 400, {"error": "NotFound", "message": f"Post not found: {uri}"}
        depth, height = int(request.args.get("depth", 6)), int(request.args.get("parentHeight", 80))
        node = self._thread_node(uri, depth)
        node["parent"] = self._parents(uri, height)
        if node["parent"] is None:
            del node["parent"]
        return 200, {"thread": node}

    def _thread_node(self, uri: str, depth: int) -> JsonDict:
        node: JsonDict = {"$type": "app.bsky.feed.defs#threadViewPost", "post": self.posts[uri]}
        if depth > 0:
            children = [v for v in self.posts.values() if _parent_uri(v) == uri]
            node["replies"] = [self._thread_node(child["uri"], depth - 1) for child in children]
        return node

    def _parents(self, uri: str, height: int) -> JsonDict | None:
        parent = _parent_uri(self.posts[uri])
        if not parent or height <= 0:
            return None
        if parent not in self.posts:
            return {"$type": "app.bsky.feed.defs#notFoundPost", "uri": parent, "notFound": True}
        node: JsonDict = {"$type": "app.bsky.feed.defs#threadViewPost", "post": self.posts[parent]}
        grandparent = self._parents(parent, height - 1)
        if grandparent:
            node["parent"] = grandparent
        return node

    def _get_posts(self, request: Request) -> tuple[int, JsonDict]:
        uris = request.args.getlist("uris")
        if len(uris) > 25:
            return 400, {"error": "InvalidRequest", "message": "uris must not have more than 25 elements"}
        return 200, {"posts": [self.posts[u] for u in uris if u in self.posts]}

    def _get_profiles(self, request: Request) -> tuple[int, JsonDict]:
        actors = request.args.getlist("actors")
        if len(actors) > 25:
            return 400, {"error": "InvalidRequest", "message": "actors must not have more than 25 elements"}
        found = [a for a in self.accounts.values() if a.did in actors or a.handle in actors]
        return 200, {"profiles": [a.detailed() for a in found]}

    def _author_feed(self, request: Request) -> tuple[int, JsonDict]:
        actor = request.args.get("actor", "")
        account = next((a for a in self.accounts.values() if actor in (a.did, a.handle)), None)
        if account is None:
            return 400, {"error": "InvalidRequest", "message": "Profile not found"}
        own = [{"post": v} for v in self.posts.values() if v["author"]["did"] == account.did]
        shared = [
            {"post": self.posts[uri], "reason": self._repost_reason(account)}
            for by, uri in self.reposts
            if by == account.did and uri in self.posts
        ]
        items = sorted([*own, *shared], key=lambda item: _sort_time(item["post"]), reverse=True)
        page, cursor = _page(items, request)
        return 200, {"feed": page, **({"cursor": cursor} if cursor else {})}

    def _listed_feed(self, request: Request, key: str) -> tuple[int, JsonDict]:
        uris = self.feeds.get(request.args.get(key, ""))
        if uris is None:
            return 400, {"error": "UnknownFeed" if key == "feed" else "InvalidRequest", "message": "not found"}
        views = self._newest_first(self.posts[u] for u in uris if u in self.posts)
        page, cursor = _page([{"post": v} for v in views], request)
        return 200, {"feed": page, **({"cursor": cursor} if cursor else {})}

    def _repost_reason(self, account: Account) -> JsonDict:
        return {"$type": "app.bsky.feed.defs#reasonRepost", "by": account.basic(), "indexedAt": iso(BASE_TIME)}

    def _reply_ref(self, parent_uri: str) -> JsonDict:
        parent = self.posts[parent_uri]
        root = parent["record"].get("reply", {}).get("root") or {"uri": parent_uri, "cid": parent["cid"]}
        return {"root": root, "parent": {"uri": parent_uri, "cid": parent["cid"]}}

    @staticmethod
    def _newest_first(views: Any) -> list[JsonDict]:
        return sorted(views, key=_sort_time, reverse=True)


_HANDLERS: dict[str, Callable[[FakeBluesky, Request], tuple[int, JsonDict]]] = {
    "com.atproto.server.createSession": FakeBluesky._create_session,
    "com.atproto.server.refreshSession": FakeBluesky._refresh_session,
    "app.bsky.feed.searchPosts": FakeBluesky._search,
    "app.bsky.feed.getPostThread": FakeBluesky._thread,
    "app.bsky.feed.getPosts": FakeBluesky._get_posts,
    "app.bsky.actor.getProfiles": FakeBluesky._get_profiles,
    "app.bsky.feed.getAuthorFeed": FakeBluesky._author_feed,
    "app.bsky.feed.getFeed": lambda fake, request: fake._listed_feed(request, "feed"),
    "app.bsky.feed.getListFeed": lambda fake, request: fake._listed_feed(request, "list"),
}
_NO_LOGIN = frozenset({"com.atproto.server.createSession", "com.atproto.server.refreshSession"})


def _validate(data: JsonDict, model: type[Any]) -> None:
    """Raise if the SDK would not accept this as ``model`` (the fixture must speak real XRPC)."""
    get_or_create(data, model, strict=True)


def _label(source: str, uri: str, value: str) -> JsonDict:
    return {"src": source, "uri": uri, "val": value, "cts": iso(BASE_TIME)}


def _error(status: int, name: str, message: str) -> Response:
    return Response(json.dumps({"error": name, "message": message}), status, content_type="application/json")


def _bearer(request: Request) -> str:
    header = request.headers.get("Authorization", "")
    return header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""


def _nth_index(text: str, fragment: str, occurrence: int) -> int:
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(fragment, index + 1)
    return index


def _tags_of(view: JsonDict) -> set[str]:
    record = view["record"]
    tags = {f["tag"].casefold() for fc in record.get("facets", []) for f in fc["features"] if "tag" in f}
    return tags | {t.casefold() for t in record.get("tags", [])}


def _matches_query(view: JsonDict, query: str) -> bool:
    """Enough of the production syntax: '#tag' terms match tags, other terms the text."""
    for term in query.split():
        if term.startswith("#"):
            if term[1:].casefold() not in _tags_of(view):
                return False
        elif term != "*" and term.casefold() not in view["record"]["text"].casefold():
            return False
    return True


def _parent_uri(view: JsonDict) -> str:
    return view["record"].get("reply", {}).get("parent", {}).get("uri", "")


def _sort_time(view: JsonDict) -> datetime:
    created = datetime.fromisoformat(view["record"]["createdAt"])
    return min(created, datetime.fromisoformat(view["indexedAt"]))


def _time_arg(request: Request, name: str) -> datetime | None:
    value = request.args.get(name)
    return datetime.fromisoformat(value) if value else None


def _page(items: list[Any], request: Request) -> tuple[list[Any], str | None]:
    limit = min(int(request.args.get("limit", 25)), 100)
    offset = int(request.args.get("cursor") or 0)
    page = items[offset : offset + limit]
    more = offset + limit < len(items)
    return page, str(offset + limit) if more else None


# --- the collector under test, pointed at the fake network

HANDLE, PASSWORD = "reporter.test", "app-pass-1234-abcd"
CONFERENCE = Conference(
    name="ShelfCon",
    hashtags=("shelfcon",),
    timezone="Europe/Berlin",
    start=BASE_TIME,
    end=BASE_TIME + timedelta(days=1),
)
FAST_RETRIES = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02, max_wait=5.0)


@dataclass
class Harness:
    """Runs the collector against a :class:`FakeBluesky`, remembering state and stored ids between runs."""

    fake: FakeBluesky
    data_dir: Path
    stored: list[str] = field(default_factory=list)
    state: SourceState = field(default_factory=SourceState)
    waits: list[float] = field(default_factory=list)
    saved: Blobs | None = None  # a store's saved values, as a run gives them (None: files in data_dir)

    def collector(self, **options: Any) -> BlueskyCollector:
        settings = {"type": "bluesky", "service": self.fake.url, "appview": self.fake.url, **options}
        context = CollectContext(
            conference=CONFERENCE, data_dir=self.data_dir, saved=self.saved, stored_ids=lambda: list(self.stored)
        )
        collector = BlueskyCollector(BlueskyOptions(**settings), context)
        collector.retry_policy = FAST_RETRIES
        collector.sleep = self.waits.append  # type: ignore[method-assign]  # record waits instead of sleeping
        return collector

    def run(self, **options: Any) -> CollectResult:
        result = self.collector(**options).collect(self.state)
        self.state = result.state
        self.stored = [*dict.fromkeys([*self.stored, *(p.id for p in result.posts)])]
        self.stored = [uri for uri in self.stored if uri not in result.deleted]
        return result
