"""The Bluesky collector against a loopback XRPC server (tests/collectors/bluesky/fakes.py)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from aggregator.errors import RateLimited, SourceError
from tests.collectors.bluesky.fakes import (
    BASE_TIME,
    FakeBluesky,
    Harness,
    facet,
    tag,
)


def tagged(fake: FakeBluesky, author, text: str, name: str = "shelfcon", **kwargs) -> str:
    return fake.post(author, text, facets=[facet(text, f"#{name}", tag(name))], **kwargs)


def ids(result) -> list[str]:
    return [post.id for post in result.posts]


# --- searching


def test_search_pages_until_the_end(harness: Harness) -> None:
    fake = harness.fake
    alice = fake.account("alice.test")
    uris = [tagged(fake, alice, f"Talk note {n} #shelfcon") for n in range(230)]
    fake.post(alice, "Untagged chatter")

    result = harness.run(hashtags=["#ShelfCon"], replies="none")

    assert sorted(ids(result)) == sorted(uris)
    searches = fake.called("app.bsky.feed.searchPosts")
    assert len(searches) == 3  # 100 + 100 + 30, the last page has no cursor
    assert searches[0]["tag"] == ["shelfcon"] and searches[0]["sort"] == ["latest"] and searches[0]["limit"] == ["100"]
    assert [s.get("cursor") for s in searches] == [None, ["100"], ["200"]]


def test_one_search_per_hashtag_because_tag_ands(harness: Harness) -> None:
    fake = harness.fake
    alice = fake.account("alice.test")
    first = tagged(fake, alice, "Morning #shelfcon")
    second = tagged(fake, alice, "Evening #libcamp", name="libcamp")

    result = harness.run(hashtags=["shelfcon", "libcamp"], replies="none")

    assert sorted(ids(result)) == sorted([first, second])
    assert sorted(s["tag"][0] for s in fake.called("app.bsky.feed.searchPosts")) == ["libcamp", "shelfcon"]


def test_hidden_record_tags_count_as_hashtags(harness: Harness) -> None:
    fake = harness.fake
    alice = fake.account("alice.test")
    uri = fake.post(alice, "Posted with a tag that is not in the text", tags=["ShelfCon"])

    result = harness.run(hashtags=["shelfcon"], replies="none")

    assert ids(result) == [uri]
    assert result.posts[0].hashtags == ("shelfcon",)


def test_window_excludes_posts_outside_and_stops_paging(harness: Harness) -> None:
    fake = harness.fake
    alice = fake.account("alice.test")
    for n in range(150):
        tagged(fake, alice, f"Old {n} #shelfcon", at=BASE_TIME - timedelta(days=30, minutes=n))
    inside = tagged(fake, alice, "Keynote #shelfcon")

    result = harness.run(hashtags=["shelfcon"], replies="none", since="2025-06-01T00:00:00Z")

    assert ids(result) == [inside]
    assert fake.called("app.bsky.feed.searchPosts")[0]["since"] == ["2025-06-01T00:00:00Z"]


def test_incremental_run_starts_from_the_newest_stored_post(harness: Harness) -> None:
    fake = harness.fake
    alice = fake.account("alice.test")
    first = tagged(fake, alice, "First #shelfcon")
    harness.run(hashtags=["shelfcon"], replies="none")
    later = tagged(fake, alice, "Later #shelfcon", at=BASE_TIME + timedelta(hours=3))

    result = harness.run(hashtags=["shelfcon"], replies="none")

    second_search = fake.called("app.bsky.feed.searchPosts")[-1]
    assert second_search["since"] == ["2025-06-02T08:46:00Z"]  # newest stored (09:01) minus 15 min, not the window start
    assert later in ids(result) and first in ids(result)  # the overlap re-reads the first; the store dedups
    assert harness.state.cursor.startswith("2025-06-02T12:00")


# --- threads


def test_self_thread_is_followed_and_others_replies_follow_policy(harness: Harness) -> None:
    fake = harness.fake
    alice, bob = fake.account("alice.test"), fake.account("bob.test")
    root = tagged(fake, alice, "Live from the keynote #shelfcon 🧵")
    second = fake.post(alice, "Speaker says catalogues are dead", reply_to=root)
    other = fake.post(bob, "Are they though?", reply_to=second)
    third = fake.post(alice, "Now on to metadata", reply_to=second)
    answer = fake.post(alice, "Yes, for once", reply_to=other)

    own = harness.run(hashtags=["shelfcon"], replies="self")
    assert ids(own) == [root, second, third]

    everything = harness.run(hashtags=["shelfcon"])  # the default keeps others' replies as conversation
    assert sorted(ids(everything)) == sorted([root, second, third, other, answer])

    only_matching = harness.run(hashtags=["shelfcon"], replies="none")
    assert ids(only_matching) == [root]


def test_long_threads_are_fetched_past_the_depth_limit(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("aggregator.collectors.bluesky.queries.THREAD_DEPTH", 3)
    fake = harness.fake
    alice = fake.account("alice.test")
    chain = [tagged(fake, alice, "Thread start #shelfcon")]
    for n in range(9):
        chain.append(fake.post(alice, f"part {n + 2}", reply_to=chain[-1]))

    result = harness.run(hashtags=["shelfcon"])

    assert sorted(ids(result)) == sorted(chain)
    assert len(fake.called("app.bsky.feed.getPostThread")) == 3  # posts 1-4, 4-7, 7-10


def test_tagged_continuation_brings_its_own_ancestors(harness: Harness) -> None:
    fake = harness.fake
    alice = fake.account("alice.test")
    start = fake.post(alice, "Session starting, untagged")
    tagged_reply = tagged(fake, alice, "Forgot the tag #shelfcon", reply_to=start)

    result = harness.run(hashtags=["shelfcon"])

    assert sorted(ids(result)) == sorted([start, tagged_reply])
    reply = next(p for p in result.posts if p.id == tagged_reply)
    assert reply.reply_parent == start and reply.reply_root == start


def test_threads_keep_growing_on_later_runs(harness: Harness) -> None:
    fake = harness.fake
    alice = fake.account("alice.test")
    root = tagged(fake, alice, "Thread #shelfcon")
    harness.run(hashtags=["shelfcon"])
    late = fake.post(alice, "One more, hours later", reply_to=root, at=BASE_TIME + timedelta(hours=2))
    # the new post is untagged, so only re-reading the thread can find it
    result = harness.run(hashtags=["shelfcon"])
    assert late in ids(result)


# --- other source forms


def test_author_feed_skips_reposts_and_filters_hashtags(harness: Harness) -> None:
    fake = harness.fake
    alice, bob = fake.account("alice.test"), fake.account("bob.test")
    own = tagged(fake, alice, "Mine #shelfcon")
    fake.post(alice, "Unrelated lunch photo")
    shared = tagged(fake, bob, "Bob's #shelfcon post")
    fake.reposts.append((alice.did, shared))

    result = harness.run(accounts=["alice.test"], hashtags=["shelfcon"], replies="none")

    assert ids(result) == [own]
    assert fake.called("app.bsky.feed.getAuthorFeed")[0]["filter"] == ["posts_and_author_threads"]
    assert not fake.called("app.bsky.feed.searchPosts")


def test_custom_feed_and_list(harness: Harness) -> None:
    fake = harness.fake
    alice = fake.account("alice.test")
    in_feed, in_list = fake.post(alice, "From the feed"), fake.post(alice, "From the list")
    feed_uri = f"at://{alice.did}/app.bsky.feed.generator/shelfcon"
    list_uri = f"at://{alice.did}/app.bsky.graph.list/speakers"
    fake.feeds.update({feed_uri: [in_feed], list_uri: [in_list]})

    result = harness.run(feed=feed_uri, list=list_uri, replies="none")

    assert sorted(ids(result)) == sorted([in_feed, in_list])


# --- respect


def test_opted_out_authors_are_never_published_and_reported_deleted(harness: Harness) -> None:
    fake = harness.fake
    alice = fake.account("alice.test")
    private = fake.account("private.test", labels=("!no-unauthenticated",))
    nobot = fake.account("nobot.test", description="Librarian. #NoBot please")
    nobots = fake.account("nobots.test", description="#nobots")
    keep = tagged(fake, alice, "Public #shelfcon")
    hidden = [tagged(fake, account, "Hello #shelfcon") for account in (private, nobot, nobots)]

    result = harness.run(hashtags=["shelfcon"])

    assert ids(result) == [keep]
    assert sorted(result.deleted) == sorted(hidden)


def test_quote_of_an_opted_out_author_keeps_only_its_id(harness: Harness) -> None:
    fake = harness.fake
    alice, private = fake.account("alice.test"), fake.account("private.test", description="#nobot")
    quoted = fake.post(private, "My own words")
    text = "Agreed #shelfcon"
    quoting = fake.post(alice, text, facets=[facet(text, "#shelfcon", tag("shelfcon"))], embed=fake.quote_of(quoted))

    (post,) = harness.run(hashtags=["shelfcon"], replies="none").posts

    assert post.id == quoting and post.quote is None and post.quote_id == quoted


@pytest.mark.parametrize("label", ["porn", "sexual", "nudity", "graphic-media"])
def test_sensitive_self_labels_hide_or_warn(harness: Harness, label: str) -> None:
    fake = harness.fake
    alice = fake.account("alice.test")
    uri = tagged(fake, alice, "Anatomy exhibit #shelfcon", self_labels=(label,))

    hidden = harness.run(hashtags=["shelfcon"], replies="none")
    assert hidden.posts == () and hidden.deleted == (uri,)

    (warned,) = harness.run(hashtags=["shelfcon"], replies="none", sensitive="warn").posts
    assert warned.content_warning == f"Sensitive content: {label}" and label in warned.labels


def test_excluded_authors_by_regex(harness: Harness) -> None:
    fake = harness.fake
    alice, bridged = fake.account("alice.test"), fake.account("carol.mastodon.social.ap.brid.gy")
    keep = tagged(fake, alice, "Native #shelfcon")
    tagged(fake, bridged, "Bridged #shelfcon")

    result = harness.run(hashtags=["shelfcon"], exclude_authors=[r".*\.ap\.brid\.gy"])

    assert ids(result) == [keep]


# --- deletions


def test_deleted_posts_are_found_with_get_posts_in_batches_of_25(harness: Harness) -> None:
    fake = harness.fake
    alice = fake.account("alice.test")
    uris = [tagged(fake, alice, f"Note {n} #shelfcon") for n in range(60)]
    harness.run(hashtags=["shelfcon"], replies="none")
    assert len(harness.stored) == 60
    for uri in uris[10:13]:
        fake.delete(uri)

    result = harness.run(hashtags=["shelfcon"], replies="none")

    assert sorted(result.deleted) == sorted(uris[10:13])
    batches = fake.called("app.bsky.feed.getPosts")
    assert [len(b["uris"]) for b in batches[-3:]] == [25, 25, 10]
    assert set(uris[10:13]).isdisjoint(ids(result))


def test_stored_post_whose_author_opted_out_later_is_tombstoned(harness: Harness) -> None:
    fake = harness.fake
    alice = fake.account("alice.test")
    uri = tagged(fake, alice, "Fine for now #shelfcon", at=BASE_TIME - timedelta(days=1))
    harness.run(hashtags=["shelfcon"], replies="none")
    alice.description = "#nobot"

    result = harness.run(hashtags=["shelfcon"], replies="none", since="2025-06-02T00:00:00Z")

    assert result.deleted == (uri,)


# --- rate limits and failures


def test_429_waits_until_the_reset_then_carries_on(harness: Harness) -> None:
    fake = harness.fake
    uri = tagged(fake, fake.account("alice.test"), "Hello #shelfcon")
    reset = str(int(time.time()) + 3)
    fake.script("app.bsky.feed.searchPosts", 429, {"error": "RateLimitExceeded"}, {"RateLimit-Reset": reset})

    result = harness.run(hashtags=["shelfcon"], replies="none")

    assert ids(result) == [uri]
    assert 1.0 <= harness.waits[0] <= 4.5


def test_429_with_a_reset_too_far_away_fails_the_source(harness: Harness) -> None:
    fake = harness.fake
    reset = str(int(time.time()) + 3600)
    fake.script("app.bsky.feed.searchPosts", 429, {"error": "RateLimitExceeded"}, {"RateLimit-Reset": reset})

    with pytest.raises(RateLimited):
        harness.run(hashtags=["shelfcon"])


def test_nearly_exhausted_budget_pauses_before_the_next_call(harness: Harness) -> None:
    fake = harness.fake
    tagged(fake, fake.account("alice.test"), "Hello #shelfcon")
    fake.script(
        "app.bsky.feed.searchPosts",
        200,
        {"posts": [], "cursor": "0"},
        {"RateLimit-Limit": "3000", "RateLimit-Remaining": "1", "RateLimit-Reset": str(int(time.time()) + 2)},
    )

    harness.run(hashtags=["shelfcon"], replies="none")

    assert harness.waits and 0.5 <= harness.waits[0] <= 2.5


def test_5xx_is_retried_with_backoff(harness: Harness) -> None:
    fake = harness.fake
    uri = tagged(fake, fake.account("alice.test"), "Hello #shelfcon")
    fake.script("app.bsky.feed.searchPosts", 502)
    fake.script("app.bsky.feed.searchPosts", 503)

    result = harness.run(hashtags=["shelfcon"], replies="none")

    assert ids(result) == [uri]
    assert len(harness.waits) == 2


def test_persistent_5xx_raises_a_source_error(harness: Harness) -> None:
    for _ in range(3):
        harness.fake.script("app.bsky.feed.searchPosts", 500)
    with pytest.raises(SourceError, match="HTTP 500"):
        harness.run(hashtags=["shelfcon"])


def test_invalid_answer_is_a_source_error(harness: Harness) -> None:
    harness.fake.script("app.bsky.feed.searchPosts", 200, {"posts": [{"uri": "at://x"}]})
    with pytest.raises(SourceError, match="not valid"):
        harness.run(hashtags=["shelfcon"])
