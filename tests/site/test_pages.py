"""HTML pages: golden session page, escaping of hostile text, relative links, accessibility basics."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from aggregator.site.pages import SiteReport, post_anchor, render_site, template_search_path
from tests.site.builders import (
    BLOG,
    CONTINUATION,
    HALLWAY,
    HOSTILE,
    HOSTILE_ALT,
    ICAL,
    KEYNOTE,
    METADATA,
    ORPHAN,
    QUOTED,
    REPLY,
    ROOT,
    PageOutline,
    build_digest,
)
from tests.site.golden import assert_matches_golden

GOLDEN = Path(__file__).parent / "data" / "session-101.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("site") / "output"
    render_site(build_digest(), output)
    return output


def outline(site: Path, page: str) -> PageOutline:
    return PageOutline((site / page).read_text(encoding="utf-8"))


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_report_counts_what_was_written(tmp_path: Path) -> None:
    report = render_site(build_digest(), tmp_path / "out")

    assert report == SiteReport(
        output_dir=tmp_path / "out",
        pages=10,  # index, hallway, search, about, two days, four sessions
        feeds=10,  # RSS + Atom for the conference and four sessions
        sessions=4,
        sessions_with_posts=3,
        threads=5,
        posts=7,
        hallway_posts=2,
        search_index=True,  # pagefind[bin] is a dependency
    )
    assert len(html_pages(tmp_path / "out")) == report.pages
    assert len([*(tmp_path / "out").rglob("*.rss"), *(tmp_path / "out").rglob("*.atom")]) == report.feeds


def test_session_page_matches_golden(site: Path) -> None:
    assert_matches_golden((site / "sessions" / "101.html").read_text(encoding="utf-8"), GOLDEN)


def root_of(site: Path, page: Path) -> str:
    return "../" * (len(page.relative_to(site).parts) - 1)


def test_hostile_text_is_escaped_and_post_html_sanitized_again(site: Path) -> None:
    page_scripts = {"search.html": [{"src": "static/search.js"}], "index.html": [{"src": "static/now.js", "defer": ""}]}
    for page in html_pages(site):
        parsed = outline(site, str(page.relative_to(site)))
        tags = {tag for tag, _ in parsed.elements}
        assert not tags & {"iframe", "object", "embed"}, page
        scripts = [attrs for tag, attrs in parsed.elements if tag == "script"]
        assert scripts == [*page_scripts.get(page.name, []), {"src": f"{root_of(site, page)}static/localtime.js", "defer": ""}], page
        for tag, attrs in parsed.elements:
            assert not [name for name in attrs if name.startswith("on")], (page, tag, attrs)
            for name in ("href", "src", "cite"):
                assert not attrs.get(name, "").lower().startswith(("javascript:", "data:")), (page, attrs)
    keynote = outline(site, "sessions/101.html")
    assert HOSTILE in keynote.text  # shown as text, not executed
    assert f"Alice {HOSTILE}" in keynote.text


def test_image_alt_text_is_kept_verbatim(site: Path) -> None:
    images = outline(site, "sessions/101.html").find("img", src=CONTINUATION.media[0].url)
    assert [image["alt"] for image in images] == [HOSTILE_ALT]
    assert images[0]["width"] == "1200" and images[0]["height"] == "800"


def test_every_image_has_alt_and_every_post_links_to_its_original(site: Path) -> None:
    for page in html_pages(site):
        parsed = outline(site, str(page.relative_to(site)))
        assert all("alt" in attrs for tag, attrs in parsed.elements if tag == "img"), page
    keynote = outline(site, "sessions/101.html")
    time_links = [a["href"] for a in keynote.find("a", class_="post-time")]
    assert time_links == [ROOT.url, CONTINUATION.url, REPLY.url, QUOTED.url]  # the quote keeps its own
    assert keynote.text.count(", original post on Bluesky") == 2 and ", original post on Mastodon" in keynote.text


def test_an_unrolled_thread_reads_as_one_narrative(site: Path) -> None:
    keynote = outline(site, "sessions/101.html")
    assert len(keynote.find("article", class_="thread")) == 1
    parts = keynote.find("div", class_="thread-part")
    assert [part["id"] for part in parts] == [post_anchor(ROOT), post_anchor(CONTINUATION)]
    assert keynote.text.count("@alice.bsky.social") == 1  # the author once, not per post
    assert (3, f"Alice {HOSTILE} @alice.bsky.social") in keynote.headings
    assert "View original" not in keynote.text
    text = keynote.text[keynote.text.index("Posts (3)") :]  # below the highlights
    assert text.index("Keynote starting") < text.index("The slide on shared") < text.index("Agreed, and see")


def test_others_replies_are_set_apart_as_conversation(site: Path) -> None:
    keynote = outline(site, "sessions/101.html")
    replies = keynote.find("li", class_="reply")
    assert [reply["id"] for reply in replies] == [post_anchor(REPLY)]
    assert (4, "Conversation: 1 reply") in keynote.headings
    page = (site / "sessions" / "101.html").read_text(encoding="utf-8")
    conversation = page[page.index('<section class="conversation"') :]
    assert "Bob Example" in conversation and "Agreed, and see" in conversation
    backchannel = page[page.index('<section class="backchannel"') :]
    assert "Bob Example" not in backchannel[: backchannel.index('<section class="conversation"')]


def test_times_are_local_and_machine_readable(site: Path) -> None:
    keynote = outline(site, "sessions/101.html")
    datetimes = [t["datetime"] for t in keynote.find("time")]
    assert "2027-03-02T09:05:00-06:00" in datetimes  # ROOT, 15:05 UTC
    assert "2 Mar 2027, 09:05" in keynote.text
    assert "Tuesday 2 March 2027, 09:00" in keynote.text and "CST" in keynote.text


def test_one_disclosure_covers_a_threads_content_warnings(site: Path) -> None:
    page = (site / "sessions" / "101.html").read_text(encoding="utf-8")
    assert page.count('<details class="content-warning">') == 1
    thread = page[page.index('<details class="content-warning">') : page.index("</article>")]
    assert "Content warning: Spoilers for the closing panel" in thread
    for text in ("Keynote starting", "The slide on shared", "Agreed, and see", "Looking forward to the keynote"):
        assert text in thread  # the whole thread (and the quote) behind the one warning
    hallway = (site / "hallway.html").read_text(encoding="utf-8")
    assert "Content warning: labelled graphic-media" in hallway


def test_images_fit_with_an_expandable_description_or_a_visible_note(site: Path) -> None:
    keynote = outline(site, "sessions/101.html")
    images = keynote.find("img")
    assert images and all(image["referrerpolicy"] == "no-referrer" for image in images)
    assert all(image["loading"] == "lazy" for image in images)
    page = (site / "sessions" / "101.html").read_text(encoding="utf-8")
    caption = page[page.index('<details class="alt-text">') : page.index("</figcaption>")]
    assert "<summary>Image description</summary>" in caption
    assert "A slide reading &#34;Linked data&#34; &lt;img src=x onerror=alert(1)&gt;" in caption
    assert "Image: no description from the author" in keynote.text
    assert keynote.find("img", src="https://cdn.example.org/undescribed.jpg", alt="Image without a description")


def test_link_card_video_and_quote_are_rendered(site: Path) -> None:
    keynote = outline(site, "sessions/101.html")
    assert keynote.find("a", class_="link-card", href=ROOT.card.url)
    video_links = keynote.find("a", class_="media-video")
    assert [link["href"] for link in video_links] == [CONTINUATION.url]  # the original, not the raw stream
    assert keynote.find("blockquote", class_="quoted-post", cite=REPLY.quote.url)


def test_unsafe_links_from_posts_and_profiles_are_dropped(site: Path) -> None:
    metadata = outline(site, "sessions/102.html")
    assert not metadata.find("a", href=BLOG.author.url)  # javascript: profile
    assert "Carol Blogger" in metadata.text
    assert metadata.find("h4", class_="post-title")
    assert f"Recap: {HOSTILE}" in metadata.text


def test_index_lists_every_session_by_day_with_post_counts(site: Path) -> None:
    index = outline(site, "index.html")
    links = [a["href"] for a in index.find("a")]
    for page in ("sessions/101.html", "sessions/102.html", "sessions/103.html", "hallway.html"):
        assert page in links
    days = [h for h in index.headings if h[0] == 2 and h[1] != "Happening now and next"]
    assert days[:2] == [(2, "Tuesday 2 March 2027"), (2, "Wednesday 3 March 2027")]
    assert "3 posts" in index.text and "No posts" in index.text
    assert "feed.rss" in links and "feed.atom" in links and "sessions.json" in links


def test_parallel_sessions_share_a_time_slot_in_room_order(site: Path) -> None:
    page = (site / "index.html").read_text(encoding="utf-8")
    slot = page[page.index('datetime="2027-03-02T10:30:00-06:00">10:30</time></h3>') :]
    slot = slot[: slot.index("</ul>")]
    assert slot.index("sessions/102.html") < slot.index("sessions/103.html")


def test_hallway_holds_unassigned_and_orphaned_threads(site: Path) -> None:
    hallway = outline(site, "hallway.html")
    assert HALLWAY.text in hallway.text
    assert ORPHAN.title in hallway.text  # filed under a session id the programme no longer has
    assert KEYNOTE.title not in hallway.text


def test_odd_session_ids_get_safe_stable_file_names(site: Path) -> None:
    pages = {page.name for page in (site / "sessions").glob("*.html")}
    ical_page = next(name for name in pages if name.startswith("a1b2c3-programme-example-org-"))
    assert ICAL.title in outline(site, f"sessions/{ical_page}").text
    assert "101.html" in pages and "102.html" in pages


def test_relative_links_resolve_inside_the_site(site: Path) -> None:
    for page in html_pages(site):
        parsed = outline(site, str(page.relative_to(site)))
        ids = [attrs["id"] for _, attrs in parsed.elements if "id" in attrs]
        assert len(ids) == len(set(ids)), f"duplicate ids in {page}"
        for tag, attrs in parsed.elements:
            target = attrs.get("href") or attrs.get("src") if tag in {"a", "link", "img"} else None
            if not target or urlsplit(target).scheme or target.startswith("//"):
                continue
            path, _, fragment = target.partition("#")
            resolved = (page.parent / unquote(path)).resolve() if path else page
            assert resolved.is_file(), f"{page}: broken link {target}"
            assert resolved.is_relative_to(site.resolve()), f"{page}: link leaves the site: {target}"
            if fragment:
                assert f'id="{fragment}"' in resolved.read_text(encoding="utf-8"), f"{page}: no #{fragment}"


def test_pages_are_well_formed_and_accessible_in_structure(site: Path) -> None:
    for page in html_pages(site):
        raw = page.read_text(encoding="utf-8")
        parsed = PageOutline(raw)
        assert raw.startswith('<!doctype html>\n<html lang="en" data-zone="America/Chicago">'), page
        assert parsed.nesting_errors == [], page
        assert len(parsed.find("main", id="main")) == 1 and parsed.find("a", class_="skip-link", href="#main")
        assert parsed.find("header") and parsed.find("footer") and parsed.find("nav")
        levels = [level for level, _ in parsed.headings]
        assert levels[0] == 1 and levels.count(1) == 1, page
        assert all(after - before <= 1 for before, after in itertools.pairwise(levels)), (page, levels)


def test_session_content_is_marked_for_search_indexing(site: Path) -> None:
    assert outline(site, "sessions/101.html").find("main", **{"data-pagefind-body": ""})
    assert outline(site, "hallway.html").find("main", **{"data-pagefind-body": ""})
    assert not outline(site, "index.html").find("main", **{"data-pagefind-body": ""})


def test_session_page_offers_its_own_feeds(site: Path) -> None:
    metadata = outline(site, "sessions/102.html")
    alternates = {link["type"]: link["href"] for link in metadata.find("link", rel="alternate")}
    assert alternates == {"application/rss+xml": "102.rss", "application/atom+xml": "102.atom"}
    assert METADATA.abstract in metadata.text  # plain text, escaped, not interpreted


def test_curator_templates_override_single_files(tmp_path: Path) -> None:
    overrides = tmp_path / "my-templates"
    (overrides / "static").mkdir(parents=True)
    (overrides / "hallway.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>Corridor track</h1>{% endblock %}', encoding="utf-8"
    )
    (overrides / "static" / "style.css").write_text("body { color: #000; }\n", encoding="utf-8")

    render_site(build_digest(), tmp_path / "out", templates_dir=overrides)

    assert "<h1>Corridor track</h1>" in (tmp_path / "out" / "hallway.html").read_text(encoding="utf-8")
    assert (tmp_path / "out" / "static" / "style.css").read_text(encoding="utf-8") == "body { color: #000; }\n"
    assert "<h1>Opening keynote" in (tmp_path / "out" / "sessions" / "101.html").read_text(encoding="utf-8")


def test_packaged_templates_are_found() -> None:
    search_path = template_search_path()
    assert len(search_path) == 1 and (search_path[0] / "session.html").is_file()
    assert template_search_path(Path("/somewhere"))[0] == Path("/somewhere")


def test_long_description_is_shown_beside_the_abstract(site: Path) -> None:
    keynote = outline(site, "sessions/101.html")
    assert (2, "Description") in keynote.headings
    assert KEYNOTE.description in keynote.text


def test_blank_lines_inside_preformatted_post_text_survive(tmp_path: Path) -> None:
    digest = build_digest()
    code = "<pre>line one\n\n  line three</pre>"
    thread = digest.placements[1].thread
    root = dataclasses.replace(thread.root, html=code, lang="not a language tag")
    only_root = dataclasses.replace(thread, root=root, posts=(root,))
    placements = (dataclasses.replace(digest.placements[1], thread=only_root),)
    render_site(dataclasses.replace(digest, placements=placements), tmp_path / "out")

    page = (tmp_path / "out" / "sessions" / "101.html").read_text(encoding="utf-8")
    assert code in page
    assert "\n\n" not in page.replace(code, "")
    assert 'lang="not' not in page
