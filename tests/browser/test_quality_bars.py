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


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", PAGE_TYPES)
@pytest.mark.parametrize("site_name", SITES)
def test_axe_finds_no_wcag_violation(
    browser: Any, sites: dict[str, BuiltSite], axe_script: str, site_name: str, kind: str, scheme: str
) -> None:
    site = sites[site_name]
    page_path = page_of(site, kind)
    with opened(browser, site, page_path, color_scheme=scheme) as (page, _):
        page.evaluate(axe_script)
        results = page.evaluate("options => axe.run(document, options)", {"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    problems = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at {[node['target'] for node in violation['nodes'][:5]]}"
        for violation in results["violations"]
    ]
    assert problems == [], f"{site_name} {page_path} ({scheme}): " + "\n".join(problems)


@pytest.mark.parametrize("kind", PAGE_TYPES)
@pytest.mark.parametrize("site_name", SITES)
def test_layout_holds_and_nothing_leaves_the_machine(
    browser: Any, sites: dict[str, BuiltSite], media_server: str, artifacts: Path, site_name: str, kind: str
) -> None:
    site = sites[site_name]
    page_path = page_of(site, kind)
    failures: list[str] = []
    for images in (None, media_server):
        for width in WIDTHS:
            with opened(browser, site, page_path, images, viewport={"width": width, "height": 800}) as (page, visit):
                load_every_image(page)
                visit.overflow = horizontal_overflow(page)
                if images and width in SCREENSHOT_WIDTHS:
                    page.screenshot(path=str(screenshot_path(artifacts, site, kind, width)))
            label = f"{width} px, images {'served' if images else 'blocked'}"
            failures += [f"{label}: {visit.overflow} px wider than the window"] if visit.overflow > 0 else []
            failures += [f"{label}: request left the machine: {url}" for url in visit.foreign_requests]
            failures += [f"{label}: console error: {error}" for error in visit.console_errors]
    assert failures == [], f"{site_name} {page_path}:\n" + "\n".join(failures)
