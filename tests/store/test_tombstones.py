"""Review: bridged copies of a post whose original is deleted, and a crash while saving."""

from __future__ import annotations

import pytest

from aggregator.collectors import SourceState
from aggregator.store.protocol import PostStore as Store
from tests.store.builders import bridged_copy, mastodon_original


def test_copy_of_an_original_deleted_before_the_copy_arrived_stays_hidden(store: Store) -> None:
    original = mastodon_original()
    store.save_collected("mastodon", "mastodon", [original], [], SourceState())
    store.save_collected("mastodon", "mastodon", [], [original.id], SourceState())

    store.save_collected("bluesky", "bluesky", [bridged_copy()], [], SourceState())  # the bridge lags behind

    assert store.posts() == []


def test_copy_stays_hidden_when_its_original_is_deleted_later(store: Store) -> None:
    original = mastodon_original()
    store.save_collected("mastodon", "mastodon", [original], [], SourceState())
    store.save_collected("bluesky", "bluesky", [bridged_copy()], [], SourceState())
    store.save_collected("mastodon", "mastodon", [], [original.id], SourceState())

    store.save_collected("bluesky", "bluesky", [bridged_copy()], [], SourceState())  # collected again

    assert store.posts() == []


def test_crash_while_saving_keeps_the_posts_and_the_state_of_before(store: Store) -> None:
    first = mastodon_original()
    store.save_collected("mastodon", "mastodon", [first], [], SourceState(cursor="1"))

    def exploding():
        yield bridged_copy()
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        store.save_collected("mastodon", "mastodon", exploding(), [first.id], SourceState(cursor="2"))

    assert [post.id for post in store.posts()] == [first.id]
    assert store.state("mastodon").cursor == "1"
