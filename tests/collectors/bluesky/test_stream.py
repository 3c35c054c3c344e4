"""Decoding both streams, the filter on raw records, and the reader against a loopback firehose."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import libipld
import pytest
from atproto_subscription.frames import MessageFrame, parse_frame, parse_frame_header
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

from aggregator.collectors.bluesky.matching import StreamFilter
from aggregator.collectors.bluesky.reading import StreamReader
from aggregator.collectors.bluesky.stream import (
    PostEvent,
    StreamMessage,
    firehose_base,
    firehose_message,
    jetstream_message,
    jetstream_url,
    stream_kind,
)
from tests.collectors.bluesky.firehose_frames import (
    account_frame,
    commit_frame,
    identity_frame,
    info_frame,
)

DID = "did:plc:alice"
POST = {"$type": "app.bsky.feed.post", "text": "Keynote #c4l27", "createdAt": "2027-03-03T15:00:00Z",
        "facets": [{"index": {"byteStart": 8, "byteEnd": 14},
                    "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "c4l27"}]}]}  # fmt: skip
LIKE = {"$type": "app.bsky.feed.like", "createdAt": "2027-03-03T15:00:00Z",
        "subject": {"uri": f"at://{DID}/app.bsky.feed.post/1", "cid": "bafyreia"}}  # fmt: skip


def decoded(raw: bytes) -> StreamMessage | None:
    header, body = libipld.decode_dag_cbor_multi(raw)
    parsed = parse_frame(parse_frame_header(header), body)
    assert isinstance(parsed, MessageFrame)
    return firehose_message(parsed)


# --- endpoints


@pytest.mark.parametrize(
    ("url", "kind"),
    [("wss://jetstream2.us-east.bsky.network/subscribe", "jetstream"), ("ws://127.0.0.1:6008/subscribe/", "jetstream"),
     ("wss://bsky.network", "firehose"), ("https://pds.example", "firehose")],
)  # fmt: skip
def test_the_url_path_tells_the_kind(url: str, kind: str) -> None:
    assert stream_kind(url) == kind


def test_jetstream_url_asks_for_posts_from_the_cursor_and_keeps_other_parameters() -> None:
    url = jetstream_url("wss://js.example/subscribe?compress=false&cursor=1&wantedCollections=app.bsky.feed.like", 42)
    assert parse_qs(urlsplit(url).query) == {"compress": ["false"], "wantedCollections": ["app.bsky.feed.post"], "cursor": ["42"]}
    assert "cursor" not in jetstream_url("wss://js.example/subscribe", None)


@pytest.mark.parametrize(
    ("url", "base"),
    [("https://pds.example", "wss://pds.example/xrpc"), ("http://localhost:2583/", "ws://localhost:2583/xrpc"),
     ("wss://bsky.network/xrpc/com.atproto.sync.subscribeRepos", "wss://bsky.network/xrpc")],
)  # fmt: skip
def test_firehose_base_is_the_sdk_base_uri(url: str, base: str) -> None:
    assert firehose_base(url) == base


# --- Jetstream messages


def test_jetstream_update_is_a_create_and_junk_is_nothing() -> None:
    event = {"did": DID, "time_us": 5, "kind": "commit",
             "commit": {"operation": "update", "collection": "app.bsky.feed.post", "rkey": "3l1", "record": POST, "cid": "bafy"}}  # fmt: skip
    message = jetstream_message(json.dumps(event))
    assert message is not None and message.cursor == 5
    assert message.posts == (PostEvent("create", f"at://{DID}/app.bsky.feed.post/3l1", DID, "bafy", POST),)
    assert jetstream_message("not json") is None and jetstream_message('{"kind": "commit"}') is None
    unknown = jetstream_message(json.dumps({"did": DID, "time_us": 6, "kind": "sync"}))
    assert unknown is not None and unknown.cursor == 6 and unknown.posts == () and unknown.accounts == ()


# --- firehose frames


def test_firehose_commit_gives_post_creates_and_deletes_and_skips_other_records() -> None:
    message = decoded(commit_frame(7, DID, [("create", "app.bsky.feed.post/3l1", POST),
                                            ("delete", "app.bsky.feed.post/3l0", None),
                                            ("create", "app.bsky.feed.like/3l2", LIKE)]))  # fmt: skip
    assert message is not None and message.cursor == 7 and message.at is not None
    assert [(e.action, e.uri, e.record) for e in message.posts] == [
        ("create", f"at://{DID}/app.bsky.feed.post/3l1", POST),
        ("delete", f"at://{DID}/app.bsky.feed.post/3l0", None),
    ]
    likes_only = decoded(commit_frame(8, DID, [("create", "app.bsky.feed.like/3l3", LIKE)]))
    assert likes_only is not None and likes_only.posts == () and likes_only.cursor == 8


def test_firehose_account_identity_and_info_frames() -> None:
    gone = decoded(account_frame(9, DID, active=False, status="deleted"))
    paused = decoded(account_frame(10, DID, active=False, status="deactivated"))
    renamed = decoded(identity_frame(11, DID, "new.example"))
    outdated = decoded(info_frame("OutdatedCursor"))
    assert gone is not None and gone.accounts[0].gone and not gone.accounts[0].active
    assert paused is not None and not paused.accounts[0].gone and not paused.accounts[0].active
    assert renamed is not None and renamed.accounts[0].handle_changed and renamed.cursor == 11
    assert outdated is not None and outdated.outdated_cursor and outdated.cursor == -1


# --- the filter


def test_filter_by_query_words_and_tags_typed_or_faceted() -> None:
    wanted = StreamFilter((), "#c4l27 linked data", "none")
    assert wanted.matches({"text": "Linked DATA talk #C4L27"})
    assert not wanted.matches({"text": "Linked data talk"})
    assert not wanted.matches({"text": "talk #c4l27"})
    tags_only = StreamFilter(("c4l27",), "", "none")
    assert tags_only.matches({"text": "x", "tags": ["C4L27"]})
    assert not tags_only.matches({"text": "#c4l27x is another tag"})
    assert not StreamFilter((), "", "all").matches({"text": "anything"})


@pytest.mark.parametrize(("replies", "own", "others"), [("self", True, False), ("all", True, True), ("none", False, False)])
def test_replies_into_a_tracked_thread(replies: str, own: bool, others: bool) -> None:
    wanted = StreamFilter(("c4l27",), "", replies)  # type: ignore[arg-type]
    root = f"at://{DID}/app.bsky.feed.post/root"
    wanted.remember(root)
    reply = {"text": "2/ more", "reply": {"root": {"uri": root, "cid": "x"}, "parent": {"uri": root, "cid": "x"}}}
    assert wanted.wants(PostEvent("create", f"at://{DID}/app.bsky.feed.post/r1", DID, record=reply)) is own
    assert wanted.wants(PostEvent("create", "at://did:plc:bob/app.bsky.feed.post/r2", "did:plc:bob", record=reply)) is others
    assert wanted.wants(PostEvent("delete", root, DID)) and not wanted.wants(PostEvent("delete", root + "x", DID))


# --- the reader against a loopback firehose


class Firehose:
    """``com.atproto.sync.subscribeRepos`` on a loopback WebSocket: binary frames with ``seq`` after the cursor."""

    def __init__(self, frames: list[tuple[int, bytes]]) -> None:
        self.frames = frames
        self.paths: list[str] = []
        self.server: Server = serve(self._connection, "127.0.0.1", 0)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self.server.socket.getsockname()[:2]
        return f"ws://{host}:{port}"

    def _connection(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        self.paths.append(ws.request.path)
        cursor = int(parse_qs(urlsplit(ws.request.path).query).get("cursor", ["0"])[0])
        try:
            for seq, raw in self.frames:
                if seq > cursor:
                    ws.send(raw)
            ws.close()  # a server going away: the reader must come back from its cursor
        except ConnectionClosed:
            return


@pytest.fixture
def firehose() -> Iterator[Firehose]:
    def path(n: int) -> str:
        return f"app.bsky.feed.post/3l{n}" if n % 2 else f"app.bsky.feed.like/3l{n}"

    server = Firehose([(n, commit_frame(n, DID, [("create", path(n), POST if n % 2 else LIKE)])) for n in range(1, 7)])
    yield server
    server.server.shutdown()


def test_reader_queues_what_is_wanted_and_reconnects_from_its_cursor(firehose: Firehose) -> None:
    messages: queue.Queue[StreamMessage] = queue.Queue(100)
    halt = threading.Event()
    reader = StreamReader(firehose.url, StreamFilter(("c4l27",), "", "self"), messages, halt)
    reader.backoff.first = 0.05
    thread = threading.Thread(target=reader.run, args=(2,), daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while len(firehose.paths) < 2:
        assert time.monotonic() < deadline, "no reconnection"
        time.sleep(0.05)
    halt.set()
    thread.join(timeout=15)

    uris = [e.uri for m in list(messages.queue) for e in m.posts]
    assert uris == [f"at://{DID}/app.bsky.feed.post/3l{n}" for n in (3, 5)]  # after cursor 2, posts only
    assert firehose.paths[0].startswith("/xrpc/com.atproto.sync.subscribeRepos") and "cursor=2" in firehose.paths[0]
    assert "cursor=6" in firehose.paths[1]  # the second connection resumes after the last frame read
