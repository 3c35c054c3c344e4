"""Login, session reuse and renewal against the loopback XRPC server."""

from __future__ import annotations

import logging
import stat

import pytest
from atproto_client import models

from aggregator.collectors.bluesky.client import Credentials, SavedSession, XrpcClient, credentials_from_env
from aggregator.errors import AuthError
from aggregator.saved_values import FileBlobs
from aggregator.store.sqlite import Store
from tests.collectors.bluesky.fakes import (
    HANDLE,
    PASSWORD,
    Harness,
    facet,
    tag,
)

LOGIN = "com.atproto.server.createSession"
REFRESH = "com.atproto.server.refreshSession"


def session_files(harness: Harness) -> list:
    return sorted(harness.data_dir.glob("bluesky-session-*"))


def add_tagged_post(harness: Harness) -> str:
    text = "Hello #shelfcon"
    return harness.fake.post(harness.fake.account("alice.test"), text, facets=[facet(text, "#shelfcon", tag("shelfcon"))])


def test_one_login_across_two_runs_and_a_private_session_file(harness: Harness) -> None:
    uri = add_tagged_post(harness)

    first = harness.run(hashtags=["shelfcon"])
    second = harness.run(hashtags=["shelfcon"])

    assert [p.id for p in first.posts] == [uri] == [p.id for p in second.posts]
    assert len(harness.fake.called(LOGIN)) == 1
    (path,) = session_files(harness)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert PASSWORD not in path.read_text()


def test_in_a_run_the_session_is_kept_in_the_database_and_an_old_session_file_imported(harness: Harness) -> None:
    add_tagged_post(harness)
    harness.run(hashtags=["shelfcon"])  # no store: the session file an earlier version kept
    (old_file,) = session_files(harness)
    with Store(harness.data_dir) as store:
        harness.saved = store.blobs
        harness.run(hashtags=["shelfcon"])
        harness.run(hashtags=["shelfcon"])
        assert len(harness.fake.called(LOGIN)) == 1  # the imported session was reused
        assert session_files(harness) == []
        saved = store.blobs.load(old_file.name)
        assert saved is not None and PASSWORD.encode() not in saved


def test_rejected_access_token_is_refreshed_not_relogged(harness: Harness) -> None:
    add_tagged_post(harness)
    harness.run(hashtags=["shelfcon"])
    harness.fake.expire_access_tokens()

    harness.run(hashtags=["shelfcon"])

    assert len(harness.fake.called(LOGIN)) == 1
    assert len(harness.fake.called(REFRESH)) == 1


def test_token_about_to_expire_is_refreshed_before_use(harness: Harness) -> None:
    harness.fake.access_lifetime = 30  # less than the refresh margin
    add_tagged_post(harness)
    harness.run(hashtags=["shelfcon"])

    harness.run(hashtags=["shelfcon"])

    assert len(harness.fake.called(REFRESH)) >= 1
    assert len(harness.fake.called(LOGIN)) == 1


def test_revoked_session_leads_to_a_new_login(harness: Harness) -> None:
    uri = add_tagged_post(harness)
    harness.run(hashtags=["shelfcon"])
    harness.fake.revoke_sessions()

    result = harness.run(hashtags=["shelfcon"])

    assert [p.id for p in result.posts] == [uri]
    assert len(harness.fake.called(LOGIN)) == 2


def test_wrong_password_is_an_auth_error_without_the_password(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("BSKY_APP_PASSWORD", "wrong-secret-value")
    caplog.set_level(logging.DEBUG)

    with pytest.raises(AuthError) as raised:
        harness.run(hashtags=["shelfcon"])

    assert "wrong-secret-value" not in str(raised.value)
    assert "wrong-secret-value" not in caplog.text
    assert session_files(harness) == []


def test_without_credentials_reads_go_to_the_appview_and_search_asks_for_a_login(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BSKY_HANDLE")
    monkeypatch.delenv("BSKY_APP_PASSWORD")
    alice = harness.fake.account("alice.test")
    uri = harness.fake.post(alice, "Posted by alice")

    result = harness.run(accounts=["alice.test"], replies="none")
    assert [p.id for p in result.posts] == [uri]
    assert harness.fake.called(LOGIN) == []

    with pytest.raises(AuthError, match="403"):
        harness.run(hashtags=["shelfcon"])


def test_credentials_come_from_the_environment_only() -> None:
    assert credentials_from_env({}) is None
    assert credentials_from_env({"BSKY_HANDLE": "@me.test"}) is None
    found = credentials_from_env({"BSKY_HANDLE": "@me.test", "BSKY_APP_PASSWORD": "s3cret"})
    assert found == Credentials("me.test", "s3cret")
    assert "s3cret" not in repr(found)


def test_session_file_is_per_service_and_account(tmp_path) -> None:
    one = SavedSession.for_account(FileBlobs(tmp_path), "https://bsky.social", HANDLE)
    other = SavedSession.for_account(FileBlobs(tmp_path), "https://pds.example", HANDLE)
    assert one.key != other.key and one.load() is None


def test_a_session_refreshed_by_another_source_is_adopted_not_relogged(harness: Harness) -> None:
    fake = harness.fake
    saved = SavedSession.for_account(FileBlobs(harness.data_dir), fake.url, HANDLE)
    credentials = Credentials(HANDLE, PASSWORD)

    def client() -> XrpcClient:
        return XrpcClient(appview=fake.url, service=fake.url, credentials=credentials, saved_session=saved)

    def search(source: XrpcClient) -> None:
        source.query("app.bsky.feed.searchPosts", {"q": "#shelfcon"}, models.AppBskyFeedSearchPosts.Response)

    with client() as first, client() as second:
        search(first)
        search(second)  # both now hold the same tokens
        fake.expire_access_tokens()
        search(first)  # refreshes: the old refresh token is spent
        search(second)  # its refresh is refused, so it takes the session the first one saved

    assert len(fake.called(LOGIN)) == 1
    assert len(fake.called(REFRESH)) == 2
