"""The browser suite's shared pieces: one headless Chromium per session, the two sites it reads
(the bundled example and a generated larger conference), a loopback server for the posts' images
and the folder screenshots go to.

Chromium is the system's (/usr/bin/chromium, Debian package `chromium`), driven by Playwright;
`playwright install` is never needed. Without Chromium, Playwright or Java the suite skips with the
reason, or fails when AGGREGATOR_REQUIRE_BROWSER is set (as .ci/run does).
"""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any

import pytest

from aggregator import pipeline
from aggregator.config.model import load_config
from aggregator.site.about import ArchiveFacts, SourceHealth
from aggregator.site.pages import render_site
from aggregator.store.sqlite import Store
from tests.browser.large_conference import large_digest, media_urls
from tests.browser.visits import BuiltSite
from tests.paths import EXAMPLE, REPO

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"  # git-ignored
EXAMPLE_NOW = datetime(2026, 6, 20, 12, 0, tzinfo=UTC)  # after ShelfCon, as tests/test_example.py builds it


def unavailable(reason: str) -> None:
    """Skip with ``reason``; fail instead where the suite is required (CI)."""
    if os.environ.get("AGGREGATOR_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (AGGREGATOR_REQUIRE_BROWSER is set, so this fails instead of skipping)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        unavailable(f"no {CHROMIUM}: install the Debian package (apt-get install chromium, or .ci/browser-setup.sh)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is missing: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def java() -> str:
    found = shutil.which("java")
    if found is None:
        unavailable("no java for the Nu HTML checker: install Java 17 (apt-get install default-jre-headless)")
    return str(found)


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    work = tmp_path_factory.mktemp("browser-example")
    config = load_config(EXAMPLE / "sources.yaml").model_copy(
        update={"data_dir": work / "data", "output": work / "output"}
    )
    with Store(config.data_dir) as store:
        collected = pipeline.collect_sources(config, store)
        assert not collected.failed, [s.summary() for s in collected.failed]
        report = pipeline.build_site(config, store, clock=lambda: EXAMPLE_NOW)
    return BuiltSite("example", config.output, frozenset(media_urls(report.digest)), EXAMPLE_NOW)


@pytest.fixture(scope="session")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    digest = large_digest()
    output = tmp_path_factory.mktemp("browser-large") / "output"
    health = (
        SourceHealth("bluesky", "bluesky", ("https://bsky.app/search?q=%23vlsc27",), True, digest.generated_at, ""),
        SourceHealth("mastodon", "mastodon", ("https://glammr.example/tags/vlsc27",), True, None, "HTTP 503 from glammr.example"),
    )
    render_site(digest, output, archive=ArchiveFacts(sources=health, removed_posts=3))
    return BuiltSite("large", output, frozenset(media_urls(digest)), digest.generated_at)


@pytest.fixture(scope="session")
def sites(example_site: BuiltSite, large_site: BuiltSite) -> dict[str, BuiltSite]:
    return {site.name: site for site in (example_site, large_site)}


@pytest.fixture(scope="session")
def media_server() -> Iterator[str]:
    """A loopback server answering every path with one wide PNG: the posts' images, served."""
    image = wide_png(2400, 300)

    class Images(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the http.server interface)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(image)))
            self.end_headers()
            self.wfile.write(image)

        def log_message(self, *args: object) -> None:
            pass

    with ThreadingHTTPServer(("127.0.0.1", 0), Images) as server:
        Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_address[1]}/image.png"
        server.shutdown()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    print(f"\nbrowser suite: screenshots in {ARTIFACTS}")
    return ARTIFACTS


def wide_png(width: int, height: int) -> bytes:
    """A valid grey PNG of the given size (wider than any phone: it must still fit the column)."""
    rows = b"".join(b"\x00" + b"\x88" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
