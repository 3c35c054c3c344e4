"""What a reader does in Chromium: search from a file and from a sub-path of a web server, the search
box of every page, "happening now / next" with and without JavaScript, and their own local time."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread
from typing import Any

import pytest

from tests.browser.large_conference import MARKED_PHRASE
from tests.browser.visits import BuiltSite, opened

pytestmark = pytest.mark.browser

SUB_PATH = "archive/conferences/shelfcon26/"


def search_for(page: Any, phrase: str) -> tuple[str, list[str]]:
    page.wait_for_function(
        "() => /result|Nothing found|unavailable/.test(document.getElementById('search-status').textContent)",
        timeout=20_000,
    )
    links = [link.get_attribute("href") for link in page.query_selector_all("#search-results a")]
    return page.inner_text("#search-status"), links


def test_search_finds_a_known_phrase_from_file(browser: Any, large_site: BuiltSite) -> None:
    with opened(browser, large_site, f"search.html?q={MARKED_PHRASE.replace(' ', '+')}") as (page, visit):
        status, links = search_for(page, MARKED_PHRASE)
    assert status.startswith("1 result"), status
    assert links and links[0].startswith((large_site.root / "sessions").as_uri()), links
    assert visit.console_errors == [] and visit.foreign_requests == []


def test_the_search_box_of_any_page_leads_to_results(browser: Any, example_site: BuiltSite) -> None:
    with opened(browser, example_site, "about.html") as (page, visit):
        page.fill("#site-search-query", "BagIt")
        page.press("#site-search-query", "Enter")
        page.wait_for_url("**/search.html?q=BagIt")
        status, links = search_for(page, "BagIt")
    assert "result" in status and "for “BagIt”" in status, status
    assert all(link.startswith(example_site.root.as_uri()) for link in links), links
    assert visit.console_errors == []


@pytest.fixture(scope="module")
def served_under_sub_path(example_site: BuiltSite, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    document_root = tmp_path_factory.mktemp("web-root")
    (document_root / SUB_PATH).parent.mkdir(parents=True)
    (document_root / SUB_PATH.rstrip("/")).symlink_to(example_site.root, target_is_directory=True)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(document_root))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        Thread(target=server.serve_forever, daemon=True).start()
        yield f"http://127.0.0.1:{server.server_address[1]}/{SUB_PATH}"
        server.shutdown()


def test_search_works_from_a_sub_path_of_a_web_server(browser: Any, served_under_sub_path: str) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(f"{served_under_sub_path}search.html?q=BagIt")
        status, links = search_for(page, "BagIt")
        assert "result" in status and errors == [], (status, errors)
        assert links and all(link.startswith(f"{served_under_sub_path}sessions/") or link.startswith(
            f"{served_under_sub_path}days/") or link.startswith(f"{served_under_sub_path}hallway") for link in links), links
        page.goto(links[0])
        assert page.title() and "404" not in page.title()
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [False, True])
def test_happening_now_is_on_the_page_with_or_without_javascript(
    browser: Any, large_site: BuiltSite, javascript: bool
) -> None:
    with opened(browser, large_site, "index.html", java_script_enabled=javascript, timezone_id="Asia/Kolkata") as (page, _):
        box = page.locator("#now-next")
        assert box.is_visible()
        now = box.locator(".now-sessions li").all_inner_texts()
        upcoming = box.locator(".next-sessions li").all_inner_texts()
    assert len(now) == 5 and all("until 12:15" in item for item in now), now  # built at 11:40: the 11:00 slot runs
    assert len(upcoming) == 5 and all("until 13:45" in item for item in upcoming), upcoming


def test_the_script_refreshes_now_and_next_from_the_readers_clock(browser: Any, example_site: BuiltSite) -> None:
    during_the_keynote = datetime.fromisoformat("2026-06-11T09:20:00+02:00")
    with opened(browser, example_site, "index.html", timezone_id="Europe/Amsterdam") as (page, visit):
        assert not page.locator("#now-next").is_visible()  # built, and read, after the conference
        page.clock.set_fixed_time(during_the_keynote)
        page.reload()
        box = page.locator("#now-next")
        box.wait_for(state="visible")
        now = box.locator(".now-sessions li").all_inner_texts()
        upcoming = box.locator(".next-sessions li").all_inner_texts()
        assert "09:20" in box.locator(".now-as-of").inner_text()
    assert now == ["The Catalogue Is a Promise: Stewardship in an Age of Abundance (Atrium, until 09:45)"], now
    assert len(upcoming) == 3 and upcoming[0].startswith("Wikidata for Name Authorities"), upcoming  # the 10:00 slot
    assert visit.console_errors == []


def test_readers_elsewhere_see_their_own_time_beside_the_conference_time(browser: Any, large_site: BuiltSite) -> None:
    with opened(browser, large_site, "index.html", timezone_id="America/New_York") as (page, _):
        first = page.locator(".slot-time").first
        assert first.inner_text() == "09:30 (Mon 23:00 your time)"  # 09:30 IST on Tuesday is 23:00 EST on Monday
        assert "America/New_York" in page.locator(".zone-note").first.inner_text()
    with opened(browser, large_site, "about.html", timezone_id="America/New_York") as (page, _):
        assert page.locator(".facts .local-time").count() == 0  # the conference's dates alone stay dates
        assert page.locator("#holdings-heading + ul .local-time").count() >= 1  # times of day get theirs
    with opened(browser, large_site, "index.html", timezone_id="Asia/Kolkata") as (page, _):
        assert page.locator(".local-time").count() == 0
        assert page.locator(".slot-time").first.inner_text() == "09:30"

