"""A loopback Jetstream: a real WebSocket server replaying events in Jetstream's JSON schema.

Written from Jetstream's documentation (github.com/bluesky-social/jetstream, README "Example
events"): every event has ``did``, ``time_us`` (µs since the epoch, the cursor) and ``kind``:
``commit`` (with ``commit.operation`` create/update/delete, ``collection``, ``rkey``, ``rev``,
and for create/update ``record`` and ``cid``), ``identity`` or ``account``. It honours the
``wantedCollections`` and ``cursor`` query parameters as the real server does (playback from
the cursor, inclusive; without one, only what happens from now on), then sends events appended
later, live.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

JsonDict = dict[str, Any]


def time_us(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def commit(did: str, at: datetime, operation: str, rkey: str, record: JsonDict | None = None,
           collection: str = "app.bsky.feed.post") -> JsonDict:  # fmt: skip
    body: JsonDict = {"rev": f"3l{time_us(at):x}", "operation": operation, "collection": collection, "rkey": rkey}
    if record is not None:
        body |= {"record": record, "cid": f"bafyrei{rkey}{time_us(at) % 10_000:04d}"}
    return {"did": did, "time_us": time_us(at), "kind": "commit", "commit": body}


def identity(did: str, at: datetime, handle: str) -> JsonDict:
    stamp = at.isoformat().replace("+00:00", "Z")
    return {"did": did, "time_us": time_us(at), "kind": "identity",
            "identity": {"did": did, "handle": handle, "seq": time_us(at) // 1000, "time": stamp}}  # fmt: skip


def account(did: str, at: datetime, active: bool, status: str = "") -> JsonDict:
    body: JsonDict = {"active": active, "did": did, "seq": time_us(at) // 1000, "time": at.isoformat().replace("+00:00", "Z")}
    if status:
        body["status"] = status
    return {"did": did, "time_us": time_us(at), "kind": "account", "account": body}


@dataclass
class Jetstream:
    events: list[JsonDict] = field(default_factory=list)
    requests: list[dict[str, list[str]]] = field(default_factory=list)  # each connection's query
    server: Server | None = None

    def start(self) -> Jetstream:
        self.server = serve(self._connection, "127.0.0.1", 0)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/subscribe"

    def _connection(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        query = parse_qs(urlsplit(ws.request.path).query)
        self.requests.append(query)
        wanted = set(query.get("wantedCollections", []))
        cursor = int(query["cursor"][0]) if "cursor" in query else None
        sent = 0 if cursor is not None else len(self.events)  # without a cursor: live from now on
        try:
            while True:
                for event in self.events[sent:]:
                    if _wanted(event, wanted) and (cursor is None or event["time_us"] >= cursor):
                        ws.send(json.dumps(event))
                sent = len(self.events)
                try:
                    ws.recv(timeout=0.05)
                except TimeoutError:
                    continue
        except ConnectionClosed:
            return


def _wanted(event: JsonDict, collections: set[str]) -> bool:
    if event["kind"] != "commit" or not collections:
        return True
    return event["commit"]["collection"] in collections
