"""The about page: the conference, its sources (public addresses only) and their stored health, what
the archive holds and its policy; and "happening now / next" on the home page from the build's clock."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aggregator import pipeline
from aggregator.collectors import SourceState
from aggregator.config.model import load_config
from aggregator.site.about import public_addresses
from aggregator.site.happening import now_and_next
from aggregator.site.model import SiteModel
from aggregator.site.pages import render_site
from aggregator.store.sqlite import Store
from tests.site.builders import KEYNOTE, METADATA, ROOT, PageOutline, at, build_digest

CONFIG = """
conference:
  name: "LibCamp 2027"
  hashtags: ["#libcamp27"]
  timezone: America/Chicago
  contact: "removals@libcamp.example"
output: {tmp}/out
data_dir: {tmp}/data
sources:
  - type: feed
    name: blog
    url: "https://user:secret@blog.example.org/tag/libcamp27/feed/?key=private-token#top"
  - type: mastodon
    name: glammr
    instances: [glammr.us]
    token_env: GLAMMR_TOKEN
  - type: bluesky
    name: search
    hashtags: ["#libcamp27"]
  - type: bluesky
    name: private-list
    list: "at://did:plc:curator/app.bsky.graph.list/3kprivate"
"""


@pytest.fixture
def about_page(tmp_path: Path, write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GLAMMR_TOKEN", "token-value-never-shown")
    config = load_config(write_config(CONFIG.format(tmp=tmp_path)))
    with Store(config.data_dir) as store:
        store.save_collected("search", "bluesky", [ROOT], deleted=[], state=SourceState(last_success=at(2, 9, 30)))
        store.record_failure("glammr", "mastodon", "HTTP 503 from glammr.us")
        pipeline.build_site(config, store, clock=lambda: datetime(2027, 3, 5, 12, tzinfo=UTC))
    return (tmp_path / "out" / "about.html").read_text(encoding="utf-8")


def hrefs(html: str) -> list[str]:
    return [a.get("href") or "" for a in PageOutline(html).find("a")]


def test_about_shows_public_addresses_only(about_page: str) -> None:
    links = hrefs(about_page)
    assert "https://blog.example.org/tag/libcamp27/feed/" in links
    assert "https://glammr.us/tags/libcamp27" in links
    assert "https://bsky.app/search?q=%23libcamp27" in links
    for secret in ("secret", "private-token", "token-value-never-shown", "GLAMMR_TOKEN", "3kprivate", "user:"):
        assert secret not in about_page, secret
    assert "private-list" in PageOutline(about_page).text  # the source is named, its address is not


def test_about_shows_each_sources_health_and_the_policy(about_page: str) -> None:
    text = " ".join(PageOutline(about_page).text.split())
    assert "search (Bluesky) bsky.app/search?q=%23libcamp27 Read successfully." in text
    assert re.search(r"Failing since \d[^.]*: HTTP 503 from glammr\.us", text)  # when it began, and why
    assert "0 posts from it in the archive" in text
    assert "Not read successfully yet." in text
    assert "1 post in 1 thread" in text
    assert "Deletions are honoured" in text and "Opt-outs are honoured" in text
    assert "mailto:removals@libcamp.example" in hrefs(about_page)


def test_a_read_that_brings_nothing_new_leaves_the_about_page_and_the_build(
    tmp_path: Path, write_config: Callable[[str], Path], about_page: str
) -> None:
    config = load_config(write_config(CONFIG.format(tmp=tmp_path)))
    with Store(config.data_dir) as store:
        store.save_collected("search", "bluesky", [ROOT], deleted=[], state=SourceState(last_success=at(2, 10, 30)))
        report = pipeline.build_site(config, store, clock=lambda: datetime(2027, 3, 5, 12, tzinfo=UTC))

    assert report.skipped
    assert (tmp_path / "out" / "about.html").read_text(encoding="utf-8") == about_page


def test_a_failing_source_shows_when_it_last_worked(tmp_path: Path, write_config: Callable[[str], Path]) -> None:
    config = load_config(write_config(CONFIG.format(tmp=tmp_path)))
    with Store(config.data_dir) as store:
        store.save_collected("search", "bluesky", [ROOT], deleted=[], state=SourceState(last_success=at(2, 9, 30)))
        store.record_failure("search", "bluesky", "HTTP 502 from the AppView")
        pipeline.build_site(config, store, clock=lambda: datetime(2027, 3, 5, 12, tzinfo=UTC))
    text = " ".join(PageOutline((tmp_path / "out" / "about.html").read_text(encoding="utf-8")).text.split())

    assert re.search(r"search \(Bluesky\) \S+ Last read successfully \d+ \w+ \d{4}, \d\d:\d\d C[SD]T\. Failing since", text)


def test_every_page_links_to_about(tmp_path: Path) -> None:
    render_site(build_digest(), tmp_path / "out")
    for page in (tmp_path / "out").rglob("*.html"):
        if "pagefind" in page.parts:
            continue
        assert any(href.endswith("about.html") for href in hrefs(page.read_text(encoding="utf-8"))), page
    assert "This build was not told its sources." in (tmp_path / "out" / "about.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://blog.example.org/feed/", ("https://blog.example.org/feed/",)),
        ("https://me:pw@blog.example.org:8443/feed?token=1", ("https://blog.example.org:8443/feed",)),
    ],
)
def test_feed_addresses_lose_credentials_and_queries(url: str, shown: tuple[str, ...]) -> None:
    from aggregator.collectors.feed.collector import FeedOptions

    assert public_addresses(FeedOptions(type="feed", url=url), ("c4l27",)) == shown


def test_saved_captures_have_no_public_address(tmp_path: Path) -> None:
    from aggregator.collectors.feed.collector import FeedOptions

    assert public_addresses(FeedOptions(type="feed", path=tmp_path / "feed.xml"), ("c4l27",)) == ()


def happening_at(moment: datetime) -> tuple[bool, list[str], list[str]]:
    model = SiteModel(build_digest())
    result = now_and_next(model.sessions, moment)
    return result.running, [v.session.id for v in result.now], [v.session.id for v in result.next]


def test_now_and_next_follow_the_clock() -> None:
    assert happening_at(at(1, 12)) == (False, [], [])  # the day before
    assert happening_at(at(2, 7, 30)) == (True, [], [KEYNOTE.id])  # early readers see what comes first
    assert happening_at(at(2, 9, 30)) == (True, [KEYNOTE.id], [METADATA.id, "103"])
    assert happening_at(at(2, 10, 45)) == (True, [METADATA.id, "103"], ["A1B2C3@programme.example.org"])
    assert happening_at(at(3, 17)) == (False, [], [])  # the last session has ended


def test_home_page_shows_now_and_next_while_the_conference_runs(tmp_path: Path) -> None:
    digest = dataclasses.replace(build_digest(), generated_at=at(2, 9, 30).astimezone(UTC))
    render_site(digest, tmp_path / "out")
    home = PageOutline((tmp_path / "out" / "index.html").read_text(encoding="utf-8"))
    box = [attrs for tag, attrs in home.elements if tag == "section" and attrs.get("id") == "now-next"]
    assert box and "hidden" not in box[0]
    text = " ".join(home.text.split())
    assert "Happening now and next" in text and "As of 2 Mar 2027, 09:30 CST" in text
    now = text[text.index("Now ") : text.index("Next at")]
    assert "Opening keynote" in now and "until 10:00" in now
