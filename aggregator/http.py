"""HTTP for every collector: one client shape, polite headers, bounded retries, bounded time and size.

Retries 5xx answers, timeouts and connection errors with jittered exponential backoff;
honours 429 with ``Retry-After``, ``RateLimit-Reset`` (seconds or epoch, Bluesky) or
``X-RateLimit-Reset`` (an ISO moment, Mastodon) when the wait is
within ``max_wait``, and raises :class:`RateLimited` otherwise.

Nothing a server does can hold a run or fill the memory:

- every request has one total deadline (``network.timeout``, connect to last body byte), enforced
  at each socket read, so a server dripping one byte every second is cut off on time;
- every source has an overall deadline (``network.deadline``), retries and waits included;
- every answer is streamed and refused once its decompressed size passes the cap of its kind
  (feed, JSON API, programme): a gzip bomb costs at most one decoded chunk past the cap.

A run opens one :func:`network_session`: one SSL context and one connection pool shared by every
client of the run (connections to a host are reused across sources). Without a session each
client has its own.
"""

from __future__ import annotations

import logging
import math
import random
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpcore
import httpx
from pydantic import BaseModel, ConfigDict, Field

from aggregator import USER_AGENT
from aggregator.errors import DeadlineExceeded, RateLimited, ResponseTooLarge, SourceError

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({500, 502, 503, 504})
MIB = 1024 * 1024


class NetworkSettings(BaseModel):
    """`network:` in sources.yaml: how long and how much any server may take."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    timeout: float = Field(
        60.0, gt=0, description="Seconds one request may take in all (connecting, waiting, reading the answer)."
    )
    deadline: float = Field(
        120.0, gt=0, description="Seconds one source may take in all, retries and waits included; then it fails."
    )
    read_timeout: float = Field(20.0, gt=0, description="Seconds of silence on a connection before a request is retried.")
    max_feed_mb: float = Field(8.0, gt=0, description="Largest RSS/Atom feed read, in MB once decompressed.")
    max_json_mb: float = Field(16.0, gt=0, description="Largest answer of a JSON API (Bluesky, Mastodon), in MB decompressed.")
    max_programme_mb: float = Field(32.0, gt=0, description="Largest programme download, in MB decompressed.")
    concurrency: int = Field(
        8, ge=1, description="Feeds and Mastodon servers fetched at once, in all; 1 reads one source after another."
    )
    per_host: int = Field(2, ge=1, description="Sources fetched at once from any one server (host name).")
    parse_processes: int | None = Field(
        None,
        ge=0,
        description="Processes that parse downloaded feeds of 16 KB or more while the fetching goes on (feedparser is "
        "pure Python: threads share one CPU); 0 parses them in the fetching threads. Default: one per CPU, at most 4 "
        "(0 on a single CPU).",
    )
    max_post_kb: float = Field(
        100.0, gt=0, description="Text kept per post and per field, in KB; longer posts are shortened and link to the original."
    )

    @property
    def max_feed_bytes(self) -> int:
        return int(self.max_feed_mb * MIB)

    @property
    def max_json_bytes(self) -> int:
        return int(self.max_json_mb * MIB)

    @property
    def max_programme_bytes(self) -> int:
        return int(self.max_programme_mb * MIB)

    @property
    def max_post_chars(self) -> int:
        return int(self.max_post_kb * 1024)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 0.5  # seconds; doubled each attempt, with jitter
    max_delay: float = 30.0
    max_wait: float = 120.0  # the longest a 429 may make us wait before giving up


@dataclass
class SourceTraffic:
    """What one source's requests got back, for its log line and attempt record."""

    last_status: int | None = None  # HTTP status of its latest answer


@dataclass(frozen=True)
class _Scope:
    settings: NetworkSettings
    source_ends: float = math.inf  # time.monotonic() by which the current source must be done
    traffic: SourceTraffic | None = None


_scope: ContextVar[_Scope] = ContextVar("network_scope", default=_Scope(NetworkSettings()))  # noqa: B039 (frozen)
_request_ends: ContextVar[float] = ContextVar("request_ends", default=math.inf)
_shared_transport: ContextVar[httpx.BaseTransport | None] = ContextVar("shared_transport", default=None)
_abandoned: ContextVar[threading.Event | None] = ContextVar("abandoned", default=None)


@contextmanager
def abandoned_when(event: threading.Event) -> Iterator[None]:
    """Requests made inside stop reading once ``event`` is set (a run interrupted while other
    threads fetch): each gives up at its next chunk with a :class:`SourceError`."""
    token = _abandoned.set(event)
    try:
        yield
    finally:
        _abandoned.reset(token)


def _give_up_if_abandoned(url: str) -> None:
    event = _abandoned.get()
    if event is not None and event.is_set():
        raise SourceError(f"{url}: abandoned, the run was interrupted")


def network_settings() -> NetworkSettings:
    """The limits in force here (the run's, narrowed by the current source's)."""
    return _scope.get().settings


@contextmanager
def network_session(settings: NetworkSettings = NetworkSettings()) -> Iterator[None]:
    """One run's network: these limits and one transport for every client (its connection pools,
    and the SSL context, made at the first https request)."""
    transport = _DeadlineTransport()
    scope_token = _scope.set(_Scope(settings))
    transport_token = _shared_transport.set(_Unclosable(transport))
    try:
        yield
    finally:
        _shared_transport.reset(transport_token)
        _scope.reset(scope_token)
        transport.close()


@contextmanager
def source_scope(timeout: float | None = None, deadline: float | None = None) -> Iterator[SourceTraffic]:
    """One source's time: its own request ``timeout`` and overall ``deadline`` (None: the run's).
    Yields what its answers were, filled in as they come."""
    settings = network_settings()
    changes = {key: value for key, value in (("timeout", timeout), ("deadline", deadline)) if value is not None}
    settings = settings.model_copy(update=changes) if changes else settings
    traffic = SourceTraffic()
    token = _scope.set(_Scope(settings, time.monotonic() + settings.deadline, traffic))
    try:
        yield traffic
    finally:
        _scope.reset(token)


def make_client(timeout: float | None = None, headers: Mapping[str, str] | None = None) -> httpx.Client:
    """A client with the project's headers; ``timeout`` bounds silence, the deadlines bound the rest."""
    silence = network_settings().read_timeout if timeout is None else timeout
    shared = _shared_transport.get()
    return httpx.Client(
        timeout=httpx.Timeout(silence, connect=min(silence, 10.0)),
        transport=shared if shared is not None else _DeadlineTransport(),
        follow_redirects=True,
        max_redirects=10,
        headers={"User-Agent": USER_AGENT, **(headers or {})},
    )


def request(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    policy: RetryPolicy = RetryPolicy(),
    sleep: Callable[[float], None] = time.sleep,
    max_bytes: int | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """Send a request, retrying what is worth retrying. Returns any non-retryable answer as is, read whole.

    ``max_bytes`` caps the decompressed answer (default: the JSON API cap). Raises
    :class:`SourceError` (or a subclass: deadline, size, rate limit) with the URL in the message.
    """
    scope = _scope.get()
    cap = scope.settings.max_json_bytes if max_bytes is None else max_bytes
    last_problem = ""
    for attempt in range(policy.attempts):
        _require_time_left(scope, url)
        try:
            ends = min(time.monotonic() + scope.settings.timeout, scope.source_ends)
            response = _read_capped(client, method, url, cap, ends, kwargs)
        except httpx.TimeoutException as exc:
            last_problem = _timeout_problem(exc, scope, ends)
        except httpx.TransportError as exc:
            last_problem = f"{type(exc).__name__}: {exc}"
        except httpx.TooManyRedirects:
            raise SourceError(f"{url}: too many redirects (more than {client.max_redirects}, or a loop)") from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:  # a broken answer or address: no retry helps
            raise SourceError(f"{url}: {type(exc).__name__}: {exc}") from None
        except MemoryError:  # the answer (under its cap) did not fit: what is read so far is freed here
            raise ResponseTooLarge(f"{url}: the answer did not fit in memory; lower network.max_*_mb") from None
        else:
            if response.status_code == 429:
                wait = rate_limit_wait(response.headers)
                if wait is None or wait > policy.max_wait or wait >= _time_left(scope):
                    raise RateLimited(f"{url}: rate limited (HTTP 429), reset in {_seconds(wait)} s", reset_after=wait)
                log.info("rate limited by %s; waiting %.1f s", httpx.URL(url).host, wait)
                sleep(wait + random.uniform(0, 0.5))
                last_problem = "HTTP 429"
                continue
            if response.status_code not in RETRYABLE_STATUS:
                return response
            last_problem = f"HTTP {response.status_code}"
        if attempt + 1 < policy.attempts:
            delay = backoff_delay(attempt, policy)
            if delay >= _time_left(scope):
                raise DeadlineExceeded(
                    f"{url}: {last_problem}; the source's deadline of {_seconds(scope.settings.deadline)} s "
                    "leaves no time to retry"
                )
            sleep(delay)
    raise SourceError(f"{url}: {last_problem} after {policy.attempts} attempts")


def _read_capped(
    client: httpx.Client, method: str, url: str, cap: int, ends: float, kwargs: dict[str, Any]
) -> httpx.Response:
    """The whole answer, read by ``ends`` (monotonic) and refused past ``cap`` decompressed bytes."""
    token = _request_ends.set(ends)
    try:
        with client.stream(method, url, **kwargs) as response:
            body = bytearray()
            for chunk in response.iter_bytes():
                _give_up_if_abandoned(url)
                body += chunk
                if len(body) > cap:
                    raise ResponseTooLarge(
                        f"{url}: the answer passed the cap of {_size(cap)} (decompressed); stopped reading"
                    )
        traffic = _scope.get().traffic
        if traffic is not None:
            traffic.last_status = response.status_code
        return _buffered(response, bytes(body))
    finally:
        _request_ends.reset(token)


def _buffered(streamed: httpx.Response, body: bytes) -> httpx.Response:
    """A complete response holding the already decoded ``body``, for the callers' .json() and .text."""
    headers = [
        (name, value)
        for name, value in streamed.headers.multi_items()
        if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
    ]
    return httpx.Response(
        streamed.status_code, headers=headers, content=body, request=streamed.request, history=streamed.history
    )


def _timeout_problem(exc: httpx.TimeoutException, scope: _Scope, ends: float) -> str:
    # the deadline shortens each socket timeout, so a socket timing out at it means the deadline
    if time.monotonic() >= ends - _DEADLINE_SLACK:
        return f"no complete answer within {_seconds(scope.settings.timeout)} s"
    return f"{type(exc).__name__}: {exc or 'timed out'}"


def _time_left(scope: _Scope) -> float:
    return scope.source_ends - time.monotonic()


def _require_time_left(scope: _Scope, url: str) -> None:
    if _time_left(scope) <= 0:
        raise DeadlineExceeded(f"{url}: the source's deadline of {_seconds(scope.settings.deadline)} s passed")


def _seconds(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def _size(count: int) -> str:
    return f"{count / MIB:g} MB" if count >= MIB else f"{count / 1024:g} KB"


def backoff_delay(attempt: int, policy: RetryPolicy) -> float:
    delay = min(policy.max_delay, policy.base_delay * 2**attempt)
    return delay / 2 + random.uniform(0, delay / 2)


def rate_limit_wait(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait according to Retry-After or RateLimit-Reset, None when neither says."""
    now = time.time() if now is None else now
    retry_after = headers.get("retry-after")
    if retry_after:
        if retry_after.strip().isdigit():
            return float(retry_after)
        try:
            return max(0.0, parsedate_to_datetime(retry_after).timestamp() - now)
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    reset = headers.get("ratelimit-reset")
    if reset and reset.strip().isdigit():
        value = float(reset)
        # Bluesky sends an epoch timestamp; the IETF draft sends delta-seconds.
        return max(0.0, value - now) if value > 1_000_000_000 else value
    return _mastodon_reset(headers.get("x-ratelimit-reset"), now)


def _mastodon_reset(value: str | None, now: float) -> float | None:
    """Mastodon's X-RateLimit-Reset: the ISO 8601 moment its limit resets."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, moment.timestamp() - now)


def raise_for_status(response: httpx.Response, what: str) -> None:
    """Turn a failing answer into a SourceError that says what was asked and what came back."""
    if response.is_success or response.status_code == 304:
        return
    snippet = response.text[:200].strip().replace("\n", " ")
    raise SourceError(f"{what}: HTTP {response.status_code} from {response.request.url}: {snippet}")


# --- the request deadline, enforced at every socket operation ------------------------------------

_DEADLINE_SLACK = 0.05  # seconds: a socket timeout this close to the request's deadline is the deadline


def _bounded(timeout: float | None, error: type[Exception]) -> float:
    """``timeout`` shortened to what is left of the current request's deadline."""
    left = _request_ends.get() - time.monotonic()
    if left <= 0:
        raise error("the request's total deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _bounded(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_tcp(host, port, bounded, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


# Most specific first: the first match is the httpx error raised for an httpcore one.
_HTTPX_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    """httpcore's errors as the httpx ones the rest of this module (and httpx's client) expects."""
    try:
        yield
    except Exception as exc:
        for core_error, httpx_error in _HTTPX_ERRORS:
            if isinstance(exc, core_error):
                raise httpx_error(str(exc)) from exc
        raise


class _DeadlineTransport(httpx.BaseTransport):
    """httpx's transport interface over httpcore's public connection pools, whose network backend
    bounds every socket operation by the request's deadline (httpx offers no hook for the backend).

    Plain-http requests have a pool of their own: the SSL context (loading the CA bundle costs
    tens of milliseconds) is made with the https pool, at the first https request.
    """

    def __init__(self) -> None:
        self._plain = self._new_pool(None)
        self._secure: httpcore.ConnectionPool | None = None
        self._making_secure = threading.Lock()

    @staticmethod
    def _new_pool(ssl_context: ssl.SSLContext | None) -> httpcore.ConnectionPool:
        limits = httpx.Limits()
        return httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_DeadlineBackend(),
        )

    def _pool_for(self, scheme: bytes) -> httpcore.ConnectionPool:
        if scheme != b"https":
            return self._plain
        with self._making_secure:
            if self._secure is None:
                self._secure = self._new_pool(httpx.create_ssl_context())
            return self._secure

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
            headers=request.headers.raw,
            content=request.stream,  # type: ignore[arg-type]  # a sync request's stream is iterable
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            answer = self._pool_for(url.raw_scheme).handle_request(core_request)
        return httpx.Response(
            status_code=answer.status,
            headers=answer.headers,
            stream=_AnswerStream(answer.stream),  # type: ignore[arg-type]  # a sync pool's stream is iterable
            extensions=answer.extensions,
        )

    def close(self) -> None:
        self._plain.close()
        with self._making_secure:
            if self._secure is not None:
                self._secure.close()


class _AnswerStream(httpx.SyncByteStream):
    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors():
            yield from self._chunks

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()


class _Unclosable(httpx.BaseTransport):
    """The run's shared transport as one client sees it: closing the client leaves it open."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._inner.handle_request(request)

    def close(self) -> None:
        pass
