"""Regenerate the README's screenshots from the bundled example, in headless Chromium.

    python docs/make_screenshots.py

Builds the example into a temporary folder (no network), then saves the programme page at
1280 px and a session page as a phone shows it (375 px) as JPEG, small enough to commit
(under 200 KB together). Needs /usr/bin/chromium and the test extra (Playwright).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import sync_playwright

from aggregator import pipeline
from aggregator.config.model import load_config
from aggregator.store.sqlite import Store

DOCS = Path(__file__).resolve().parent
EXAMPLE = DOCS.parent / "examples" / "shelfcon"
BUILT_AT = datetime(2026, 6, 11, 8, 40, tzinfo=UTC)  # during day one: the home page shows what is on
SHOTS = (
    ("index.html", "screenshot.jpg", {"width": 1280, "height": 900}),
    ("sessions/226.html", "screenshot-session.jpg", {"width": 375, "height": 812}),
)


def build_example(work: Path) -> Path:
    config = load_config(EXAMPLE / "sources.yaml").model_copy(
        update={"data_dir": work / "data", "output": work / "output"}
    )
    with Store(config.data_dir) as store:
        pipeline.collect_sources(config, store)
        pipeline.build_site(config, store, clock=lambda: BUILT_AT)
    return config.output


def main() -> None:
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        site = build_example(Path(work))
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        for page_path, name, viewport in SHOTS:
            context = browser.new_context(viewport=viewport, timezone_id="Europe/Amsterdam")
            page = context.new_page()
            page.clock.set_fixed_time(BUILT_AT)  # the now/next script reads the reader's clock
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
            page.goto((site / page_path).as_uri())
            page.screenshot(path=str(DOCS / name), type="jpeg", quality=70)
            context.close()
            print(f"{DOCS / name}: {(DOCS / name).stat().st_size // 1024} KB", file=sys.stderr)
        browser.close()


if __name__ == "__main__":
    main()
