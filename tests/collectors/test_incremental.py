"""Review: what a second collection run picks up, and what a failed run must not lose."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aggregator import pipeline
from aggregator.config.model import Config, load_config
from aggregator.store.sqlite import Store
from tests.collectors.bluesky.fakes import (
    Harness,
    facet,
    tag,
)


def tagged(fake, author, text: str, **kwargs) -> str:
    return fake.post(author, text, facets=[facet(text, "#shelfcon", tag("shelfcon"))], **kwargs)


def test_continuation_of_a_thread_that_had_no_replies_at_the_last_run(harness: Harness) -> None:
    """A live-poster's first (tagged) post is collected before they reply to it; the hashtag
    moves on, so the next search no longer re-reads that post: only the stored posts' fresh
    reply counts can tell that its thread has grown."""
    fake = harness.fake
    now = datetime.now(UTC).replace(microsecond=0)
    window = {"since": now - timedelta(days=1), "until": now + timedelta(hours=1)}
    alice, bob = fake.account("alice.test"), fake.account("bob.test")
    root = tagged(fake, alice, "Keynote starting #shelfcon 🧵", at=now - timedelta(hours=2))
    tagged(fake, bob, "Coffee queue #shelfcon", at=now - timedelta(hours=1))
    harness.run(hashtags=["shelfcon"], **window)
    continuation = fake.post(alice, "The speaker says catalogues are dead", reply_to=root, at=now - timedelta(minutes=5))

    second = harness.run(hashtags=["shelfcon"], **window)

    assert continuation in [post.id for post in second.posts]


def bluesky_config(write_config, fake, **extra: str) -> Config:
    options = "".join(f"\n                {key}: {value}" for key, value in extra.items())
    path = write_config(
        f"""
        conference:
          name: ShelfCon
          hashtags: ["#shelfcon"]
          timezone: Europe/Berlin
          start: "2025-06-02"
          end: "2025-06-03"
        sources:
          - type: bluesky
            name: sky
            hashtags: ["#shelfcon"]
            replies: none
            service: {fake.url}
            appview: {fake.url}{options}
        """
    )
    return load_config(path)


def test_an_author_who_opts_in_again_is_published_again(harness: Harness, write_config) -> None:
    """#nobot withholds an author's posts; removing it must bring them back (opted out, not deleted)."""
    fake = harness.fake
    alice = fake.account("alice.test", description="#nobot")
    uri = tagged(fake, alice, "Notes from the plenary #shelfcon")
    config = bluesky_config(write_config, fake)
    with Store(config.data_dir) as store:
        pipeline.collect_sources(config, store)
        assert store.posts() == []
        alice.description = "Librarian"

        pipeline.collect_sources(config, store)

        assert [post.id for post in store.posts()] == [uri]


def test_a_post_deleted_upstream_stays_deleted(harness: Harness, write_config) -> None:
    fake = harness.fake
    alice = fake.account("alice.test")
    uri = tagged(fake, alice, "Regrettable #shelfcon")
    config = bluesky_config(write_config, fake)
    with Store(config.data_dir) as store:
        pipeline.collect_sources(config, store)
        deleted = fake.posts.pop(uri)
        pipeline.collect_sources(config, store)
        fake.posts[uri] = deleted  # a stale copy (an AppView lagging behind) shows it again

        pipeline.collect_sources(config, store)

        assert store.posts() == []


def test_store_revives_opted_out_posts_but_never_deleted_ones(tmp_path) -> None:
    from aggregator.collectors import SourceState
    from tests.store.test_sqlite import make_post

    with Store(tmp_path / "data") as store:
        shy, gone = make_post(1), make_post(2)
        store.save_collected("src", "feed", [shy, gone], [], SourceState())
        store.save_collected("src", "feed", [], [shy.id, gone.id], SourceState(), withheld=[shy.id])
        assert store.posts() == []

        store.save_collected("src", "feed", [shy, gone], [], SourceState())

        assert [post.id for post in store.posts()] == [shy.id]


def test_naive_since_and_until_are_conference_local_time(tmp_path) -> None:
    """Sessions written without an offset are in the conference's time zone; so are since/until."""
    from datetime import datetime as moment
    from zoneinfo import ZoneInfo

    from aggregator.collectors import CollectContext
    from aggregator.collectors.bluesky.collector import BlueskyOptions, collection_window
    from aggregator.collectors.mastodon.collector import MastodonCollector, MastodonOptions
    from aggregator.models import Conference

    conference = Conference(name="C", hashtags=("c",), timezone="America/Chicago")
    context = CollectContext(conference=conference, data_dir=tmp_path)
    chicago = ZoneInfo("America/Chicago")
    since, until = moment(2027, 3, 2, 8, 0, tzinfo=chicago), moment(2027, 3, 4, 18, 0, tzinfo=chicago)
    naive = {"since": "2027-03-02T08:00:00", "until": "2027-03-04T18:00:00"}

    window = collection_window(BlueskyOptions(type="bluesky", hashtags=["c"], **naive), context)
    mastodon = MastodonCollector(MastodonOptions(type="mastodon", instances=["m.example"], **naive), context)

    assert (window.start, window.end) == (since, until)
    assert mastodon._window() == (since, until)
