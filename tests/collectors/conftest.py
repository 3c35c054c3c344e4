"""Fixtures of the collector tests: a loopback Bluesky (XRPC answers validated by the SDK) and a harness around it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.collectors.bluesky.fakes import HANDLE, PASSWORD, FakeBluesky, Harness


@pytest.fixture
def bluesky(httpserver: HTTPServer) -> Iterator[FakeBluesky]:
    fake = FakeBluesky(httpserver)
    yield fake
    httpserver.check_handler_errors()  # an invalid answer or a fixture bug fails the test


@pytest.fixture
def harness(bluesky: FakeBluesky, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Harness:
    bluesky.account(HANDLE, password=PASSWORD)
    monkeypatch.setenv("BSKY_HANDLE", HANDLE)
    monkeypatch.setenv("BSKY_APP_PASSWORD", PASSWORD)
    return Harness(bluesky, tmp_path / "data")
