"""Everything from outside is hostile: the built site, its feeds and sessions.json stay safe.

A Digest whose every outside field carries payloads (and posts read by the real collectors
from hostile saved answers, sessions read by the real programme importers from hostile
programme files) is rendered into a temporary folder; every written file is then parsed
and audited (see ``tests.hostile``).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from atproto_client import models

from aggregator.collectors import SourceState
from aggregator.collectors.bluesky.richtext import render_rich_text
from aggregator.models import Digest
from aggregator.sanitize import References, clean_html, is_safe_url, references
from aggregator.site.pages import render_site
from tests.collectors.feed.fakes import feed_collector
from tests.hostile import (
    ALT_TEXT,
    BAD_URLS,
    HOSTILE_BLOG_HTML,
    HOSTILE_DATA,
    HOSTILE_POST_IDS,
    HOSTILE_SESSION_IDS,
    QUOTED_URL,
    SCRIPT,
    assert_published_and_escaped,
    audit_html,
    audit_site,
    has_xml_forbidden_characters,
    hostile_author,
    hostile_digest,
    hostile_post,
    hostile_posts,
    site_files,
)

ATOM = "{http://www.w3.org/2005/Atom}"
# nh3 swallows an exception raised in the URL filter; make it fail the test instead
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")


def build(tmp_path: Path, digest: Digest) -> Path:
    """Render into a folder of its own inside ``tmp_path`` so stray writes beside it show."""
    site = tmp_path / "out" / "site"
    render_site(digest, site)
    return site


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("hostile"), hostile_digest())


# --- the audit itself can fail ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "markup",
    [
        "<script>alert(1)</script>",
        '<p onclick="x">',
        '<a href="javascript:alert(1)">',
        '<a href=" https://ok.example/">',
        '<img src="data:image/png;base64,AA">',
        '<a href="//evil.example/">',
        '<a href="../../outside.html">',
        '<a href="missing.html">',
        '<iframe src="https://ok.example/">',
        '<meta http-equiv="refresh" content="0">',
        '<p style="color:red">',
    ],
)
def test_the_audit_catches_unsafe_markup(markup: str) -> None:
    assert audit_html(markup, "sessions/a.html", frozenset({"sessions/a.html", "index.html"})).problems


@pytest.mark.parametrize(
    ("markup", "page"),
    [
        ('<script src="static/search.js"></script>', "index.html"),  # only the search page has search.js
        ('<script src="../static/now.js" defer></script>', "sessions/a.html"),  # only the home page has now.js
        ('<script src="static/localtime.js" defer></script>', "sessions/a.html"),  # not this page's root
        ('<script src="static/localtime.js" async></script>', "index.html"),
        ('<script src="static/search.js">alert(1)</script>', "search.html"),
        ('<script src="https://evil.example/x.js"></script>', "search.html"),
        ('<script src="static/search.js" onload="x()"></script>', "search.html"),
        ('<form action="https://evil.example/steal"></form>', "search.html"),
        ('<input type="password" name="p">', "search.html"),
    ],
)
def test_the_audit_allows_only_the_templates_own_furniture(markup: str, page: str) -> None:
    files = frozenset({"search.html", "index.html", "static/search.js"})
    assert audit_html(markup, page, files).problems


def test_the_audit_accepts_the_templates_search_furniture() -> None:
    markup = (
        '<form id="search-form" class="search-form" role="search" aria-label="Posts and sessions" action="search.html" method="get">'
        '<input id="search-query" name="q" type="search"><button type="submit">Search</button></form>'
        '<script src="static/search.js"></script><script src="static/localtime.js" defer></script>'
    )
    files = frozenset({"search.html", "static/search.js", "static/localtime.js"})
    assert audit_html(markup, "search.html", files).problems == []
    header = (
        '<form class="site-search" role="search" aria-label="Site" action="../search.html" method="get">'
        '<input id="site-search-query" name="q" type="search"><button type="submit">Search</button></form>'
    )
    assert audit_html(header, "sessions/a.html", frozenset({"search.html", "sessions/a.html"})).problems == []


def test_the_audit_accepts_safe_markup() -> None:
    markup = '<a href="../index.html#x">home</a><a href="https://ok.example/">x</a><a href="#top">t</a>'
    assert audit_html(markup, "sessions/a.html", frozenset({"index.html"})).problems == []


# --- the rendered site ------------------------------------------------------------------------------


def test_no_active_content_event_handlers_or_unsafe_links_in_any_page(hostile_site: Path) -> None:
    audit = audit_site(hostile_site)
    assert audit.problems == []
    assert len(audit.links) > 100  # the audit really saw the posts' links


def test_payload_text_is_shown_escaped_not_dropped(hostile_site: Path) -> None:
    hallway = (hostile_site / "hallway.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;text&#39;)&lt;/script&gt;" in hallway
    scripts = re.findall(r"<script\b[^>]*>", hallway, re.IGNORECASE)
    assert scripts == ['<script src="static/localtime.js" defer>']  # the site's own, nothing from the payload
    assert "Blog <b>bold</b> text" in hallway  # the harmless part of the blog HTML survives


def test_alt_text_is_kept_escaped_on_the_images(hostile_site: Path) -> None:
    images = audit_site(hostile_site).images
    assert any(image.get("alt") == ALT_TEXT for image in images)
    assert any(image.get("alt") == "A cat <script>alert(1)</script> on a desk" for image in images)
    page = (hostile_site / "hallway.html").read_text(encoding="utf-8")
    assert "Image: Slide: &lt;script&gt;" in page  # the image whose URL was unsafe keeps its description


def test_no_control_characters_reach_the_pages(hostile_site: Path) -> None:
    for page in hostile_site.rglob("*.html"):
        assert not has_xml_forbidden_characters(page.read_text(encoding="utf-8")), page


def test_no_unsafe_scheme_survives_in_any_written_file(hostile_site: Path) -> None:
    for path in hostile_site.rglob("*"):
        if path.suffix in {".html", ".rss", ".atom"}:
            text = path.read_text(encoding="utf-8").lower()
            for needle in ('href="javascript', 'src="javascript', 'href="data:', 'src="data:', 'href="vbscript'):
                assert needle not in text, (path, needle)


# --- session ids choose no file names --------------------------------------------------------------


def test_session_ids_write_nothing_outside_the_site_and_every_session_gets_a_page(tmp_path: Path) -> None:
    site = build(tmp_path, hostile_digest())
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["site"]
    files = site_files(site)
    pages = {f for f in files if f.startswith("sessions/") and f.endswith(".html")}
    assert len(pages) == len(HOSTILE_SESSION_IDS)  # none overwrote another (UPPER/upper, ""/"." ...)
    assert all(f.count("/") == 1 and "\\" not in f and "\x00" not in f for f in pages)
    assert all(len(Path(f).name) < 100 for f in files)


def test_sessions_json_is_valid_and_keeps_the_ids(hostile_site: Path) -> None:
    data = json.loads((hostile_site / "sessions.json").read_text(encoding="utf-8"))
    assert {session["id"] for session in data["sessions"]} == set(HOSTILE_SESSION_IDS)
    exported = {post["id"] for s in data["sessions"] for post in s["posts"]} | {p["id"] for p in data["unassigned"]}
    assert set(HOSTILE_POST_IDS) <= exported


def test_posts_csv_parses_keeps_every_post_and_holds_no_formula(tmp_path: Path) -> None:
    formula = dataclasses.replace(
        hostile_post(7, url="https://ok.example/formula"),
        id="=HYPERLINK(\"https://evil.example\")",
        text="+cmd|' /C calc'!A0",
        title="-2+3",
        author=dataclasses.replace(hostile_author(7), handle="@SUM(A1:A9)", display_name=" =1+1"),
    )
    site = build(tmp_path, hostile_digest([*hostile_posts(), formula]))
    with (site / "posts.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(hostile_posts()) + 1
    assert "'=HYPERLINK(\"https://evil.example\")" in {row["id"] for row in rows}
    for row in rows:
        for value in row.values():
            assert not value.lstrip().startswith(("=", "+", "-", "@")), value
            assert not has_xml_forbidden_characters(value.replace("\n", "").replace("\r", "")), value


def test_day_pages_are_audited_too(hostile_site: Path) -> None:
    pages = [f for f in site_files(hostile_site) if f.startswith("days/")]
    assert pages  # audit_site covers them with every other page
    assert audit_site(hostile_site).problems == []


# --- feeds -----------------------------------------------------------------------------------------


def feed_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.suffix in {".rss", ".atom"})


def test_every_feed_is_well_formed_and_feedparser_reads_it_cleanly(hostile_site: Path) -> None:
    feeds = feed_files(hostile_site)
    assert len(feeds) == 2 * (1 + len(HOSTILE_SESSION_IDS))
    for path in feeds:
        ET.parse(path)  # raises on anything that is not well-formed XML
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))


def test_feed_entry_html_is_safe_once_decoded(hostile_site: Path) -> None:
    files = site_files(hostile_site)
    rss = ET.parse(hostile_site / "feed.rss").getroot()
    atom = ET.parse(hostile_site / "feed.atom").getroot()
    bodies = [item.findtext("description") or "" for item in rss.iter("item")]
    bodies += [entry.findtext(f"{ATOM}content") or "" for entry in atom.iter(f"{ATOM}entry")]
    assert len(bodies) > 40
    for body in bodies:
        # the entry HTML holds only absolute links (feed readers resolve nothing against the site)
        problems = audit_html(body, "feed", files).problems
        assert [p for p in problems if "not a file of the site" not in p] == []


def test_post_ids_round_trip_as_guids_and_atom_ids(hostile_site: Path) -> None:
    rss = feedparser.parse((hostile_site / "feed.rss").read_bytes())
    guids = {entry.id for entry in rss.entries}
    assert "tag:example.org,2027:<script>alert('guid')</script>" in guids
    assert 'guid with spaces & "quotes" <angles>' in guids
    assert "]]><injected/>" in guids
    assert "ctlid" in guids  # control characters dropped, the rest kept
    atom = ET.parse(hostile_site / "feed.atom").getroot()
    atom_ids = [entry.findtext(f"{ATOM}id") or "" for entry in atom.iter(f"{ATOM}entry")]
    assert len(set(atom_ids)) == len(atom_ids)
    assert all(" " not in atom_id and "<" not in atom_id for atom_id in atom_ids)


# --- the sanitizer's edges ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", BAD_URLS)
def test_no_bad_url_is_a_safe_url_and_none_raises(url: str) -> None:
    assert not is_safe_url(url)


@pytest.mark.parametrize("url", BAD_URLS)
def test_bad_urls_in_html_become_no_link(url: str) -> None:
    for base in ("", "https://blog.example/post/", "https://[broken-base"):
        cleaned = clean_html(f'<a href="{url}">x</a><img src="{url}" alt="a">', base)
        problems = audit_html(cleaned, "page", frozenset()).problems
        assert [p for p in problems if "not a file of the site" not in p] == [], (url, base, cleaned)
    assert references(f'<a href="{url}">x</a><img src="{url}">') == References((), ())


def test_hostile_blog_html_keeps_only_the_allow_list() -> None:
    cleaned = clean_html(HOSTILE_BLOG_HTML, "https://blog.example/2027/post/")
    audit = audit_html(cleaned, "page", frozenset())
    assert [p for p in audit.problems if "not a file of the site" not in p] == []
    assert "https://blog.example/2027/post/x" in audit.links  # relative image made absolute to its blog
    assert "<a>no href at all</a>" in cleaned or "<a rel=" in cleaned


def test_one_post_with_an_unparsable_url_does_not_break_the_build(tmp_path: Path) -> None:
    post = hostile_post(1, url="https://[unclosed-ipv6/x", html=f'<a href="https://[x">{SCRIPT}</a>')
    site = build(tmp_path, hostile_digest([post]))
    assert audit_site(site).problems == []
    assert_published_and_escaped(site, {post.id})


# --- lone surrogates and impossible character references --------------------------------------------


def test_lone_surrogates_from_json_answers_do_not_break_the_build(tmp_path: Path) -> None:
    post = hostile_post(1, url="https://ok.example/s", html="<p>lone \ud800 surrogate</p>")
    post = dataclasses.replace(post, text="lone \udfff text", title="title \ud800")
    site = build(tmp_path, hostile_digest([post]))
    assert audit_site(site).problems == []
    assert_published_and_escaped(site, {post.id})
    assert "lone \ufffd surrogate" in (site / "hallway.html").read_text(encoding="utf-8")
    json.loads((site / "sessions.json").read_text(encoding="utf-8"))


# --- real collectors and importers on hostile saved files -------------------------------------------


def test_hostile_rss_file_is_read_and_rendered_safely(tmp_path: Path) -> None:
    result = feed_collector(tmp_path, path=HOSTILE_DATA / "blog.rss.xml").collect(SourceState())
    posts = {post.url: post for post in result.posts}
    assert len(posts) == 2  # surrogate and out-of-range character references cost no entry
    assert all(is_safe_url(post.url) or post.url == "" for post in result.posts)  # not the channel's javascript:
    assert all(is_safe_url(media.url) for post in result.posts for media in post.media)
    assert posts["https://blog.example/second"].media[0].alt == "An <b>alt</b>"
    site = build(tmp_path, hostile_digest(list(result.posts)))
    assert audit_site(site).problems == []
    assert any(image.get("alt") == "An <b>alt</b>" for image in audit_site(site).images)
    for path in feed_files(site):
        assert not feedparser.parse(path.read_bytes()).bozo


def test_bluesky_facets_out_of_range_overlapping_hostile_and_many(tmp_path: Path) -> None:
    def link(start: int, end: int, uri: str) -> models.AppBskyRichtextFacet.Main:
        return models.AppBskyRichtextFacet.Main(
            index=models.AppBskyRichtextFacet.ByteSlice(byte_start=start, byte_end=end),
            features=[models.AppBskyRichtextFacet.Link(uri=uri)],
        )

    text = "é <script>alert(1)</script> link here " * 200
    facets = [link(10**9, 10**9 + 5, "https://ok.example/past"), link(1, 10**9, "https://ok.example/huge")]
    facets += [link(i, i + 7, url) for i, url in enumerate((QUOTED_URL, *BAD_URLS, "https://[x"))]
    facets += [link(i, i + 3, "https://ok.example/many") for i in range(0, 20_000, 2)]
    rich = render_rich_text(text, facets)
    assert "<script" not in rich.html
    assert [p for p in audit_html(rich.html, "p", frozenset()).problems if "not a file" not in p] == []
    assert all(is_safe_url(url) for url in rich.links)
