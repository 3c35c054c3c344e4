"""A small XRPC client for the Bluesky collector: login, session reuse, retries, rate limits.

Requests go through :func:`aggregator.http.request`, so every call gets the project's
retry semantics (jittered backoff on 5xx/timeouts, bounded waits on 429). Answers are
validated with the atproto SDK's models. The login session is the SDK's session string,
kept in the data folder with 0600 permissions: Bluesky caps logins per account and day,
so a session is reused and refreshed, and a password login happens only when refused.

With credentials every call goes to the account's PDS, which proxies ``app.bsky.*`` to its
AppView like the official app does; without them calls go to the public AppView.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from atproto_client import models
from atproto_client.client.session import Session
from atproto_client.models.utils import get_or_create
from atproto_core.did_doc import DidDocument, is_valid_did_doc
from atproto_server.auth.jwt import get_jwt_payload

from aggregator.errors import AuthError, RateLimited, SourceError
from aggregator.http import RetryPolicy, make_client, rate_limit_wait, request
from aggregator.saved_values import Blobs

log = logging.getLogger(__name__)

M = TypeVar("M")

HANDLE_VARIABLE = "BSKY_HANDLE"
PASSWORD_VARIABLE = "BSKY_APP_PASSWORD"
TOKEN_ERRORS = frozenset({"ExpiredToken", "InvalidToken", "AuthenticationRequired", "AuthMissing"})
REFRESH_MARGIN = 120.0  # seconds: refresh an access token this long before it expires
LOW_REMAINING = 2  # pause until the window resets when fewer requests than this are left


@dataclass(frozen=True)
class Credentials:
    identifier: str  # handle, DID or e-mail
    password: str

    def __repr__(self) -> str:  # never print the password, even in a traceback
        return f"Credentials(identifier={self.identifier!r}, password=***)"


def credentials_from_env(environ: Mapping[str, str] = os.environ) -> Credentials | None:
    identifier = environ.get(HANDLE_VARIABLE, "").strip()
    password = environ.get(PASSWORD_VARIABLE, "").strip()
    if not identifier or not password:
        return None
    return Credentials(identifier.lstrip("@"), password)


class XrpcError(SourceError):
    """An XRPC call answered with an error body (``{"error": ..., "message": ...}``)."""

    def __init__(self, message: str, *, status: int, error: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error


class AuthXrpcError(XrpcError, AuthError):
    """The service wants a (different) login for this call."""


class SavedSession:
    """The SDK session string of one account on one service, kept as a saved value (the store's
    table in a run, so every collector machine reuses one login; a file, mode 0600, otherwise)."""

    def __init__(self, saved: Blobs, key: str) -> None:
        self.saved = saved
        self.key = key

    @classmethod
    def for_account(cls, saved: Blobs, service: str, identifier: str) -> SavedSession:
        digest = hashlib.sha256(f"{service.rstrip('/')}\n{identifier.casefold()}".encode()).hexdigest()[:16]
        return cls(saved, f"bluesky-session-{digest}")  # the file name earlier versions used: imported once

    def load(self) -> Session | None:
        try:
            value = self.saved.load(self.key)
            return Session.decode(value.decode("utf-8").strip()) if value is not None else None
        except ValueError:
            return None

    def save(self, session: Session) -> None:
        self.saved.save(self.key, session.encode().encode("utf-8"))

    def forget(self) -> None:
        self.saved.forget(self.key)


class XrpcClient:
    """Queries one Bluesky service, logged in when credentials are given."""

    def __init__(
        self,
        *,
        appview: str,
        service: str,
        credentials: Credentials | None = None,
        saved_session: SavedSession | None = None,
        timeout: float | None = None,
        policy: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.appview = appview.rstrip("/")
        self.service = service.rstrip("/")
        self.credentials = credentials
        self.saved_session = saved_session
        self.policy = policy
        self.sleep = sleep
        self.http = make_client(timeout, headers={"Accept": "application/json"})
        self.session: Session | None = None
        self.calls = 0  # XRPC requests sent, for the per-source log line

    def __enter__(self) -> XrpcClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.http.close()

    def query(self, nsid: str, params: Mapping[str, Any], model: type[M]) -> M:
        """GET an XRPC query and validate its answer with an SDK model."""
        if self.credentials is None:
            response = self._send("GET", self.appview, nsid, params=_clean(params))
        else:
            response = self._authenticated_get(nsid, _clean(params))
        return _validated(response, nsid, model)

    def _authenticated_get(self, nsid: str, params: dict[str, Any]) -> httpx.Response:
        session = self._ensure_session()
        response = self._send("GET", self._pds(session), nsid, params=params, token=session.access_jwt)
        if _is_token_error(response):
            session = self._renew_session()
            response = self._send("GET", self._pds(session), nsid, params=params, token=session.access_jwt)
        return response

    def _ensure_session(self) -> Session:
        if self.session is None and self.saved_session is not None:
            self.session = self.saved_session.load()
        if self.session is None:
            return self._login()
        if _expires_within(self.session.access_jwt, REFRESH_MARGIN):
            return self._renew_session()
        return self.session

    def _renew_session(self) -> Session:
        """Refresh the session; log in again only when the refresh token is refused too."""
        if self.session is not None and not _expires_within(self.session.refresh_jwt, 0):
            response = self._send(
                "POST", self._pds(self.session), "com.atproto.server.refreshSession", token=self.session.refresh_jwt
            )
            if response.is_success:
                answer = _validated(response, "refreshSession", models.ComAtprotoServerRefreshSession.Response)
                return self._keep(answer, self.session)
            if response.status_code not in (400, 401):
                raise _xrpc_error(response, "com.atproto.server.refreshSession")
            if self._adopt_newer_saved_session():
                return self.session  # type: ignore[return-value]
            log.info("Bluesky refused the stored session; logging in again")
        return self._login()

    def _adopt_newer_saved_session(self) -> bool:
        """Another source may have refreshed (and so invalidated) our tokens: use what it saved."""
        saved = self.saved_session.load() if self.saved_session is not None else None
        if saved is None or self.session is None or saved.refresh_jwt == self.session.refresh_jwt:
            return False
        self.session = saved
        return True

    def _login(self) -> Session:
        assert self.credentials is not None
        log.info("logging in to %s as %s", self.service, self.credentials.identifier)
        response = self._send(
            "POST",
            self.service,
            "com.atproto.server.createSession",
            json={"identifier": self.credentials.identifier, "password": self.credentials.password},
        )
        if response.status_code in (400, 401):
            if self.saved_session is not None:
                self.saved_session.forget()
            raise AuthError(
                f"{self.service} refused the login of {self.credentials.identifier} "
                f"(check {HANDLE_VARIABLE} and {PASSWORD_VARIABLE}): {_error_name(response)}"
            )
        return self._keep(_validated(response, "createSession", models.ComAtprotoServerCreateSession.Response), None)

    def _keep(self, answer: Any, previous: Session | None) -> Session:
        endpoint = _pds_endpoint(answer.did_doc) or (previous.pds_endpoint if previous else None) or self.service
        self.session = Session(answer.handle, answer.did, answer.access_jwt, answer.refresh_jwt, endpoint)
        if self.saved_session is not None:
            self.saved_session.save(self.session)
        return self.session

    def _pds(self, session: Session) -> str:
        return (session.pds_endpoint or self.service).rstrip("/")

    def _send(
        self, method: str, base: str, nsid: str, *, token: str = "", **kwargs: Any
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.calls += 1
        response = request(
            self.http, method, f"{base}/xrpc/{nsid}", policy=self.policy, sleep=self.sleep, headers=headers, **kwargs
        )
        self._respect_remaining(response)
        return response

    def _respect_remaining(self, response: httpx.Response) -> None:
        """Pause before the window runs dry rather than collecting 429s."""
        remaining = response.headers.get("ratelimit-remaining", "").strip()
        if not remaining.isdigit() or int(remaining) >= LOW_REMAINING:
            return
        wait = rate_limit_wait(response.headers)
        if wait is None or wait <= 0:
            return
        if wait > self.policy.max_wait:
            host = response.request.url.host
            raise RateLimited(f"{host}: rate limit exhausted, reset in {wait:.0f} s", reset_after=wait)
        log.info("rate limit nearly exhausted at %s; waiting %.1f s", response.request.url.host, wait)
        self.sleep(wait)


def _clean(params: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in params.items() if value not in (None, "", [], ())}


def _validated(response: httpx.Response, what: str, model: type[M]) -> M:
    if not response.is_success:
        raise _xrpc_error(response, what)
    try:
        parsed = get_or_create(response.json(), model, strict=True)
    except Exception as exc:  # the SDK raises its own ModelError, JSON errors are ValueError
        raise SourceError(f"{what}: answer from {response.request.url.host} is not valid: {exc}") from exc
    assert parsed is not None
    return parsed  # type: ignore[return-value]


def _xrpc_error(response: httpx.Response, what: str) -> XrpcError:
    name = _error_name(response)
    message = f"{what}: HTTP {response.status_code} {name} from {response.request.url.host}"
    if response.status_code in (401, 403):
        return AuthXrpcError(message, status=response.status_code, error=name)
    return XrpcError(message, status=response.status_code, error=name)


def _error_name(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    return str(body.get("error") or "")


def _is_token_error(response: httpx.Response) -> bool:
    return response.status_code in (400, 401) and _error_name(response) in TOKEN_ERRORS


def _expires_within(jwt: str, seconds: float) -> bool:
    try:
        expiry = get_jwt_payload(jwt).exp
    except Exception:  # not a JWT we can read: let the server decide
        return False
    return expiry is not None and expiry < time.time() + seconds


def _pds_endpoint(did_doc: Any) -> str | None:
    if did_doc is None or not is_valid_did_doc(did_doc):
        return None
    return DidDocument.from_dict(did_doc).get_pds_endpoint()
