"""The store's change marker: what a skipped build trusts, on both engines."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from aggregator.collectors import SourceState
from aggregator.store.protocol import REASON_OPTED_OUT
from aggregator.store.protocol import PostStore as Store
from tests.store.builders import bridged_copy, make_post, mastodon_original


def _seeded(store: Store) -> None:
    store.save_collected("blog", "feed", [make_post(1), make_post(2), mastodon_original()], [], SourceState())


CHANGES: dict[str, Callable[[Store], object]] = {
    "a new post": lambda s: s.save_collected("blog", "feed", [make_post(3)], [], SourceState()),
    "an edited post": lambda s: s.save_collected("blog", "feed", [replace(make_post(1), text="edited")], [], SourceState()),
    "a deletion": lambda s: s.tombstone([make_post(1).id]),
    "an opt-out": lambda s: s.tombstone([make_post(2).id], reason=REASON_OPTED_OUT),
    "a bridged copy": lambda s: s.save_collected("sky", "bluesky", [bridged_copy()], [], SourceState()),
    "a post seen by a second source": lambda s: s.save_collected("other", "feed", [make_post(1)], [], SourceState()),
    "a failing source": lambda s: s.record_failure("blog", "feed", "HTTP 500"),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_every_change_a_build_reads_moves_the_marker(store: Store, change: Callable[[Store], object]) -> None:
    _seeded(store)
    before = store.change_marker()

    change(store)

    assert store.change_marker() != before


def test_the_marker_stays_while_nothing_changes_and_ignores_meta(store: Store) -> None:
    _seeded(store)
    before = store.change_marker()

    store.set_meta("last_build", "{}")  # what a build records must not make the next one differ
    store.posts()

    assert store.change_marker() == before


def test_a_read_that_brings_nothing_new_leaves_the_marker(store: Store) -> None:
    _seeded(store)
    before = store.change_marker()

    store.save_collected("blog", "feed", [make_post(1), make_post(2)], [], SourceState(etag='"v2"'))

    assert store.change_marker() == before


def test_a_source_working_again_moves_the_marker(store: Store) -> None:
    _seeded(store)
    store.record_failure("blog", "feed", "HTTP 500")
    failing = store.change_marker()

    store.save_collected("blog", "feed", [make_post(1)], [], SourceState())

    assert store.change_marker() != failing
