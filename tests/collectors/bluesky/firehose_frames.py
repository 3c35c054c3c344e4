"""``com.atproto.sync.subscribeRepos`` frames built byte by byte, as a relay or PDS sends them.

A frame is two DAG-CBOR values back to back: the header (``op``, ``t``: ``#commit``,
``#account``, ``#identity``, ``#info``) and the body. A commit's records travel in ``blocks``,
a CARv1 slice (a varint-prefixed header naming the root, then varint-prefixed CID + block
pairs); CID links are CBOR tag 42 over the binary CID with a leading zero byte.
"""

from __future__ import annotations

import hashlib
from typing import Any

import libipld


def cid_of(data: bytes) -> bytes:
    """A CIDv1 (dag-cbor, sha2-256) in its binary form."""
    return bytes([0x01, 0x71, 0x12, 0x20]) + hashlib.sha256(data).digest()


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def car(blocks: list[tuple[bytes, bytes]]) -> bytes:
    """A CARv1 whose root is the first block."""
    root = blocks[0][0]
    link = b"\xd8\x2a\x58" + bytes([len(root) + 1]) + b"\x00" + root
    header = b"\xa2" + b"\x65roots" + b"\x81" + link + b"\x67version" + b"\x01"
    body = b"".join(varint(len(cid) + len(data)) + cid + data for cid, data in blocks)
    return varint(len(header)) + header + body


def frame(kind: str, body: dict[str, Any]) -> bytes:
    return libipld.encode_dag_cbor({"op": 1, "t": kind}) + libipld.encode_dag_cbor(body)


def commit_frame(seq: int, did: str, ops: list[tuple[str, str, dict[str, Any] | None]],
                 time: str = "2027-03-03T15:00:00.000Z") -> bytes:  # fmt: skip
    """A ``#commit`` of ``ops`` (action, path, record or None for a delete) to ``did``'s repo."""
    commit_block = libipld.encode_dag_cbor({"did": did, "rev": f"3l{seq:x}", "version": 3})
    blocks = [(cid_of(commit_block), commit_block)]
    encoded_ops = []
    for action, path, record in ops:
        op: dict[str, Any] = {"action": action, "path": path, "cid": None}
        if record is not None:
            data = libipld.encode_dag_cbor(record)
            blocks.append((cid_of(data), data))
            op["cid"] = libipld.encode_cid(cid_of(data))
        encoded_ops.append(op)
    body = {"seq": seq, "repo": did, "rev": f"3l{seq:x}", "since": None, "rebase": False, "tooBig": False,
            "time": time, "blobs": [], "commit": libipld.encode_cid(blocks[0][0]), "blocks": car(blocks),
            "ops": encoded_ops}  # fmt: skip
    return frame("#commit", body)


def account_frame(seq: int, did: str, active: bool, status: str | None = None) -> bytes:
    body: dict[str, Any] = {"seq": seq, "did": did, "active": active, "time": "2027-03-03T15:00:00.000Z"}
    if status:
        body["status"] = status
    return frame("#account", body)


def identity_frame(seq: int, did: str, handle: str) -> bytes:
    return frame("#identity", {"seq": seq, "did": did, "handle": handle, "time": "2027-03-03T15:00:00.000Z"})


def info_frame(name: str) -> bytes:
    return frame("#info", {"name": name, "message": "cursor is older than the rewind window"})
