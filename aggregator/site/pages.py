"""Render a :class:`Digest` into the static site: HTML pages, feeds and ``sessions.json``.

Templates are Jinja2 with autoescaping on for every file type. A curator's
``templates_dir`` overrides individual templates (and files under ``static/``); anything
it lacks comes from the packaged templates. Every link between pages is relative, so the
site works from ``file://`` and from any sub-path of a web server.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import shutil
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from aggregator import PROJECT_URL
from aggregator.clock import conference_zone
from aggregator.models import Digest, Post, Thread
from aggregator.sanitize import clean_html, is_safe_url, text_to_html, url_host
from aggregator.site import search as search_index
from aggregator.site.about import ArchiveFacts
from aggregator.site.characters import CONTROL_CHARACTERS, without_control_characters
from aggregator.site.exports import sessions_json_parts, write_posts_csv
from aggregator.site.feeds import feed_filters, write_feeds
from aggregator.site.happening import now_and_next
from aggregator.site.incremental import Inputs, fingerprint, templates_fingerprint
from aggregator.site.model import DAYS_DIR, SessionView, SiteModel
from aggregator.site.publish import carry_over_folder, carry_over_unchanged, publish_atomically

STATIC_DIR = "static"
SESSIONS_DIR = "sessions"
POST_HTML_CACHE_SIZE = 20_000  # posts' sanitized HTML kept between the pages that show them
SITE_LANGUAGE = "en"  # the language of the page furniture; posts carry their own lang


@dataclass(frozen=True)
class SiteReport:
    output_dir: Path
    pages: int  # HTML pages written
    feeds: int  # RSS and Atom files written
    sessions: int
    sessions_with_posts: int
    threads: int
    posts: int
    hallway_posts: int
    search_index: bool = False  # whether the Pagefind index was built


def render_site(
    digest: Digest,
    output_dir: Path,
    *,
    templates_dir: Path | None = None,
    archive: ArchiveFacts | None = None,
    templates_key: str | None = None,
) -> SiteReport:
    """Build the whole site and swap it into ``output_dir`` atomically.

    ``archive`` (sources and their health, from the store) fills the about page; without it
    the page says the sources are not known to this build. ``templates_key``: the templates'
    :func:`templates_fingerprint` when the caller has it already (it reads every template file).

    Raises :class:`aggregator.errors.BuildError` (cause chained) when anything fails;
    the previous contents of ``output_dir`` are then left untouched.
    """
    search_path = template_search_path(templates_dir)
    environment = make_environment(digest, search_path)
    model = SiteModel(digest)
    output_dir = Path(output_dir)
    templates = templates_key or templates_fingerprint(search_path)

    def build(staging: Path) -> SiteReport:
        return _write_site(environment, model, archive, (search_path, templates), staging, Path(os.path.realpath(output_dir)))

    return publish_atomically(output_dir, build)


def template_search_path(templates_dir: Path | None = None) -> list[Path]:
    """Curator override first, then the templates shipped inside the package."""
    default = Path(str(resources.files("aggregator.site").joinpath("templates")))
    return [Path(templates_dir), default] if templates_dir else [default]


def make_environment(digest: Digest, search_path: list[Path]) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(path) for path in search_path]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_drop_control_characters,
    )
    timezone = conference_zone(digest.conference.timezone)
    environment.filters.update(_display_filters(timezone))
    environment.filters.update(feed_filters())
    environment.filters["rendered_content"] = _content_renderer(environment)
    environment.globals.update(
        conference=digest.conference,
        generated_at=digest.generated_at,
        site_language=SITE_LANGUAGE,
        project_url=PROJECT_URL,
        session_page=session_page,
        zone_key=timezone.key,
    )
    return environment


def _content_renderer(environment: jinja2.Environment) -> Callable[[Post], Markup]:
    """A post's content (the ``post_content`` macro), rendered once per build for its page and
    every feed that carries it."""
    rendered: dict[str, Markup] = {}

    def rendered_content(post: Post) -> Markup:
        if post.id not in rendered:
            macros = environment.get_template("_macros.html").module
            rendered[post.id] = Markup(macros.post_content(post))  # type: ignore[attr-defined]
        return rendered[post.id]

    return rendered_content


def _write_site(
    environment: jinja2.Environment,
    model: SiteModel,
    archive: ArchiveFacts | None,
    templates: tuple[list[Path], str],  # their search path and fingerprint
    staging: Path,
    final_dir: Path,
) -> SiteReport:
    search_path, templates_key = templates
    _copy_static(search_path, staging)
    inputs = Inputs(final_dir, staging, fingerprint(templates_key, model.conference))
    for page_path, html in render_pages(environment, model, archive, inputs):
        _write_text(staging / page_path, html)
    feeds = write_feeds(environment, model, staging, inputs)
    inputs.save()
    # a lone surrogate from some JSON answer cannot be encoded: replace it, keep the export
    with (staging / "sessions.json").open("w", encoding="utf-8", errors="replace") as file:
        file.writelines(sessions_json_parts(model))
    with (staging / "posts.csv").open("w", encoding="utf-8", errors="replace", newline="") as file:
        write_posts_csv(model, file)
    search = _search_index(staging, final_dir)  # reads the pages written above
    search_page = render_page(environment, "search.html", "search.html", search_built=search.built,
                              search_message=search.message)  # fmt: skip
    _write_text(staging / "search.html", search_page)
    return SiteReport(
        output_dir=final_dir,
        pages=len(FIXED_PAGES) + len(model.day_pages) + len(model.sessions),
        feeds=feeds,
        sessions=len(model.sessions),
        sessions_with_posts=model.sessions_with_posts,
        threads=len(model.digest.placements),
        posts=model.post_count,
        hallway_posts=model.hallway_post_count,
        search_index=search.built,
    )


def _search_index(staging: Path, final_dir: Path) -> search_index.SearchIndex:
    """Pagefind's index of the pages, taken over from the previous site when no page changed."""
    rewritten = carry_over_unchanged(final_dir, staging)
    same_pages = _page_paths(staging) == _page_paths(final_dir) - {"search.html"}
    if same_pages and not any(path.endswith(".html") for path in rewritten):
        index_dir = search_index.INDEX_DIR
        if carry_over_folder(final_dir / index_dir, staging / index_dir):
            return search_index.SearchIndex(True, "search index unchanged")
    return search_index.build_search_index(staging)


def _page_paths(site: Path) -> set[str]:
    return {str(path.relative_to(site)) for path in site.rglob("*.html")} if site.is_dir() else set()


FIXED_PAGES = ("index.html", "about.html", "hallway.html", "search.html")


def render_pages(
    environment: jinja2.Environment,
    model: SiteModel,
    archive: ArchiveFacts | None = None,
    inputs: Inputs | None = None,
) -> Iterator[tuple[str, str]]:
    """Every HTML page but the search page (which needs the search index), as (site path, HTML);
    with ``inputs``, the session pages whose inputs did not change are left out (it carries them over)."""
    happening = now_and_next(model.sessions, model.digest.generated_at)
    yield "index.html", render_page(
        environment, "index.html", "index.html", model=model, days=model.days, happening=happening
    )
    yield "about.html", render_page(environment, "about.html", "about.html", model=model, archive=archive)
    yield "hallway.html", render_page(
        environment, "hallway.html", "hallway.html", hallway_days=model.hallway_days, post_count=model.hallway_post_count
    )
    for day_page in model.day_pages:
        yield day_page.path, render_page(environment, "day.html", day_page.path, model=model, page=day_page)
    for view in model.sessions:
        page = session_page(view)
        highlights = model.highlights(view)
        if inputs is not None and inputs.reuse(page, inputs.key("session page", view, highlights)):
            continue
        yield page, render_page(environment, "session.html", page, view=view, session=view.session, highlights=highlights)


def render_page(environment: jinja2.Environment, template_name: str, page_path: str, **context: Any) -> str:
    depth = page_path.count("/")
    html = environment.get_template(template_name).render(root="../" * depth, page_path=page_path, **context)
    return _without_blank_lines(html)


def _write_text(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def _without_blank_lines(html: str) -> str:
    """Drop the blank lines empty template branches leave (browsers ignore them), except in <pre>."""
    parts = _PREFORMATTED.split(html)
    return "".join(part if index % 2 else _BLANK_LINES.sub("\n", part) for index, part in enumerate(parts))


def session_page(view: SessionView) -> str:
    """Site-relative path of a session's page (its feeds share the stem)."""
    return f"{SESSIONS_DIR}/{view.slug}.html"


def _copy_static(search_path: list[Path], staging: Path) -> None:
    for templates in reversed(search_path):  # packaged first, so overrides land on top
        source = templates / STATIC_DIR
        if source.is_dir():
            shutil.copytree(source, staging / STATIC_DIR, dirs_exist_ok=True)


def _display_filters(timezone: Any) -> dict[str, Callable[..., Any]]:
    def local(moment: datetime) -> datetime:
        return moment.astimezone(timezone)

    return {
        "local": local,
        "machine_time": lambda moment: local(moment).isoformat(timespec="seconds"),
        "clock": lambda moment: f"{local(moment):%H:%M}",
        "long_date": lambda moment: f"{local(moment):%A} {local(moment).day} {local(moment):%B %Y}",
        "short_datetime": lambda moment: f"{local(moment).day} {local(moment):%b %Y, %H:%M}",
        "zone_name": lambda moment: local(moment).tzname() or "",
        "utc_offset": lambda moment: utc_offset(local(moment)),
        "day_label": lambda day: f"{day:%A} {day.day} {day:%B %Y}",
        "day_anchor": lambda day: f"day-{day.isoformat()}",
        "day_page": lambda day: f"{DAYS_DIR}/{day.isoformat()}.html",
        "excerpt": excerpt,
        "short_url": short_url,
        "post_anchor": post_anchor,
        "post_html": post_html,
        "text_html": lambda text: Markup(text_to_html(text)),
        "handle_label": handle_label,
        "warning_text": warning_text,
        "thread_warnings": thread_warnings,
        "conversation_posts": lambda thread: tuple(p for p in thread.posts if p.id in thread.conversation),
        "lang_tag": lambda tag: tag if tag and _LANGUAGE_TAG.fullmatch(tag) else "",
        "media_label": lambda kind: _MEDIA_LABELS.get(kind, "Attachment"),
        "safe_url": functools.cache(safe_url),  # for one build: each address is parsed once
        "domain": lambda url: url_host(url) or url,
        "source_name": lambda source: _SOURCE_NAMES.get(source, source.title()),
    }


def post_html(post: Post) -> Markup:
    """The post's HTML, sanitized again here (defence in depth), or its text when it has none."""
    if post.html.strip():
        return Markup(_cleaned_html(post.html, post.url if safe_url(post.url) else ""))
    return Markup(text_to_html(post.text))


@functools.lru_cache(maxsize=POST_HTML_CACHE_SIZE)
def _cleaned_html(html: str, base_url: str) -> str:
    """Sanitized once per distinct post HTML however many pages show it (session, day, hallway)."""
    return _REL_WITHOUT_HREF.sub(r"<a\1", clean_html(html, base_url))


def handle_label(post: Post) -> str:
    """How readers know the author on that service; empty when it would repeat the name."""
    handle = post.author.handle
    if not handle or handle == post.author.name:
        return ""
    if post.source in ("bluesky", "mastodon") and not handle.startswith("@"):
        return f"@{handle}"
    return handle


def warning_text(post: Post) -> str:
    if post.content_warning:
        return post.content_warning
    return f"labelled {', '.join(post.labels)}" if post.labels else ""


def excerpt(post: Post, width: int = 140) -> str:
    text = " ".join((post.title or post.text).split())
    return textwrap.shorten(text, width=width, placeholder=" …") if text else "(no text)"


def short_url(url: str, width: int = 70) -> str:
    """An address without its scheme, shortened in the middle: readable, never a page-wide line."""
    shown = re.sub(r"^https?://", "", url.strip())
    return shown if len(shown) <= width else f"{shown[: width - 21]}…{shown[-20:]}"


def thread_warnings(thread: Thread) -> tuple[str, ...]:
    """Every distinct warning of a thread's posts: one disclosure covers them all."""
    return tuple(dict.fromkeys(text for text in map(warning_text, thread.posts) if text))


def utc_offset(moment: datetime) -> str:
    """``UTC+02:00``, ``UTC−06:00`` (a real minus sign), ``UTC`` for zero."""
    offset = moment.utcoffset()
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes > 0 else "\u2212"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def post_anchor(post: Post) -> str:
    """Fragment id for a post: its id is a URI, which is not a usable HTML id."""
    return "post-" + hashlib.sha1(post.id.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def safe_url(url: str) -> str:
    """The URL when it is http(s)/mailto, else an empty string (no javascript: links from posts)."""
    return url.strip() if url and is_safe_url(url) else ""


_SOURCE_NAMES = {"bluesky": "Bluesky", "mastodon": "Mastodon", "feed": "Blog"}
_MEDIA_LABELS = {"video": "Video", "gif": "Animation", "audio": "Audio", "image": "Image", "link": "Attachment"}
_PREFORMATTED = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL | re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
# The sanitizer drops unsafe hrefs but still adds rel, which HTML only allows on real links.
_REL_WITHOUT_HREF = re.compile(r'<a\b(?![^>]*\shref=)([^>]*?)\srel="[^"]*"')
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")

def _drop_control_characters(value: Any) -> Any:
    if not isinstance(value, str) or not CONTROL_CHARACTERS.search(value):
        return value
    cleaned = without_control_characters(value)
    return Markup(cleaned) if isinstance(value, Markup) else cleaned
