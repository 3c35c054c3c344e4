"""The Bluesky collector end to end against a real local Bluesky network (@atproto/dev-env).

The network runs the actual PLC, PDS and AppView code. Its search is a plain case-sensitive
substring match on the text (it ignores ``tag``, ``since`` and ``sort``), so these tests check
protocol behaviour — login through the PDS and session reuse, search paging, threads,
quotes, images with alt text, profiles, ``getPosts`` after a delete — while production search
semantics are covered by the loopback tests in ``test_bluesky_collector.py``.

Needs Node 22 and PostgreSQL from ``.ci/devnet-setup.sh``; skipped with a reason otherwise
(failed instead when ``AGGREGATOR_REQUIRE_DEVNET`` is set, as in CI).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from aggregator.collectors import CollectContext, CollectResult, SourceState
from aggregator.collectors.bluesky import queries as bluesky_queries
from aggregator.collectors.bluesky.client import SavedSession
from aggregator.collectors.bluesky.collector import BlueskyCollector, BlueskyOptions
from aggregator.errors import AuthError
from aggregator.models import Conference, Post
from aggregator.saved_values import FileBlobs
from tests.collectors.bluesky.devnet_network import (
    Account,
    DevNetwork,
    create_account,
    png_image,
    require_devnet,
    tagged,
)

pytestmark = pytest.mark.devnet

require_devnet()

NOW = datetime.now(UTC)
CONFERENCE = Conference(
    name="DevnetConf",
    hashtags=("devnetconf",),
    timezone="UTC",
    start=NOW - timedelta(hours=1),
    end=NOW + timedelta(hours=1),
)
ROOT_TEXT = ("🎉 Opening keynote at ", "devnetconf", " — café talk starts now")
ALT_TEXT = "A slide titled “Federation 101” with three boxes"


@dataclass(frozen=True)
class Refs:
    root: str
    continuation: str
    continuation_2: str
    others_reply: str
    quote: str
    image: str
    image_cid: str
    deleted_early: str
    opted_out: str
    speakers_list: str  # alice's curation list: carol and bob


@pytest.fixture(scope="module")
def curator(devnet: DevNetwork) -> Account:
    """The account the collector logs in as (with an app password, like a curator would)."""
    return create_account(devnet.pds, "curator.test")


@pytest.fixture(scope="module")
def conference_posts(devnet: DevNetwork) -> Refs:
    """A tagged live-thread with its untagged continuations, a reply, a quote, an image, a
    post deleted before collection and a post by an author with #nobot in the bio."""
    alice = create_account(devnet.pds, "alice.test")
    bob = create_account(devnet.pds, "bob.test")
    carol = create_account(devnet.pds, "carol.test")
    dave = create_account(devnet.pds, "dave.test", description="Researcher. #nobot please")

    root = alice.post(tagged(*ROOT_TEXT))
    continuation = alice.post("2/ The speaker argues federation needs shared moderation tools", reply_to=root)
    continuation_2 = alice.post("3/ Q&A: how do labellers scale?", reply_to=continuation, root=root)
    others_reply = bob.post("Great summary, thanks!", reply_to=root)
    quote = carol.quote(tagged("Worth reading ", "devnetconf"), root)
    blob = alice.upload(png_image(4, 3))
    image = alice.post_image(tagged("Slide from the ", "devnetconf", " keynote"), blob, ALT_TEXT, (4, 3))
    deleted_early = alice.post(tagged("Typo, deleting this ", "devnetconf"))
    alice.delete(deleted_early)
    opted_out = dave.post(tagged("Please do not collect me ", "devnetconf"))
    speakers_list = alice.curated_list("DevnetConf speakers", [carol, bob])
    devnet.sync()
    return Refs(
        root=root.uri,
        continuation=continuation.uri,
        continuation_2=continuation_2.uri,
        others_reply=others_reply.uri,
        quote=quote.uri,
        image=image.uri,
        image_cid=str(blob.cid),
        deleted_early=deleted_early.uri,
        opted_out=opted_out.uri,
        speakers_list=speakers_list,
    )


@pytest.fixture
def logged_in_as(monkeypatch: pytest.MonkeyPatch) -> Any:
    def log_in(account: Account, password: str | None = None) -> None:
        monkeypatch.setenv("BSKY_HANDLE", account.handle)
        monkeypatch.setenv("BSKY_APP_PASSWORD", password if password is not None else account.app_password)

    return log_in


def collect(
    devnet: DevNetwork,
    data_dir: Path,
    *,
    state: SourceState | None = None,
    stored: Sequence[str] = (),
    **options: Any,
) -> CollectResult:
    """One run of the real collector against the devnet's PDS (logged in) or AppView (anonymous)."""
    source = BlueskyOptions(**{"type": "bluesky", "service": devnet.pds, "appview": devnet.appview, **options})
    context = CollectContext(conference=CONFERENCE, data_dir=data_dir, stored_ids=lambda: list(stored))
    return BlueskyCollector(source, context).collect(state or SourceState())


def by_id(result: CollectResult) -> dict[str, Post]:
    return {post.id: post for post in result.posts}


def session_file(data_dir: Path, devnet: DevNetwork, account: Account) -> SavedSession:
    return SavedSession.for_account(FileBlobs(data_dir), devnet.pds, account.handle)


def test_live_thread_quote_image_and_opt_out(
    devnet: DevNetwork, curator: Account, conference_posts: Refs, logged_in_as: Any, tmp_path: Path
) -> None:
    logged_in_as(curator)
    result = collect(devnet, tmp_path, hashtags=["devnetconf"], replies="self")
    posts = by_id(result)
    refs = conference_posts

    # the untagged continuations came from the thread, the other person's reply did not (replies: self)
    assert {refs.root, refs.continuation, refs.continuation_2} <= posts.keys()
    assert refs.others_reply not in posts
    assert posts[refs.continuation].reply_parent == refs.root
    assert posts[refs.continuation_2].reply_parent == refs.continuation
    assert posts[refs.continuation_2].reply_root == refs.root

    root = posts[refs.root]
    assert root.author.handle == "alice.test"
    assert root.text == "".join((ROOT_TEXT[0], "#", *ROOT_TEXT[1:]))
    assert root.hashtags == ("devnetconf",)
    assert "🎉 Opening keynote at <a" in root.html and ">#devnetconf</a> — café talk" in root.html

    quote = posts[refs.quote]
    assert quote.quote_id == refs.root
    assert quote.quote is not None and quote.quote.id == refs.root and quote.quote.text == root.text

    (image,) = posts[refs.image].media
    assert (image.kind, image.alt, image.width, image.height) == ("image", ALT_TEXT, 4, 3)
    assert refs.image_cid in image.url and refs.image_cid in image.thumb

    assert refs.deleted_early not in posts
    assert refs.opted_out not in posts and refs.opted_out in result.deleted


def test_replies_all_keeps_other_peoples_replies(
    devnet: DevNetwork, curator: Account, conference_posts: Refs, logged_in_as: Any, tmp_path: Path
) -> None:
    logged_in_as(curator)
    posts = by_id(collect(devnet, tmp_path, hashtags=["devnetconf"], replies="all"))
    assert posts[conference_posts.others_reply].author.handle == "bob.test"
    assert posts[conference_posts.others_reply].reply_parent == conference_posts.root
    assert conference_posts.continuation_2 in posts


def test_replies_none_keeps_only_matching_posts(
    devnet: DevNetwork, curator: Account, conference_posts: Refs, logged_in_as: Any, tmp_path: Path
) -> None:
    logged_in_as(curator)
    posts = by_id(collect(devnet, tmp_path, hashtags=["devnetconf"], replies="none"))
    assert set(posts) == {conference_posts.root, conference_posts.quote, conference_posts.image}


def test_search_follows_the_cursor_page_by_page(
    devnet: DevNetwork,
    curator: Account,
    conference_posts: Refs,
    logged_in_as: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    logged_in_as(curator)
    monkeypatch.setattr(bluesky_queries, "PAGE_SIZE", 1)  # four matching posts: four pages from the AppView
    posts = by_id(collect(devnet, tmp_path, hashtags=["devnetconf"], replies="none"))
    assert set(posts) == {conference_posts.root, conference_posts.quote, conference_posts.image}


def test_accounts_read_the_author_feed_and_threads(
    devnet: DevNetwork, curator: Account, conference_posts: Refs, logged_in_as: Any, tmp_path: Path
) -> None:
    logged_in_as(curator)
    posts = by_id(collect(devnet, tmp_path, accounts=["alice.test"], hashtags=["devnetconf"], replies="self"))
    refs = conference_posts
    assert set(posts) == {refs.root, refs.continuation, refs.continuation_2, refs.image}


def test_list_reads_the_members_posts(
    devnet: DevNetwork, curator: Account, conference_posts: Refs, logged_in_as: Any, tmp_path: Path
) -> None:
    logged_in_as(curator)
    result = collect(devnet, tmp_path, list=conference_posts.speakers_list, hashtags=["devnetconf"], replies="none")
    assert set(by_id(result)) == {conference_posts.quote}  # bob's untagged reply is filtered out


def test_anonymous_run_reads_the_appview_directly(
    devnet: DevNetwork, conference_posts: Refs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("BSKY_HANDLE", raising=False)
    monkeypatch.delenv("BSKY_APP_PASSWORD", raising=False)
    posts = by_id(collect(devnet, tmp_path, hashtags=["devnetconf"], service="http://127.0.0.1:9"))
    assert {conference_posts.root, conference_posts.continuation_2, conference_posts.quote} <= posts.keys()
    assert list(tmp_path.iterdir()) == []  # no session without credentials


def test_deleted_post_is_tombstoned_and_the_session_reused(
    devnet: DevNetwork, curator: Account, logged_in_as: Any, tmp_path: Path
) -> None:
    erin = create_account(devnet.pds, "erin.test")
    first = erin.post(tagged("Workshop notes ", "devnetgone"))
    second = erin.post("2/ this part gets deleted later", reply_to=first)
    third = erin.post("3/ and this stays", reply_to=second, root=first)
    devnet.sync()

    logged_in_as(curator)
    run_1 = collect(devnet, tmp_path, hashtags=["devnetgone"])
    assert set(by_id(run_1)) == {first.uri, second.uri, third.uri}
    stored_session = session_file(tmp_path, devnet, curator)
    assert (tmp_path / stored_session.key).stat().st_mode & 0o777 == 0o600
    assert stored_session.load() is not None

    erin.delete(second)
    devnet.sync()
    # a wrong password proves the second run never logs in: it reuses the stored session
    logged_in_as(curator, password="wrong-password-1")
    run_2 = collect(devnet, tmp_path, state=run_1.state, stored=[p.id for p in run_1.posts], hashtags=["devnetgone"])
    assert second.uri in run_2.deleted
    assert second.uri not in by_id(run_2)
    assert first.uri in by_id(run_2)
    # the rest of the thread still exists upstream (getPostThread no longer reaches it from the root,
    # as its parent is gone, but getPosts still answers for it): the stored copy is not tombstoned
    assert third.uri not in run_2.deleted

    with pytest.raises(AuthError):  # ...whereas without the stored session that password is refused
        collect(devnet, tmp_path / "elsewhere", hashtags=["devnetgone"])


def test_rejected_session_leads_to_a_new_login(
    devnet: DevNetwork, curator: Account, conference_posts: Refs, logged_in_as: Any, tmp_path: Path
) -> None:
    logged_in_as(curator)
    collect(devnet, tmp_path, hashtags=["devnetconf"], replies="none")
    stored_session = session_file(tmp_path, devnet, curator)
    session = stored_session.load()
    assert session is not None
    # tokens the PDS does not accept any more (as after a password change or a revoked app password)
    stored_session.save(
        type(session)(session.handle, session.did, "not-a-token", "not-a-refresh-token", session.pds_endpoint)
    )

    posts = by_id(collect(devnet, tmp_path, hashtags=["devnetconf"], replies="none"))
    assert conference_posts.root in posts
    renewed = stored_session.load()
    assert renewed is not None and renewed.access_jwt != "not-a-token"
    # refresh tokens carry a random id: a new one proves a new login (access tokens minted in the
    # same second can be identical)
    assert renewed.refresh_jwt not in ("not-a-refresh-token", session.refresh_jwt)
