"""Session highlights: links shared, slides and recordings, most-engaged posts, live-posters."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from aggregator.models import LinkCard, Thread
from aggregator.site.highlights import (
    link_titles,
    material_kind,
    most_engaged,
    normal_url,
    session_highlights,
    shared_links,
)
from aggregator.site.pages import post_anchor, render_site
from tests.site.builders import (
    BLOG,
    CONTINUATION,
    KEYNOTE,
    KEYNOTE_THREAD,
    QUOTED,
    REPLY,
    ROOT,
    PageOutline,
    all_posts,
    build_digest,
)


def keynote_highlights():  # type: ignore[no-untyped-def]
    return session_highlights(KEYNOTE, (KEYNOTE_THREAD,), link_titles(all_posts()))


def test_links_are_deduplicated_counted_once_per_post_and_exclude_quotes() -> None:
    links = keynote_highlights().links
    assert [(normal_url(link.url), link.count) for link in links] == [("https://catalogue.example.org/shared?x=1", 2)]
    assert QUOTED.url not in {link.url for link in links}  # a quoted post is not a shared link


def test_link_titles_come_from_cards_and_archived_blog_posts() -> None:
    blog_link = dataclasses.replace(QUOTED, id="q2", links=(BLOG.url + "#comments",))
    links = shared_links((blog_link, ROOT), link_titles(all_posts()))
    assert {link.url: link.title for link in links} == {
        BLOG.url + "#comments": BLOG.title,
        "https://slides.example.org/keynote": ROOT.card.title,  # type: ignore[union-attr]
    }


def test_programme_links_and_posted_slides_or_recordings_are_materials() -> None:
    materials = keynote_highlights().materials
    assert [(m.url, m.kind, m.from_programme) for m in materials] == [
        ("https://slides.example.org/keynote", "slides", True),
        ("https://video.example.org/recordings/keynote", "recording", False),
    ]
    assert materials[0].title == ROOT.card.title  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://www.youtube.com/watch?v=x", "recording"),
        ("https://media.ccc.de/v/39c3-1", "recording"),
        ("https://speakerdeck.com/a/b", "slides"),
        ("https://example.org/talk.pdf", "slides"),
        ("https://example.org/blog/post", None),
    ],
)
def test_material_kind_from_the_address(url: str, kind: str | None) -> None:
    assert material_kind(url) == kind


def test_most_engaged_sums_likes_reposts_and_replies_and_skips_zero() -> None:
    assert most_engaged(all_posts()) == (CONTINUATION, ROOT, REPLY)
    assert CONTINUATION.engagement == 16
    assert most_engaged((QUOTED, BLOG)) == ()


def test_live_posters_are_the_thread_authors_not_the_repliers() -> None:
    posters = keynote_highlights().live_posters
    assert [(p.author, p.post_count, p.first_post) for p in posters] == [(ROOT.author, 2, ROOT)]


def test_unsafe_links_never_become_highlights() -> None:
    bad = dataclasses.replace(
        ROOT, links=("javascript:alert(1)", "https://[x", " data:text/html,x"), card=LinkCard(url="javascript:x")
    )
    highlights = session_highlights(KEYNOTE, (Thread(root=bad, posts=(bad,)),), {})
    assert highlights.links == () and [m.url for m in highlights.materials] == list(KEYNOTE.links)


def test_a_session_without_posts_or_links_has_no_highlights_section(tmp_path: Path) -> None:
    render_site(build_digest(), tmp_path / "out")
    lightning = PageOutline((tmp_path / "out" / "sessions" / "103.html").read_text(encoding="utf-8"))
    assert not lightning.find("section", class_="highlights")


def test_session_page_shows_highlights_above_the_posts(tmp_path: Path) -> None:
    render_site(build_digest(), tmp_path / "out")
    page = (tmp_path / "out" / "sessions" / "101.html").read_text(encoding="utf-8")
    keynote = PageOutline(page)
    assert [h for h in keynote.headings if h[0] == 3][:4] == [
        (3, "Slides and recordings"),
        (3, "Links shared"),
        (3, "Most-engaged posts"),
        (3, "Live-posted by"),
    ]
    assert page.index('class="highlights"') < page.index('class="backchannel"')
    engaged = [a["href"] for a in keynote.find("a") if a.get("href", "").startswith("#post-")]
    assert engaged[:3] == [f"#{post_anchor(p)}" for p in (CONTINUATION, ROOT, REPLY)]
    assert "(12 likes, 3 reposts, 1 reply)" in keynote.text
    assert "shared 2 times" in keynote.text
