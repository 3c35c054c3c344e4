"""Benchmark: how many stream events one core decodes and filters, against the network's peak.

    python bench/bench_stream.py                  # 50,000 events of each kind
    python bench/bench_stream.py --events 200000

Two inputs, built here in each stream's wire format:
  jetstream  JSON messages as Jetstream sends them with wantedCollections=app.bsky.feed.post:
             post creates (some with facets, replies, embeds), deletes, identity and account events
  firehose   com.atproto.sync.subscribeRepos frames (DAG-CBOR header + body, the records in a
             CAR slice), as a relay sends them: mostly likes, follows and reposts, 1 in 8 a post
In both, 1 post in 500 carries the conference hashtag and 1 in 1000 replies into a tracked thread.
Timed: the whole per-message path of the live reader (decode the message, decode the CAR for
post commits, filter), single-threaded, without the network.

The figure compared against: Bluesky's relay firehose peaked at about 2,000–3,000 commit
events a second during the growth surge of November 2024 (reported by Jetstream's and
firehose operators at the time); posts are roughly a tenth of them, so a Jetstream asked for
posts only peaks at a few hundred messages a second. We assume PEAK_FIREHOSE = 3,000/s and
PEAK_JETSTREAM_POSTS = 400/s.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import libipld

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from atproto_subscription.frames import MessageFrame, parse_frame, parse_frame_header  # noqa: E402

from aggregator.collectors.bluesky.matching import StreamFilter  # noqa: E402
from aggregator.collectors.bluesky.stream import (  # noqa: E402
    StreamMessage,
    firehose_message,
    jetstream_message,
)
from tests.collectors.bluesky.firehose_frames import commit_frame  # noqa: E402

PEAK_FIREHOSE = 3000
PEAK_JETSTREAM_POSTS = 400
TAG = "c4l27"
TRACKED_ROOT = "at://did:plc:tracked/app.bsky.feed.post/3lroot"
START = datetime(2027, 3, 3, 15, 0, tzinfo=UTC)


def post_record(n: int, rng: random.Random) -> dict[str, Any]:
    text = f"Post number {n} about libraries and {rng.choice(['metadata', 'catalogues', 'open access'])}"
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "langs": ["en"],
                              "createdAt": (START + timedelta(milliseconds=n)).isoformat().replace("+00:00", "Z")}  # fmt: skip
    if n % 500 == 0:
        record["text"] = text + f" #{TAG}"
        start = len(text.encode()) + 1
        record["facets"] = [{"index": {"byteStart": start, "byteEnd": start + len(TAG) + 1},
                             "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": TAG}]}]  # fmt: skip
    elif n % 7 == 0:
        record["facets"] = [{"index": {"byteStart": 0, "byteEnd": 4},
                             "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.org/"}]}]  # fmt: skip
    if n % 1000 == 1:
        ref = {"uri": TRACKED_ROOT, "cid": "bafyreiroot"}
        record["reply"] = {"root": ref, "parent": ref}
    return record


# --- Jetstream ------------------------------------------------------------------------


def jetstream_events(count: int) -> list[str]:
    rng = random.Random(1)
    events = []
    for n in range(count):
        did = f"did:plc:{n % 5000:024d}"
        micros = int((START + timedelta(milliseconds=n)).timestamp() * 1_000_000)
        roll = n % 100
        if roll < 88:
            body = {"rev": f"3l{n:x}", "operation": "create", "collection": "app.bsky.feed.post",
                    "rkey": f"3l{n:011d}", "record": post_record(n, rng), "cid": f"bafyrei{n:040d}"}  # fmt: skip
            event = {"did": did, "time_us": micros, "kind": "commit", "commit": body}
        elif roll < 98:
            body = {"rev": f"3l{n:x}", "operation": "delete", "collection": "app.bsky.feed.post", "rkey": f"3l{n:011d}"}
            event = {"did": did, "time_us": micros, "kind": "commit", "commit": body}
        elif roll == 98:
            event = {"did": did, "time_us": micros, "kind": "identity",
                     "identity": {"did": did, "handle": "someone.bsky.social", "seq": n, "time": "2027-03-03T15:00:00Z"}}  # fmt: skip
        else:
            event = {"did": did, "time_us": micros, "kind": "account",
                     "account": {"active": True, "did": did, "seq": n, "time": "2027-03-03T15:00:00Z"}}  # fmt: skip
        events.append(json.dumps(event))
    return events


# --- firehose -------------------------------------------------------------------------


def firehose_frames(count: int) -> list[bytes]:
    rng = random.Random(2)
    kinds = ["app.bsky.feed.like"] * 5 + ["app.bsky.graph.follow", "app.bsky.feed.repost", "app.bsky.feed.post"]
    frames = []
    for n in range(count):
        collection = kinds[n % len(kinds)]
        record = post_record(n // len(kinds), rng) if collection == "app.bsky.feed.post" else {
            "$type": collection, "createdAt": "2027-03-03T15:00:00Z",
            "subject": {"uri": TRACKED_ROOT, "cid": "bafyreiroot"}}  # fmt: skip
        frames.append(commit_frame(n, f"did:plc:{n % 5000:024d}", [("create", f"{collection}/3l{n:011d}", record)]))
    return frames


def decode_firehose(raw: bytes) -> StreamMessage | None:
    """What the SDK's client does with a binary frame, then our decoding of it."""
    header, body = libipld.decode_dag_cbor_multi(raw)
    frame = parse_frame(parse_frame_header(header), body)
    return firehose_message(frame) if isinstance(frame, MessageFrame) else None


# --- timing ---------------------------------------------------------------------------


def timed(messages: Sequence[Any], decode: Callable[[Any], StreamMessage | None]) -> tuple[float, int]:
    wanted = StreamFilter((TAG,), "", "self")
    wanted.remember(TRACKED_ROOT)
    kept = 0
    started = time.perf_counter()
    for raw in messages:
        message = decode(raw)
        if message is not None:
            kept += sum(1 for event in message.posts if event.action == "create" and wanted.wants(event))
    return time.perf_counter() - started, kept


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=50_000)
    args = parser.parse_args(argv)
    rows = []
    for name, build, decode, peak in (
        ("jetstream (posts only)", jetstream_events, jetstream_message, PEAK_JETSTREAM_POSTS),
        ("firehose (all commits)", firehose_frames, decode_firehose, PEAK_FIREHOSE),
    ):
        messages = build(args.events)
        seconds, kept = timed(messages, decode)
        rate = len(messages) / seconds
        rows.append((name, f"{len(messages):,}", f"{kept:,}", f"{seconds:.2f} s", f"{rate:,.0f}/s", f"{peak:,}/s", f"{rate / peak:.1f}×"))
    head = ("stream", "events", "kept", "time", "one core", "assumed peak", "headroom")
    widths = [max(len(str(r[i])) for r in (head, *rows)) for i in range(len(head))]
    for row in (head, tuple("-" * w for w in widths), *rows):
        print(" | ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
