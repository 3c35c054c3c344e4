"""Identifiers in the formats the real services use, derived deterministically from seeds."""
from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import UTC, datetime

_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_PRETALX_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ3789"
_CODEC_DAG_CBOR = 0x71
_CODEC_RAW = 0x55
_SHA2_256 = 0x12


def _digest(seed: str) -> bytes:
    return hashlib.sha256(seed.encode("utf-8")).digest()


def _seed_int(seed: str, bits: int) -> int:
    return int.from_bytes(_digest(seed)[:8], "big") % (1 << bits)


def tid(moment: datetime, seed: str) -> str:
    """A record key in atproto's TID format: microseconds since the epoch plus a clock id."""
    micros = int(moment.timestamp() * 1_000_000)
    value = (micros << 10) | _seed_int(seed, 10)
    chars = [_TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5)]
    return "".join(chars)


def _cid(seed: str, codec: int) -> str:
    raw = bytes([0x01, codec, _SHA2_256, 0x20]) + _digest(seed)
    return "b" + base64.b32encode(raw).decode("ascii").lower().rstrip("=")


def record_cid(seed: str) -> str:
    """A CIDv1 (dag-cbor, sha2-256) like the ones on Bluesky records: `bafyrei...`."""
    return _cid(seed, _CODEC_DAG_CBOR)


def blob_cid(seed: str) -> str:
    """A CIDv1 (raw, sha2-256) like the ones on Bluesky blobs: `bafkrei...`."""
    return _cid(seed, _CODEC_RAW)


def did_plc(seed: str) -> str:
    return "did:plc:" + base64.b32encode(_digest(seed)[:15]).decode("ascii").lower()


def mastodon_id(moment: datetime, seed: str) -> str:
    """Mastodon's snowflake-style id: milliseconds since the epoch shifted left 16 bits, plus a sequence."""
    millis = int(moment.timestamp() * 1000)
    return str((millis << 16) | _seed_int(seed, 16))


def pretalx_code(seed: str) -> str:
    number = _seed_int(seed, 48)
    chars = []
    for _ in range(6):
        number, index = divmod(number, len(_PRETALX_ALPHABET))
        chars.append(_PRETALX_ALPHABET[index])
    return "".join(chars)


def stable_uuid(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, seed))


def utc_z(moment: datetime) -> str:
    """`2026-06-11T08:03:00.000Z`, the timestamp style both Bluesky and Mastodon send."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
