"""RSS 2.0 and Atom feeds parse back through feedparser cleanly, with stable ids and original links."""

from __future__ import annotations

import dataclasses
import html
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import pytest

from aggregator.models import Placement, Thread
from aggregator.site.feeds import atom_id, entry_title
from aggregator.site.pages import render_site
from tests.site.builders import (
    ALICE,
    BLOG,
    CONTINUATION,
    HALLWAY,
    HOSTILE,
    HOSTILE_ALT,
    ICAL_POST,
    KEYNOTE,
    METADATA,
    ORPHAN,
    REPLY,
    ROOT,
    SITE_URL,
    all_posts,
    build_digest,
    utc,
)
from tests.site.live_markup import elements_in

FORMATS = ("rss", "atom")
ATOM = "{http://www.w3.org/2005/Atom}"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"


def build(tmp_path: Path, *, site_url: str = "") -> Path:
    output = tmp_path / "out"
    render_site(build_digest(site_url=site_url), output)
    return output


def parse(path: Path) -> feedparser.FeedParserDict:
    # feedparser's own sanitizer would hide ours: read the entries exactly as we wrote them.
    parsed = feedparser.parse(path.read_bytes(), sanitize_html=False)
    assert parsed.bozo is False, f"{path.name}: {parsed.get('bozo_exception')!r}"
    return parsed


@pytest.fixture(scope="module")
def relative_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("relative"))


@pytest.fixture(scope="module")
def absolute_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("absolute"), site_url=SITE_URL)


@pytest.mark.parametrize("site_name", ["relative_site", "absolute_site"])
def test_every_feed_parses_without_errors(site_name: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue(site_name)
    written = sorted([*site.rglob("*.rss"), *site.rglob("*.atom")])
    assert len(written) == 10
    for path in written:
        parsed = parse(path)
        assert parsed.version == ("rss20" if path.suffix == ".rss" else "atom10")


@pytest.mark.parametrize("extension", FORMATS)
def test_conference_feed_holds_every_post_newest_first_with_stable_ids(relative_site: Path, extension: str) -> None:
    parsed = parse(relative_site / f"feed.{extension}")
    expected = sorted(all_posts(), key=lambda post: post.created_at, reverse=True)
    ids = [entry.id for entry in parsed.entries]
    assert ids == [post.id if extension == "rss" else atom_id(post.id) for post in expected]
    assert [entry.link for entry in parsed.entries] == [post.url for post in expected]


def test_atom_ids_are_the_post_ids_whenever_they_are_iris() -> None:
    for post in (ROOT, REPLY, BLOG):
        assert atom_id(post.id) == post.id
    assert atom_id(ORPHAN.id) == "urn:x-backchannel-post:feed-entry-without-scheme%207"


@pytest.mark.parametrize("extension", FORMATS)
def test_session_feed_holds_the_whole_thread(relative_site: Path, extension: str) -> None:
    parsed = parse(relative_site / "sessions" / f"101.{extension}")
    assert [entry.link for entry in parsed.entries] == [REPLY.url, CONTINUATION.url, ROOT.url]
    assert KEYNOTE.title in parsed.feed.title


def test_hostile_text_round_trips_as_text_in_atom(relative_site: Path) -> None:
    parsed = parse(relative_site / "sessions" / "102.atom")
    assert METADATA.title in parsed.feed.title
    (entry,) = parsed.entries
    assert entry.title == f"Recap: {HOSTILE}"
    assert entry.title_detail.type == "text/plain"
    assert entry.author == "Carol Blogger"
    assert "<em>metadata</em>" in entry.summary
    assert "<iframe" not in entry.summary.lower() and "evil.example" not in entry.summary


def test_rss_titles_lose_their_markup_and_keep_their_words(relative_site: Path) -> None:
    parsed = parse(relative_site / "sessions" / "102.rss")
    assert parsed.feed.title == "Metadata for everyone · LibCamp 2027"
    (entry,) = parsed.entries
    assert entry.title == "Recap:"
    assert entry.author == "Carol Blogger"
    assert "<iframe" not in entry.summary and "<script" not in entry.summary
    assert "<em>metadata</em>" in entry.summary


def rss_plain_fields(feed: Path) -> dict[str, list[str]]:
    """The text of every RSS field a reader may render as HTML, as an XML parser decodes it."""
    channel = ElementTree.parse(feed).getroot().find("channel")
    assert channel is not None
    return {
        "title": [channel.findtext("title") or "", *(item.findtext("title") or "" for item in channel.iter("item"))],
        "category": [element.text or "" for element in channel.iter("category")],
        "description": [channel.findtext("description") or ""],
        "dc:creator": [element.text or "" for element in channel.iter(DC_CREATOR)],
    }


@pytest.fixture(scope="module")
def described_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile test site, its conference description hostile too."""
    digest = build_digest()
    conference = dataclasses.replace(digest.conference, description=f"Welcome {HOSTILE_ALT}")
    site = tmp_path_factory.mktemp("described") / "out"
    render_site(dataclasses.replace(digest, conference=conference), site)
    return site


@pytest.mark.parametrize("feed_name", ["feed.rss", "sessions/102.rss", "sessions/101.rss"])
def test_rss_plain_text_fields_hold_no_markup_even_rendered_as_html(described_site: Path, feed_name: str) -> None:
    fields = rss_plain_fields(described_site / feed_name)
    assert fields["title"] and fields["description"]
    for field in ("title", "category", "description"):
        for text in fields[field]:
            assert elements_in(text) == [], (field, text)


def test_the_rss_channel_description_is_escaped_as_html(described_site: Path) -> None:
    (description,) = rss_plain_fields(described_site / "feed.rss")["description"]
    assert html.unescape(description) == f"Welcome {HOSTILE_ALT}"  # a reader rendering HTML shows the text
    assert elements_in(description) == []


def test_rss_dc_creator_stays_the_plain_name(relative_site: Path) -> None:
    creators = rss_plain_fields(relative_site / "feed.rss")["dc:creator"]
    assert ALICE.name in creators  # plain text by definition: the name as it is, escaped once for XML


def test_atom_text_constructs_are_typed_text(relative_site: Path) -> None:
    root = ElementTree.parse(relative_site / "sessions" / "102.atom").getroot()
    titles = root.findall(f"{ATOM}entry/{ATOM}title")
    assert titles and all(title.get("type") == "text" for title in titles)
    assert root.find(f"{ATOM}subtitle") is not None and root.find(f"{ATOM}subtitle").get("type") in (None, "text")  # type: ignore[union-attr]
    assert all(content.get("type") == "html" for content in root.iter(f"{ATOM}content"))


@pytest.mark.parametrize("extension", FORMATS)
def test_entry_content_keeps_media_alt_text_and_quote(relative_site: Path, extension: str) -> None:
    entries = {entry.link: entry for entry in parse(relative_site / "sessions" / f"101.{extension}").entries}
    continuation = entries[CONTINUATION.url].summary
    assert CONTINUATION.media[0].url in continuation
    assert 'alt="A slide reading' in continuation
    assert "Looking forward to the keynote tomorrow" in entries[REPLY.url].summary
    assert "Spoilers for the closing panel" in entries[REPLY.url].summary


@pytest.mark.parametrize("extension", FORMATS)
def test_links_are_absolute_with_a_site_url(absolute_site: Path, extension: str) -> None:
    conference = parse(absolute_site / f"feed.{extension}")
    session = parse(absolute_site / "sessions" / f"101.{extension}")
    assert conference.feed.link == f"{SITE_URL}index.html"
    assert session.feed.link == f"{SITE_URL}sessions/101.html"
    self_links = [link.href for link in session.feed.links if link.rel == "self"]
    assert self_links == [f"{SITE_URL}sessions/101.{extension}"]


@pytest.mark.parametrize("extension", FORMATS)
def test_links_are_relative_to_the_feed_without_a_site_url(relative_site: Path, extension: str) -> None:
    raw = (relative_site / "sessions" / f"101.{extension}").read_text(encoding="utf-8")
    assert "../sessions/101.html" in raw
    assert 'rel="self"' not in raw


def test_atom_feed_ids_are_stable_across_builds(tmp_path: Path, relative_site: Path) -> None:
    again = build(tmp_path)
    assert parse(again / "feed.atom").feed.id == parse(relative_site / "feed.atom").feed.id
    assert parse(again / "feed.atom").feed.id.startswith("urn:uuid:")


def test_conference_feed_categories_name_the_session(relative_site: Path) -> None:
    entries = {entry.id: entry for entry in parse(relative_site / "feed.rss").entries}
    assert [tag.term for tag in entries[ICAL_POST.id].tags] == ["Closing panel"]
    assert "tags" not in entries[ORPHAN.id]


def test_conference_feed_carries_every_post_newest_first(tmp_path: Path) -> None:
    digest = build_digest()
    many = [dataclasses.replace(HALLWAY, id=f"https://glammr.us/users/bob/statuses/{n}", created_at=utc(1, 0) + timedelta(minutes=n)) for n in range(450)]
    placements = (*digest.placements, *(Placement(Thread(root=post, posts=(post,)), None) for post in many))
    render_site(dataclasses.replace(digest, placements=placements), tmp_path / "out")
    for extension in FORMATS:
        parsed = parse(tmp_path / "out" / f"feed.{extension}")
        assert len(parsed.entries) == len(all_posts()) + 450
        assert parsed.entries[0].id == ICAL_POST.id and parsed.entries[-1].id == many[0].id


def test_empty_session_feed_is_still_valid(relative_site: Path) -> None:
    for extension in FORMATS:
        parsed = parse(relative_site / "sessions" / f"103.{extension}")
        assert parsed.entries == []


def test_entry_titles_for_social_posts_summarise_the_text() -> None:
    long_post = dataclasses.replace(ROOT, text="word " * 60)
    title = entry_title(long_post)
    assert title.startswith(f"{ROOT.author.name}: word word") and title.endswith("…")
    assert len(title) < len(ROOT.author.name) + 110
    assert entry_title(dataclasses.replace(ROOT, text="  ")) == f"Post by {ROOT.author.name}"
    assert entry_title(BLOG) == BLOG.title
