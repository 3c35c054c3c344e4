"""Opening one page of a built site in Chromium and noting what the quality bars look at."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PAGE_TYPES = ("home", "hallway", "search", "about", "day", "busy-session", "quiet-session")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def page_of(site: BuiltSite, kind: str) -> str:
    """The site-relative path of a page of ``kind``: busy is the biggest session page, quiet the smallest."""
    fixed = {"home": "index.html", "hallway": "hallway.html", "search": "search.html", "about": "about.html"}
    if kind in fixed:
        return fixed[kind]
    if kind == "day":
        return f"days/{sorted((site.root / 'days').glob('*.html'))[0].name}"
    sessions = sorted((site.root / "sessions").glob("*.html"), key=lambda page: (page.stat().st_size, page.name))
    return f"sessions/{(sessions[-1] if kind == 'busy-session' else sessions[0]).name}"


@dataclass(frozen=True)
class BuiltSite:
    name: str
    root: Path
    media: frozenset[str]  # addresses of the posts' own media: the only requests allowed off the machine
    built_at: datetime  # the readers' clock is set to it: what the build showed, the scripts show


@dataclass
class Visit:
    """What happened while a page was open."""

    foreign_requests: list[str] = field(default_factory=list)  # left the machine and are not the posts' media
    console_errors: list[str] = field(default_factory=list)


@contextmanager
def opened(browser: Any, site: BuiltSite, page_path: str, images: str | None = None, **context: Any) -> Iterator[tuple[Any, Visit]]:
    """The page open in a fresh context. ``images``: the loopback address the posts' media are served
    from; None blocks them (as when hot-linked images fail). Any other outside request is refused and noted."""
    visit = Visit()
    browser_context = browser.new_context(**context)
    try:
        page = browser_context.new_page()
        page.clock.set_fixed_time(site.built_at)
        page.route("**/*", lambda route: _route(route, site, images, visit))
        page.on("console", lambda message: _console(message, site, images, visit))
        page.on("pageerror", lambda error: visit.console_errors.append(f"uncaught: {error}"))
        path, _, query = page_path.partition("?")
        page.goto((site.root / path).as_uri() + (f"?{query}" if query else ""), wait_until="load")
        yield page, visit
    finally:
        browser_context.close()


def load_every_image(page: Any) -> None:
    """Lazy images load only near the viewport: load them all, so none can widen the page unseen."""
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(img => { img.loading = 'eager'; })")
    page.wait_for_function("Array.from(document.images).every(img => img.complete)", timeout=20_000)


def horizontal_overflow(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def _route(route: Any, site: BuiltSite, images: str | None, visit: Visit) -> None:
    url = route.request.url
    if _stays_on_machine(url):
        route.continue_()
    elif url in site.media:
        if images is None:
            route.abort("blockedbyclient")
        else:
            route.fulfill(response=route.fetch(url=images))
    else:
        visit.foreign_requests.append(url)
        route.abort("blockedbyclient")


def _console(message: Any, site: BuiltSite, images: str | None, visit: Visit) -> None:
    if message.type != "error":
        return
    source = (message.location or {}).get("url", "")
    if images is None and source in site.media:
        return  # the blocked image's own "failed to load": the point of that visit
    visit.console_errors.append(f"{message.text} ({source})")


def _stays_on_machine(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("file", "data", "blob") or (parts.hostname or "") in LOOPBACK


def screenshot_path(artifacts: Path, site: BuiltSite, kind: str, width: int) -> Path:
    return artifacts / f"{site.name}-{kind}-{width}.png"
