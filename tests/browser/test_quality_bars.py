"""The readers' quality bars on every page type of the example and of a generated larger conference,
in real headless Chromium: axe-core finds no WCAG 2.1 A/AA violation in light and dark; nothing
overflows at 320, 375 and 1280 px whether the posts' images load or not; no request leaves the
machine except for the posts' own media; no console errors. Screenshots at 375 and 1280 px are saved
in test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.visits import (
    PAGE_TYPES,
    WCAG_TAGS,
    BuiltSite,
    horizontal_overflow,
    load_every_image,
    opened,
    page_of,
    screenshot_path,
)

pytestmark = pytest.mark.browser

SITES = ("example", "large")
WIDTHS = (320, 375, 1280)
SCREENSHOT_WIDTHS = (375, 1280)


@pytest.fixture(scope="module")
def axe_script() -> str:
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.skip("axe-playwright-python is missing: pip install -e '.[test]'")
    return str(Axe().axe_script)


@pytest.mark.parametrize("kind", PAGE_TYPES)
@pytest.mark.parametrize("site_name", SITES)
def test_axe_finds_no_wcag_violation_in_light_or_dark(
    browser: Any, sites: dict[str, BuiltSite], axe_script: str, site_name: str, kind: str
) -> None:
    site = sites[site_name]
    page_path = page_of(site, kind)
    problems: list[str] = []
    with opened(browser, site, page_path) as (page, _):
        page.evaluate(axe_script)
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            results = page.evaluate("options => axe.run(document, options)", {"runOnly": {"type": "tag", "values": WCAG_TAGS}})
            problems += [
                f"{scheme}: {violation['id']} ({violation['impact']}): {violation['help']} at "
                f"{[node['target'] for node in violation['nodes'][:5]]}"
                for violation in results["violations"]
            ]
    assert problems == [], f"{site_name} {page_path}:\n" + "\n".join(problems)


@pytest.mark.parametrize("kind", PAGE_TYPES)
@pytest.mark.parametrize("site_name", SITES)
def test_layout_holds_and_nothing_leaves_the_machine(
    browser: Any, sites: dict[str, BuiltSite], media_server: str, artifacts: Path, site_name: str, kind: str
) -> None:
    site = sites[site_name]
    page_path = page_of(site, kind)
    failures: list[str] = []
    for images in (None, media_server):
        served = "served" if images else "blocked"
        with opened(browser, site, page_path, images, viewport={"width": WIDTHS[0], "height": 800}) as (page, visit):
            load_every_image(page)
            for width in WIDTHS:  # one load, resized: the layout reflows as it would on that screen
                page.set_viewport_size({"width": width, "height": 800})
                overflow = horizontal_overflow(page)
                failures += [f"{width} px, images {served}: {overflow} px wider than the window"] if overflow > 0 else []
                if images and width in SCREENSHOT_WIDTHS:
                    page.screenshot(path=str(screenshot_path(artifacts, site, kind, width)))
        failures += [f"images {served}: request left the machine: {url}" for url in visit.foreign_requests]
        failures += [f"images {served}: console error: {error}" for error in visit.console_errors]
    assert failures == [], f"{site_name} {page_path}:\n" + "\n".join(failures)
