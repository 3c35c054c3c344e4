"""Facets to HTML: UTF-8 byte offsets, overlaps, trailing spaces, unsafe links, escaping."""

from __future__ import annotations

import json

import pytest
from atproto_client import models
from atproto_client.models.utils import get_or_create
from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.collectors.bluesky.richtext import render_rich_text
from aggregator.sanitize import clean_html
from tests.collectors.bluesky.fakes import facet, link, mention, tag
from tests.paths import SHARED


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


def test_a_link_across_a_paragraph_break_is_split_as_nh3_splits_it() -> None:
    text = "Read it\n\n[Original post] here"
    rich = render_rich_text(text, facets(facet(text, "it\n\n[Original post]", link("https://example.org/a"))))
    anchor = '<a href="https://example.org/a" rel="nofollow noopener noreferrer">'
    assert rich.html == f"<p>Read {anchor}it</a></p><p>{anchor}[Original post]</a> here</p>"


# nh3 is skipped when its cleaning would only re-escape; then the HTML must already be what nh3
# makes of it (nh3 gives its own output back unchanged, and changes anything it would clean)
_CHARACTERS = st.characters(codec="utf-8") | st.sampled_from("\x00\xa0&<>\"'\n\n\n\r \t")
_HREFS = st.sampled_from(
    ["https://example.org/a?b=1&c='2'", "https://exa mple.org/", "https://example.org:99999/", "http://[::1]/",
     "https://example.org/\\x", "https://xn--caf-dma.example/é", "https://a..b/", "HTTPS://EXAMPLE.ORG/#x",
     "https://example.org/\"><script>", "  https://example.org/  ", "javascript:alert(1)", "https://-x.org/"]
) | st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30).map(lambda rest: "https://h.example/" + rest)


@st.composite
def _rich_text(draw: st.DrawFn) -> tuple[str, list[models.AppBskyRichtextFacet.Main]]:
    text = draw(st.text(_CHARACTERS, max_size=80))
    size = len(text.encode("utf-8"))
    features = st.one_of(_HREFS.map(link), st.just(mention("did:plc:alice00000000000000000000")),
                         st.text(_CHARACTERS, min_size=1, max_size=10).map(tag))  # fmt: skip
    raw = [
        {"index": {"byteStart": start, "byteEnd": start + length}, "features": [draw(features)]}
        for start, length in draw(st.lists(st.tuples(st.integers(0, size), st.integers(0, 12)), max_size=4))
    ]
    return text, facets(*raw)


@settings(max_examples=400, deadline=None)
@given(_rich_text())
def test_html_is_what_nh3_makes_of_it(case: tuple[str, list[models.AppBskyRichtextFacet.Main]]) -> None:
    html = render_rich_text(*case).html
    assert clean_html(html) == html


def _sample_posts() -> list[dict]:
    sample = SHARED / "samples" / "bluesky" / "atrrr-searchPosts-q_rstats-limit100.json"
    if not sample.exists():
        pytest.skip("the shared samples are not beside the checkout")
    return json.loads(sample.read_text(encoding="utf-8"))["posts"]


def test_real_posts_html_is_what_nh3_makes_of_it() -> None:
    answer = get_or_create({"posts": _sample_posts()}, models.AppBskyFeedSearchPosts.Response, strict=True)
    for view in answer.posts:
        html = render_rich_text(view.record.text, view.record.facets).html
        assert clean_html(html) == html
