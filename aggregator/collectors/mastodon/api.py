"""The few Mastodon REST endpoints the collector reads, over the shared retrying HTTP client.

``GET /api/v1/timelines/tag/:hashtag`` (paged by the ``Link`` header), ``GET
/api/v1/statuses/:id`` and ``/context``, and ``GET /api/v2/instance`` to explain an empty
answer. Refusals (401/403) become :class:`~aggregator.errors.AuthError` with a message that
says what to do, never an empty result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from aggregator.errors import AuthError, SourceError
from aggregator.http import RetryPolicy, make_client, raise_for_status, request

PAGE_LIMIT = 40  # the most Mastodon returns per page
GONE = frozenset({404, 410})

Status = dict[str, Any]


@dataclass(frozen=True)
class Page:
    statuses: list[Status]  # newest first, as the server sent them
    older_url: str  # Link rel="next" (max_id): further back in time; "" at the end
    newer_url: str  # Link rel="prev" (min_id): newer statuses


@dataclass(frozen=True)
class Context:
    ancestors: list[Status]
    descendants: list[Status]


class MastodonServer:
    """One Mastodon (or API-compatible) server, read with an optional app token."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str = "",
        token_env: str = "",
        timeout: float | None = None,
        policy: RetryPolicy = RetryPolicy(),
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.host = urlsplit(self.base_url).netloc
        self.token_env = token_env
        self.has_token = bool(token)
        self.policy = policy
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = make_client(timeout, headers)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> MastodonServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def tag_timeline(self, tag: str, *, min_id: str = "", max_id: str = "", local: bool = False) -> Page:
        params: dict[str, str | int] = {"limit": PAGE_LIMIT}
        if min_id:
            params["min_id"] = min_id
        if max_id:
            params["max_id"] = max_id
        if local:
            params["local"] = "true"
        return self.page(f"{self.base_url}/api/v1/timelines/tag/{quote(tag, safe='')}", params)

    def page(self, url: str, params: Mapping[str, str | int] | None = None) -> Page:
        """One timeline page; ``url`` may be a Link header URL from an earlier page of this server."""
        if not self._same_server(url):
            raise SourceError(f"{self.host}: refusing to follow a pagination link to another server: {url}")
        response = self._get(url, params)
        statuses = _json_list(response, url)
        return Page(statuses, _link(response, "next"), _link(response, "prev"))

    def status(self, status_id: str) -> Status | None:
        """One status, or None when it was deleted (or never existed)."""
        response = self._get(f"{self.base_url}/api/v1/statuses/{quote(status_id, safe='')}", gone_ok=True)
        if response.status_code in GONE:
            return None
        data = _json(response, "status")
        return data if isinstance(data, dict) else None

    def context(self, status_id: str) -> Context | None:
        """The thread around a status (without the status itself), or None when it is gone."""
        url = f"{self.base_url}/api/v1/statuses/{quote(status_id, safe='')}/context"
        response = self._get(url, gone_ok=True)
        if response.status_code in GONE:
            return None
        data = _json(response, url)
        if not isinstance(data, dict):
            raise SourceError(f"{url}: expected a Context object, got {type(data).__name__}")
        return Context(_statuses(data.get("ancestors")), _statuses(data.get("descendants")))

    def hashtag_access(self) -> dict[str, str]:
        """What the server lets anonymous clients read on hashtag timelines (Mastodon ≥ 4.5), {} if unknown.

        E.g. ``{"local": "public", "remote": "authenticated"}``.
        """
        access = (self._configuration().get("timelines_access") or {}).get("hashtag_feeds")
        return {str(k): str(v) for k, v in access.items()} if isinstance(access, dict) else {}

    def streaming_url(self) -> str:
        """The streaming API's WebSocket endpoint: the one the server names, else its own ``/api/v1/streaming``."""
        named = (self._configuration().get("urls") or {}).get("streaming")
        base = named if isinstance(named, str) and named.startswith(("ws://", "wss://")) else (
            self.base_url.replace("https://", "wss://", 1).replace("http://", "ws://", 1))  # fmt: skip
        return base.rstrip("/") + "/api/v1/streaming"

    def _configuration(self) -> dict[str, Any]:
        """``configuration`` of ``GET /api/v2/instance``; {} when the server does not say."""
        try:
            response = request(self._client, "GET", f"{self.base_url}/api/v2/instance", policy=self.policy)
            data = response.json() if response.is_success else {}
        except (SourceError, ValueError):
            return {}
        configuration = data.get("configuration") if isinstance(data, dict) else None
        return configuration if isinstance(configuration, dict) else {}

    def _get(self, url: str, params: Mapping[str, str | int] | None = None, *, gone_ok: bool = False) -> httpx.Response:
        response = request(self._client, "GET", url, policy=self.policy, params=params)
        if response.status_code in (401, 403):
            raise AuthError(self._refusal(response))
        if gone_ok and response.status_code in GONE:
            return response
        raise_for_status(response, f"Mastodon {self.host}")
        return response

    def _refusal(self, response: httpx.Response) -> str:
        reason = _error_text(response)
        what = f"{self.host} refused {urlsplit(str(response.request.url)).path} (HTTP {response.status_code}: {reason})"
        if self.has_token:
            return (
                f"{what}; the token in ${self.token_env} was rejected: "
                "check it is valid and has the read:statuses scope"
            )
        return (
            f"{what}; this server only shows it to logged-in apps: create an application with the read:statuses "
            f"scope in its Development settings and put the access token in the environment variable {self.token_env}"
        )

    def _same_server(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and parts.netloc == self.host


def _link(response: httpx.Response, rel: str) -> str:
    return str(response.links.get(rel, {}).get("url", ""))


def _json(response: httpx.Response, what: str) -> Any:
    try:
        return response.json()
    except (ValueError, RecursionError) as exc:  # RecursionError: JSON nested too deeply
        raise SourceError(f"{what}: the answer is not JSON, is this a Mastodon server? ({exc})") from exc


def _json_list(response: httpx.Response, what: str) -> list[Status]:
    data = _json(response, what)
    if not isinstance(data, list):
        raise SourceError(f"{what}: expected a list of statuses, got {type(data).__name__}")
    return _statuses(data)


def _statuses(items: Any) -> list[Status]:
    return [item for item in items or () if isinstance(item, dict)]


def _error_text(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:120].strip() or response.reason_phrase
    if isinstance(data, dict) and data.get("error"):
        return str(data["error"])[:200]
    return response.reason_phrase
