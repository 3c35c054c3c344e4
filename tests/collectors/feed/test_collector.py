"""Feed collector against a real loopback HTTP server and saved feeds on disk."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from aggregator import USER_AGENT
from aggregator.collectors import SourceState
from aggregator.collectors.feed.collector import FeedOptions
from aggregator.errors import SourceError
from tests.collectors.feed.fakes import (
    BROKEN_RSS,
    CONFERENCE_NOTES_ATOM,
    FAST_RETRIES,
    FEED_DATA,
    RSS_CONTENT_TYPE,
    TAGGED_BLOG_RSS,
    feed_collector,
    make_context,
)
from tests.paths import SHARED

ETAG = '"v1-abc"'
LAST_MODIFIED = "Thu, 04 Mar 2027 12:00:00 GMT"


def serve_conditionally(httpserver: HTTPServer, *, etag: str = "", last_modified: str = "") -> None:
    """Answer /feed like a well-behaved server: 304 when the client already has this version."""
    body = TAGGED_BLOG_RSS.read_bytes()

    def handler(request: Request) -> Response:
        fresh_by_etag = etag and request.headers.get("If-None-Match") == etag
        fresh_by_date = last_modified and request.headers.get("If-Modified-Since") == last_modified
        headers = {key: value for key, value in (("ETag", etag), ("Last-Modified", last_modified)) if value}
        if fresh_by_etag or (fresh_by_date and not etag):
            return Response(status=304, headers=headers)
        return Response(body, content_type=RSS_CONTENT_TYPE, headers=headers)

    httpserver.expect_request("/feed").respond_with_handler(handler)


def test_etag_round_trip_turns_the_second_fetch_into_a_304(httpserver: HTTPServer, tmp_path: Path) -> None:
    serve_conditionally(httpserver, etag=ETAG)
    collector = feed_collector(tmp_path, url=httpserver.url_for("/feed"))

    first = collector.collect(SourceState())
    second = collector.collect(first.state)

    assert len(first.posts) == 3
    assert first.state.etag == ETAG
    assert second.posts == ()
    assert "304" in " ".join(second.notes)
    assert second.state.etag == ETAG  # kept for the run after
    requests = [request for request, _ in httpserver.log]
    assert "If-None-Match" not in requests[0].headers
    assert requests[1].headers["If-None-Match"] == ETAG


def test_last_modified_round_trip(httpserver: HTTPServer, tmp_path: Path) -> None:
    serve_conditionally(httpserver, last_modified=LAST_MODIFIED)
    collector = feed_collector(tmp_path, url=httpserver.url_for("/feed"))

    first = collector.collect(SourceState())
    second = collector.collect(first.state)

    assert first.state.last_modified == LAST_MODIFIED
    assert first.state.etag == ""
    assert second.posts == ()
    assert httpserver.log[1][0].headers["If-Modified-Since"] == LAST_MODIFIED


def test_changed_feed_is_read_again_and_new_validators_stored(httpserver: HTTPServer, tmp_path: Path) -> None:
    serve_conditionally(httpserver, etag='"v2"')
    collector = feed_collector(tmp_path, url=httpserver.url_for("/feed"))

    result = collector.collect(SourceState(etag='"v1-old"'))

    assert len(result.posts) == 3
    assert result.state.etag == '"v2"'


def test_sends_the_project_user_agent_and_asks_for_feeds(httpserver: HTTPServer, tmp_path: Path) -> None:
    serve_conditionally(httpserver)
    feed_collector(tmp_path, url=httpserver.url_for("/feed")).collect(SourceState())

    request = httpserver.log[0][0]
    assert request.headers["User-Agent"] == USER_AGENT
    assert "application/rss+xml" in request.headers["Accept"]


def test_follows_redirects_and_resolves_relative_links_against_the_final_address(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/old-feed").respond_with_response(
        Response(status=301, headers={"Location": httpserver.url_for("/blog/feed")})
    )
    httpserver.expect_request("/blog/feed").respond_with_data(
        CONFERENCE_NOTES_ATOM.read_bytes().replace(b"https://notes.example.net/2027/recap/", b"2027/recap/"),
        content_type="application/atom+xml",
    )

    result = feed_collector(tmp_path, url=httpserver.url_for("/old-feed")).collect(SourceState())

    recap = next(p for p in result.posts if p.id.endswith("recap"))
    assert recap.url == httpserver.url_for("/blog/2027/recap/")
    assert recap.links == (httpserver.url_for("/blog/2027/recap/folien.pdf"),)


def test_server_error_is_retried_then_reported(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/feed").respond_with_data("boom", status=500)

    with pytest.raises(SourceError, match="HTTP 500"):
        feed_collector(tmp_path, url=httpserver.url_for("/feed")).collect(SourceState())

    assert len(httpserver.log) == FAST_RETRIES.attempts


def test_transient_server_error_recovers(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_ordered_request("/feed").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/feed").respond_with_data(
        TAGGED_BLOG_RSS.read_bytes(), content_type=RSS_CONTENT_TYPE
    )

    result = feed_collector(tmp_path, url=httpserver.url_for("/feed")).collect(SourceState())

    assert len(result.posts) == 3


def test_missing_feed_is_a_source_error_naming_the_status(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/feed").respond_with_data("no such page", status=404)

    with pytest.raises(SourceError, match="HTTP 404"):
        feed_collector(tmp_path, url=httpserver.url_for("/feed")).collect(SourceState())


def test_malformed_feed_with_entries_is_accepted_with_a_note(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/feed").respond_with_data(BROKEN_RSS.read_bytes(), content_type=RSS_CONTENT_TYPE)

    result = feed_collector(tmp_path, url=httpserver.url_for("/feed")).collect(SourceState())

    assert [p.title for p in result.posts] == ["Still readable"]
    assert any("not a well-formed feed" in note for note in result.notes)


def test_web_page_instead_of_a_feed_is_an_explained_error(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/blog").respond_with_data(
        "<!DOCTYPE html><html><head><title>Blog</title></head><body><p>Hello</p></body></html>",
        content_type="text/html; charset=utf-8",
    )

    with pytest.raises(SourceError, match="web page, not a feed"):
        feed_collector(tmp_path, url=httpserver.url_for("/blog")).collect(SourceState())


def test_web_page_that_announces_its_feed_names_it(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/tag/c4l27/").respond_with_data(
        '<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" title="C4L27" '
        'href="/tag/c4l27/feed/"></head><body></body></html>',
        content_type="text/html",
    )

    with pytest.raises(SourceError, match="it announces http://.*/tag/c4l27/feed/: use one of those"):
        feed_collector(tmp_path, url=httpserver.url_for("/tag/c4l27/")).collect(SourceState())


def test_garbage_is_not_a_feed(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.xml"
    garbage.write_bytes(b"\x00\x01 definitely not xml")

    with pytest.raises(SourceError, match="not a readable feed"):
        feed_collector(tmp_path, path=garbage).collect(SourceState())


def test_entry_is_normalized(tmp_path: Path) -> None:
    posts = {p.id: p for p in feed_collector(tmp_path, path=TAGGED_BLOG_RSS).collect(SourceState()).posts}

    day_one = posts["https://blog.example.org/?p=101"]  # the guid, even when it is not a permalink
    assert day_one.source == "feed"
    assert day_one.url == "https://blog.example.org/2027/03/day-one/"
    assert day_one.title == "Day one at Code4Lib: linked data in the stacks"
    assert day_one.author.display_name == "Robin Fischer"
    assert day_one.created_at == datetime(2027, 3, 2, 23, 45, tzinfo=UTC)
    assert day_one.lang == "en-GB"
    assert day_one.hashtags == ("c4l27", "linkeddata", "marc", "bibframe")
    assert day_one.links == ("https://blog.example.org/2027/02/preview/", "https://slides.example.org/ld-stacks")
    assert "Ask me about #MARC and #bibframe." in day_one.text
    [image] = day_one.media
    assert image.url == "https://blog.example.org/wp-content/uploads/2027/03/room.jpg"
    assert image.alt == "A full room watching the keynote"
    assert (image.width, image.height) == (800, 600)


def test_scripts_event_handlers_and_javascript_links_are_stripped(tmp_path: Path) -> None:
    posts = {p.id: p for p in feed_collector(tmp_path, path=TAGGED_BLOG_RSS).collect(SourceState()).posts}

    html = posts["https://blog.example.org/?p=101"].html
    for dangerous in ("<script", "onclick", "steal()", "javascript:", "evil.example", "style="):
        assert dangerous not in html
    assert "click" in html and "2027/03/day-one" not in html  # the emptied link does not point anywhere


def test_relative_urls_resolve_against_the_entry_link(tmp_path: Path) -> None:
    posts = {p.id: p for p in feed_collector(tmp_path, path=TAGGED_BLOG_RSS).collect(SourceState()).posts}

    html = posts["https://blog.example.org/?p=101"].html
    assert 'href="https://blog.example.org/2027/02/preview/"' in html
    assert 'src="https://blog.example.org/wp-content/uploads/2027/03/room.jpg"' in html
    notes = feed_collector(tmp_path, path=CONFERENCE_NOTES_ATOM).collect(SourceState()).posts
    assert 'href="https://notes.example.net/2027/recap/folien.pdf"' in notes[0].html


XML_BASE_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://photos.example/blog/">
  <title>Photo notes</title><id>tag:photos.example,2027:feed</id><updated>2027-03-02T10:00:00Z</updated>
  <entry xml:base="day-one/">
    <title>Decorative and described</title><id>tag:photos.example,2027:1</id>
    <link href="https://photos.example/blog/day-one/post"/><updated>2027-03-02T10:00:00Z</updated>
    <content type="html">&lt;p&gt;&lt;img alt src="divider.png"&gt;&lt;img alt="" src="spacer.png"&gt;
      &lt;img alt="The stage" src="stage.jpg"&gt; &lt;a href="slides.pdf"&gt;slides&lt;/a&gt;&lt;/p&gt;</content>
  </entry>
</feed>
"""


def test_empty_alt_stays_empty_and_links_resolve_against_xml_base(tmp_path: Path) -> None:
    saved = tmp_path / "photos.atom.xml"
    saved.write_text(XML_BASE_ATOM, encoding="utf-8")
    [post] = feed_collector(tmp_path, path=saved).collect(SourceState()).posts

    # a bare `alt` is an empty alt (a decorative image): it must not become the word "alt"
    assert 'alt="alt"' not in post.html
    assert '<img alt="" src="https://photos.example/blog/day-one/divider.png">' in post.html
    assert {m.url.rsplit("/", 1)[1]: m.alt for m in post.media} == {
        "divider.png": "",
        "spacer.png": "",
        "stage.jpg": "The stage",
    }
    assert post.links == ("https://photos.example/blog/day-one/slides.pdf",)


def test_entry_without_guid_uses_its_link_and_plain_summary_is_escaped(tmp_path: Path) -> None:
    posts = {p.id: p for p in feed_collector(tmp_path, path=TAGGED_BLOG_RSS).collect(SourceState()).posts}

    slides = posts["https://blog.example.org/2027/03/slides/"]
    assert slides.author.display_name == "Stacks & Snacks"  # no author: the feed's title
    assert slides.hashtags == ("c4l27",)
    packing = posts["https://blog.example.org/2027/02/packing/"]
    assert [m.url for m in packing.media] == ["https://blog.example.org/wp-content/uploads/suitcase.png"]


def test_atom_html_title_becomes_plain_text_and_text_content_is_escaped(tmp_path: Path) -> None:
    posts = {p.id: p for p in feed_collector(tmp_path, path=CONFERENCE_NOTES_ATOM).collect(SourceState()).posts}

    recap = posts["tag:notes.example.net,2027:recap"]
    assert recap.title == "Recap: Discovery & search"
    assert recap.created_at == datetime(2027, 3, 5, 8, 30, tzinfo=UTC)
    assert recap.lang == "de"
    assert "iframe" not in recap.html and "tracker.example" not in recap.html
    draft = posts["tag:notes.example.net,2027:draft"]
    assert draft.html == "<p>No date at all, &lt;but&gt; text.</p>"
    assert draft.created_at == datetime(2027, 3, 5, 10, 0, tzinfo=UTC)  # falls back to the feed's date


def test_undated_entries_in_an_undated_feed_are_left_out_with_a_note(tmp_path: Path) -> None:
    feed = tmp_path / "undated.xml"
    feed.write_text(
        '<rss version="2.0"><channel><title>T</title><link>https://u.example/</link>'
        "<item><title>When?</title><link>https://u.example/when</link></item></channel></rss>"
    )

    result = feed_collector(tmp_path, path=feed).collect(SourceState())

    assert result.posts == ()
    assert any("without any date" in note for note in result.notes)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"day-one", "packing", "slides"}),
        ({"hashtags": ("#C4L27",)}, {"day-one", "slides"}),  # category on one, #tag in the title of the other
        ({"hashtags": ("bibframe",)}, {"day-one"}),  # a #tag in the text
        ({"categories": ("linked data",)}, {"day-one"}),
        ({"categories": ("TRAVEL",), "hashtags": ("bibframe",)}, {"day-one", "packing"}),
        ({"categories": ("bibframe",)}, set()),  # categories look at categories only
    ],
)
def test_hashtag_and_category_filters(tmp_path: Path, filters: dict[str, tuple[str, ...]], expected: set[str]) -> None:
    result = feed_collector(tmp_path, path=TAGGED_BLOG_RSS, **filters).collect(SourceState())

    slugs = {p.url.rstrip("/").rsplit("/", 1)[-1] for p in result.posts}
    assert slugs == expected


def test_within_window_keeps_only_entries_in_the_collection_window(tmp_path: Path) -> None:
    context = make_context(tmp_path, start=datetime(2027, 3, 1, tzinfo=UTC), end=datetime(2027, 3, 3, tzinfo=UTC))

    inside = feed_collector(tmp_path, context, path=TAGGED_BLOG_RSS, within_window=True).collect(SourceState())
    everything = feed_collector(tmp_path, context, path=TAGGED_BLOG_RSS).collect(SourceState())

    assert [p.title for p in inside.posts] == ["Day one at Code4Lib: linked data in the stacks"]
    assert len(everything.posts) == 3


def test_path_folder_reads_every_feed_once(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    for name in ("a.xml", "b.xml"):
        (folder / name).write_bytes(TAGGED_BLOG_RSS.read_bytes())
    (folder / "c.atom").write_bytes(CONFERENCE_NOTES_ATOM.read_bytes())

    result = feed_collector(tmp_path, path=folder).collect(SourceState())

    assert len(result.posts) == 5
    assert len({p.id for p in result.posts}) == 5


def test_path_that_does_not_exist_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        feed_collector(tmp_path, path=tmp_path / "missing.xml").collect(SourceState())


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"url": "https://blog.example.org/feed/", "path": "saved.xml"},
        {"url": "ftp://blog.example.org/feed/"},
        {"url": "https://blog.example.org/feed/", "unknown_key": 1},
    ],
)
def test_invalid_options_are_rejected(options: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        FeedOptions(type="feed", **options)


def test_every_option_is_described() -> None:
    own = set(FeedOptions.model_fields) - {"type", "name", "path", "enabled"}
    assert all(FeedOptions.model_fields[name].description for name in own)


def test_fixture_folder_parses_without_errors(tmp_path: Path) -> None:
    result = feed_collector(tmp_path, path=FEED_DATA).collect(SourceState())

    assert len(result.posts) == 6


REAL_FEEDS = sorted((SHARED / "samples" / "feeds").glob("*.xml")) + sorted((SHARED / "eval").glob("*/blogs/recaps.xml"))


@pytest.mark.skipif(not REAL_FEEDS, reason="the shared real-world feed samples are not on this machine")
@pytest.mark.parametrize("feed", REAL_FEEDS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_real_world_feeds(tmp_path: Path, feed: Path) -> None:
    result = feed_collector(tmp_path, path=feed).collect(SourceState())

    assert result.posts and not result.notes
    for post in result.posts:
        assert post.id and post.url.startswith("http") and post.title and post.text
        assert post.created_at.tzinfo is not None
        assert "<script" not in post.html
