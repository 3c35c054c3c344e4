"""HTTP for every collector: one client shape, polite headers, bounded retries.

Retries 5xx answers, timeouts and connection errors with jittered exponential backoff;
honours 429 with ``Retry-After`` or ``RateLimit-Reset`` (seconds or epoch) when the wait is
within ``max_wait``, and raises :class:`RateLimited` otherwise.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from aggregator import USER_AGENT
from aggregator.errors import RateLimited, SourceError

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 0.5  # seconds; doubled each attempt, with jitter
    max_delay: float = 30.0
    max_wait: float = 120.0  # the longest a 429 may make us wait before giving up


def make_client(timeout: float = 20.0, headers: Mapping[str, str] | None = None) -> httpx.Client:
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
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
    **kwargs: Any,
) -> httpx.Response:
    """Send a request, retrying what is worth retrying. Returns any non-retryable answer as is."""
    last_problem = ""
    for attempt in range(policy.attempts):
        try:
            response = client.request(method, url, **kwargs)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            last_problem = f"{type(exc).__name__}: {exc}"
        else:
            if response.status_code == 429:
                wait = rate_limit_wait(response.headers)
                if wait is None or wait > policy.max_wait:
                    raise RateLimited(f"{url}: rate limited (HTTP 429), reset in {wait or '?'} s", reset_after=wait)
                log.info("rate limited by %s; waiting %.1f s", httpx.URL(url).host, wait)
                sleep(wait + random.uniform(0, 0.5))
                last_problem = "HTTP 429"
                continue
            if response.status_code not in RETRYABLE_STATUS:
                return response
            last_problem = f"HTTP {response.status_code}"
        if attempt + 1 < policy.attempts:
            sleep(backoff_delay(attempt, policy))
    raise SourceError(f"{url}: {last_problem} after {policy.attempts} attempts")


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
        except (TypeError, ValueError):
            pass
    reset = headers.get("ratelimit-reset")
    if reset and reset.strip().isdigit():
        value = float(reset)
        # Bluesky sends an epoch timestamp; the IETF draft sends delta-seconds.
        return max(0.0, value - now) if value > 1_000_000_000 else value
    return None


def raise_for_status(response: httpx.Response, what: str) -> None:
    """Turn a failing answer into a SourceError that says what was asked and what came back."""
    if response.is_success or response.status_code == 304:
        return
    snippet = response.text[:200].strip().replace("\n", " ")
    raise SourceError(f"{what}: HTTP {response.status_code} from {response.request.url}: {snippet}")
