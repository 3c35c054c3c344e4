"""One run's network: https answers are verified against the CA bundle, and a run that only
speaks plain http never pays for loading that bundle (the SSL context is made at the first
https request)."""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import httpx
import pytest
import trustme
from pytest_httpserver import HTTPServer

from aggregator.errors import SourceError
from aggregator.http import RetryPolicy, make_client, network_session, request

ONCE = RetryPolicy(attempts=1)


@pytest.fixture
def untrusted_https_server() -> Iterator[HTTPServer]:
    """A TLS server whose certificate comes from a CA no bundle trusts."""
    authority = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    server = HTTPServer(host="127.0.0.1", ssl_context=context)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def contexts_made(monkeypatch: pytest.MonkeyPatch) -> list[ssl.SSLContext]:
    made: list[ssl.SSLContext] = []
    real = httpx.create_ssl_context

    def counting(*args: object, **kwargs: object) -> ssl.SSLContext:
        made.append(real(*args, **kwargs))  # type: ignore[arg-type]
        return made[-1]

    monkeypatch.setattr(httpx, "create_ssl_context", counting)
    return made


def test_a_plain_http_run_makes_no_ssl_context(httpserver: HTTPServer, contexts_made: list[ssl.SSLContext]) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data("<rss/>")
    with network_session(), make_client() as client:
        for _ in range(3):
            assert request(client, "GET", httpserver.url_for("/feed.xml"), policy=ONCE).status_code == 200
    assert contexts_made == []


def test_https_is_verified_with_one_context_for_the_whole_run(
    untrusted_https_server: HTTPServer, contexts_made: list[ssl.SSLContext]
) -> None:
    untrusted_https_server.expect_request("/feed.xml").respond_with_data("<rss/>")
    url = untrusted_https_server.url_for("/feed.xml")
    assert url.startswith("https://")
    with network_session():
        for _ in range(2):
            with make_client() as client, pytest.raises(SourceError, match="CERTIFICATE_VERIFY_FAILED"):
                request(client, "GET", url, policy=ONCE)
    assert len(contexts_made) == 1 and contexts_made[0].verify_mode == ssl.CERT_REQUIRED
