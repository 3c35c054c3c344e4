"""post_from_view: every embed type, labels, replies, URLs (views built by the fixture, validated by the SDK)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from atproto_client import models
from atproto_client.models.utils import get_or_create

from aggregator.collectors.bluesky.posts import author_opted_out, parse_datetime, post_from_view
from aggregator.models import LinkCard, Media
from tests.collectors.bluesky.fakes import (
    FakeBluesky,
    external_view,
    facet,
    gallery_view,
    images_view,
    link,
    tag,
    unavailable_quote,
    video_view,
    with_media,
)


def view_of(fake: FakeBluesky, uri: str) -> models.AppBskyFeedDefs.PostView:
    return get_or_create(fake.posts[uri], models.AppBskyFeedDefs.PostView, strict=True)


@pytest.fixture
def alice(bluesky: FakeBluesky):
    return bluesky.account("alice.test")


def test_plain_fields(bluesky: FakeBluesky, alice) -> None:
    text = "Notes #ShelfCon https://example.org/slides"
    root = bluesky.post(alice, "Thread start")
    uri = bluesky.post(
        alice,
        text,
        reply_to=root,
        facets=[facet(text, "#ShelfCon", tag("ShelfCon")), facet(text, "https://example.org/slides", link("https://example.org/slides"))],
        tags=["#Extra", "shelfcon"],
    )
    post = post_from_view(view_of(bluesky, uri))
    assert post is not None
    assert post.id == uri and post.source == "bluesky"
    assert post.url == f"https://bsky.app/profile/alice.test/post/{uri.rsplit('/', 1)[1]}"
    assert post.author.id == alice.did and post.author.handle == "alice.test"
    assert post.author.url == "https://bsky.app/profile/alice.test"
    assert post.hashtags == ("shelfcon", "extra")
    assert post.links == ("https://example.org/slides",)
    assert post.reply_parent == root and post.reply_root == root
    assert post.lang == "en" and post.text == text
    assert post.created_at.tzinfo is not None


def test_images_with_alt_and_aspect_ratio(bluesky: FakeBluesky, alice) -> None:
    uri = bluesky.post(alice, "Slides", embed=images_view("First slide", "Second slide"))
    post = post_from_view(view_of(bluesky, uri))
    assert [m.alt for m in post.media] == ["First slide", "Second slide"]
    first = post.media[0]
    assert first.kind == "image" and "feed_fullsize" in first.url and "feed_thumbnail" in first.thumb
    assert (first.width, first.height) == (4, 3)


def test_gallery(bluesky: FakeBluesky, alice) -> None:
    uri = bluesky.post(alice, "Gallery", embed=gallery_view("a", "b", "c"))
    post = post_from_view(view_of(bluesky, uri))
    assert [(m.kind, m.alt) for m in post.media] == [("image", "a"), ("image", "b"), ("image", "c")]


def test_video_and_gif(bluesky: FakeBluesky, alice) -> None:
    video = post_from_view(view_of(bluesky, bluesky.post(alice, "Clip", embed=video_view("Stage view"))))
    (media,) = video.media
    assert media == Media(
        "video",
        "https://video.bsky.app/watch/did%3Aplc%3Ax/bafkreivideo/playlist.m3u8",
        "Stage view",
        "https://video.bsky.app/watch/did%3Aplc%3Ax/bafkreivideo/thumbnail.jpg",
        16,
        9,
    )
    gif = post_from_view(view_of(bluesky, bluesky.post(alice, "Loop", embed=video_view(presentation="gif"))))
    assert gif.media[0].kind == "gif"


def test_external_card(bluesky: FakeBluesky, alice) -> None:
    embed = external_view("https://example.org/recap", "Recap", "What happened", "https://cdn.example/t.jpg")
    post = post_from_view(view_of(bluesky, bluesky.post(alice, "Read this", embed=embed)))
    assert post.card == LinkCard("https://example.org/recap", "Recap", "What happened", "https://cdn.example/t.jpg")
    assert post.links == ("https://example.org/recap",)


def test_external_card_with_unsafe_scheme_is_dropped(bluesky: FakeBluesky, alice) -> None:
    post = post_from_view(view_of(bluesky, bluesky.post(alice, "x", embed=external_view("javascript:alert(1)"))))
    assert post.card is None and post.links == ()


def test_quote_keeps_the_quoted_post(bluesky: FakeBluesky, alice) -> None:
    bob = bluesky.account("bob.test")
    quoted = bluesky.post(bob, "Original thought", embed=images_view("Bob's photo"))
    post = post_from_view(view_of(bluesky, bluesky.post(alice, "So true", embed=bluesky.quote_of(quoted))))
    assert post.quote_id == quoted
    assert post.quote is not None and post.quote.text == "Original thought"
    assert post.quote.author.handle == "bob.test" and post.quote.media[0].alt == "Bob's photo"


def test_record_with_media(bluesky: FakeBluesky, alice) -> None:
    quoted = bluesky.post(alice, "Earlier")
    embed = with_media(bluesky.quote_of(quoted), images_view("New photo"))
    post = post_from_view(view_of(bluesky, bluesky.post(alice, "Follow-up", embed=embed)))
    assert post.quote_id == quoted and post.quote.text == "Earlier"
    assert [m.alt for m in post.media] == ["New photo"]


@pytest.mark.parametrize("kind", ["notFound", "blocked", "detached"])
def test_unavailable_quotes_keep_the_id(bluesky: FakeBluesky, alice, kind: str) -> None:
    gone = "at://did:plc:gone0000000000000000000000/app.bsky.feed.post/3lgone"
    post = post_from_view(view_of(bluesky, bluesky.post(alice, "Quoting", embed=unavailable_quote(kind, gone))))
    assert post.quote is None and post.quote_id == gone


def test_unknown_embed_becomes_a_link_to_the_original(bluesky: FakeBluesky, alice) -> None:
    uri = bluesky.post(alice, "New kind of thing", embed={"$type": "app.bsky.embed.hologram#view", "beam": 3})
    post = post_from_view(view_of(bluesky, uri))
    (media,) = post.media
    assert media.kind == "link" and media.url == post.url and "hologram" in media.alt


def test_feed_generator_card_becomes_a_link_to_the_original(bluesky: FakeBluesky, alice) -> None:
    generator = {
        "$type": "app.bsky.feed.defs#generatorView",
        "uri": f"at://{alice.did}/app.bsky.feed.generator/shelfcon",
        "cid": "bafyreigenerator",
        "did": "did:web:feeds.example",
        "creator": {"did": alice.did, "handle": "alice.test"},
        "displayName": "ShelfCon",
        "indexedAt": "2025-06-01T00:00:00.000Z",
    }
    embed = {"$type": "app.bsky.embed.record#view", "record": generator}
    post = post_from_view(view_of(bluesky, bluesky.post(alice, "Follow this feed", embed=embed)))
    assert post.media[0].kind == "link" and post.quote is None


def test_labels_self_and_negated(bluesky: FakeBluesky, alice) -> None:
    uri = bluesky.post(alice, "x", self_labels=("nudity",))
    view = bluesky.posts[uri]
    view["labels"].append({"src": "did:plc:mod", "uri": uri, "val": "nudity", "neg": True, "cts": view["indexedAt"]})
    view["labels"].append({"src": "did:plc:mod", "uri": uri, "val": "spam", "cts": view["indexedAt"]})
    post = post_from_view(view_of(bluesky, uri))
    assert post.labels == ("spam",)


def test_opt_out_signals() -> None:
    def profile(**fields):
        return get_or_create({"did": "did:plc:x", "handle": "x.test", **fields}, models.AppBskyActorDefs.ProfileView)

    label = {"src": "did:plc:x", "uri": "did:plc:x", "val": "!no-unauthenticated", "cts": "2025-01-01T00:00:00Z"}
    assert author_opted_out(profile(labels=[label]))
    assert author_opted_out(profile(description="Please #nobot"))
    assert author_opted_out(profile(description="#NoBots here"))
    assert not author_opted_out(profile(description="I like #nobotanical gardens"))
    assert not author_opted_out(profile(description="Librarian"))


def test_handle_invalid_falls_back_to_the_did(bluesky: FakeBluesky) -> None:
    broken = bluesky.account("broken.test")
    broken.handle = "handle.invalid"
    post = post_from_view(view_of(bluesky, bluesky.post(broken, "hi")))
    assert post.url.startswith(f"https://bsky.app/profile/{broken.did}/post/")


def test_non_post_records_are_skipped(bluesky: FakeBluesky, alice) -> None:
    uri = bluesky.post(alice, "x")
    bluesky.posts[uri]["record"] = {"$type": "app.example.other", "text": "not a post"}
    assert post_from_view(view_of(bluesky, uri)) is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2025-07-03T18:37:56.417Z", datetime(2025, 7, 3, 18, 37, 56, 417000, tzinfo=UTC)),
        ("2025-07-03T13:37:56-05:00", datetime(2025, 7, 3, 18, 37, 56, tzinfo=UTC)),
        ("2025-07-03T18:37:56.123456789Z", datetime(2025, 7, 3, 18, 37, 56, 123456, tzinfo=UTC)),
        ("2025-07-03T18:37:56", datetime(2025, 7, 3, 18, 37, 56, tzinfo=UTC)),
    ],
)
def test_parse_datetime(written: str, expected: datetime) -> None:
    assert parse_datetime(written) == expected


def test_a_bridged_copy_names_its_original(bluesky: FakeBluesky, alice) -> None:
    uri = bluesky.post(alice, "Bridged from the fediverse")
    bluesky.posts[uri]["record"]["bridgyOriginalUrl"] = "https://glammr.example/@alice/1"
    assert post_from_view(view_of(bluesky, uri)).canonical_url == "https://glammr.example/@alice/1"
    bluesky.posts[uri]["record"]["bridgyOriginalUrl"] = "javascript:alert(1)"
    assert post_from_view(view_of(bluesky, uri)).canonical_url == ""
