"""Facets to HTML: UTF-8 byte offsets, overlaps, trailing spaces, unsafe links, escaping."""

from __future__ import annotations

from atproto_client import models
from atproto_client.models.utils import get_or_create

from aggregator.collectors.bluesky.richtext import render_rich_text
from tests.collectors.bluesky.fakes import facet, link, mention, tag


def facets(*raw: dict) -> list[models.AppBskyRichtextFacet.Main]:
    return [get_or_create(f, models.AppBskyRichtextFacet.Main, strict=True) for f in raw]


def test_offsets_are_utf8_bytes_after_emoji_accents_and_cjk() -> None:
    text = "🎉 Café 東京 talk #ShelfCon by @alice.test"
    rich = render_rich_text(
        text,
        facets(
            facet(text, "#ShelfCon", tag("ShelfCon")),
            facet(text, "@alice.test", mention("did:plc:alice00000000000000000000")),
        ),
    )
    assert rich.html == (
        '<p>🎉 Café 東京 talk <a href="https://bsky.app/hashtag/shelfcon" rel="nofollow noopener noreferrer">#ShelfCon</a>'
        ' by <a href="https://bsky.app/profile/did:plc:alice00000000000000000000" rel="nofollow noopener noreferrer">'
        "@alice.test</a></p>"
    )
    assert rich.hashtags == ("shelfcon",)
    assert rich.mentions == ("alice.test",)


def test_trailing_space_in_a_tag_facet_stays_outside_the_link() -> None:
    text = "Using #rstats for the plots."
    rich = render_rich_text(text, facets(facet(text, "#rstats", tag("rstats"), extra_bytes=1)))
    assert ">#rstats</a> for the plots." in rich.html


def test_shortened_link_text_points_to_the_full_uri() -> None:
    full = "https://example.org/a/very/long/path/to/the/slides.pdf"
    text = "Slides: example.org/a/very/lon..."
    rich = render_rich_text(text, facets(facet(text, "example.org/a/very/lon...", link(full))))
    assert f'<a href="{full}" rel="nofollow noopener noreferrer">example.org/a/very/lon...</a>' in rich.html
    assert rich.links == (full,)


def test_only_http_links_become_anchors() -> None:
    text = "click me and me"
    rich = render_rich_text(
        text,
        facets(facet(text, "click me", link("javascript:alert(1)")), facet(text, "me", link("ftp://x"), occurrence=1)),
    )
    assert "<a" not in rich.html and "click me and me" in rich.html
    assert rich.links == ()


def test_overlapping_unsorted_and_out_of_range_facets_are_tolerated() -> None:
    text = "one two three"
    rich = render_rich_text(
        text,
        facets(
            facet(text, "three", link("https://three.example")),
            facet(text, "one two", link("https://one.example")),
            facet(text, "two", link("https://two.example")),  # overlaps "one two": dropped
            {"index": {"byteStart": 5, "byteEnd": 500}, "features": [link("https://past-the-end.example")]},
        ),
    )
    assert rich.links == ("https://one.example", "https://three.example")
    assert rich.html.count("<a ") == 2


def test_offsets_inside_a_multibyte_character_do_not_break_it() -> None:
    text = "é#tag"
    broken = {"index": {"byteStart": 1, "byteEnd": 6}, "features": [tag("tag")]}  # starts inside "é"
    rich = render_rich_text(text, facets(broken))
    assert "\ufffd" not in rich.html and "é" in rich.html


def test_text_is_escaped_and_lines_kept() -> None:
    text = '<script>alert("x")</script> & more\nsecond line\n\nnew paragraph'
    rich = render_rich_text(text, None)
    assert rich.html == (
        "<p>&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; more<br>second line</p><p>new paragraph</p>"
    )


def test_unknown_facet_features_are_ignored() -> None:
    text = "$TSLA and #tag"
    unknown = {"index": {"byteStart": 0, "byteEnd": 5}, "features": [{"$type": "app.example.cashtag", "x": 1}]}
    rich = render_rich_text(text, facets(unknown, facet(text, "#tag", tag("tag"))))
    assert rich.hashtags == ("tag",) and rich.html.count("<a ") == 1
