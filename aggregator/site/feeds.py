"""RSS 2.0 and Atom feeds: one pair for the whole conference, one pair per session.

The conference feed carries every post of the archive (no window, no pagination), so a
reader subscribing late, or an archive harvesting it, gets everything.

Each entry is one post, linking to the original; its GUID (RSS) is the post's own id, so
feed readers never show a post twice across rebuilds. With ``conference.site_url`` set
every link is absolute; without it links are relative to the feed file, which feed
readers resolve against the address they fetched the feed from.
"""

from __future__ import annotations

import functools
import html
import re
import textwrap
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urljoin

import jinja2

from aggregator.models import Post
from aggregator.sanitize import strip_markup, well_formed
from aggregator.site.incremental import Inputs
from aggregator.site.model import SessionView, SiteModel

FEED_FORMATS = {"rss": "feed.rss.xml", "atom": "feed.atom.xml"}
_TITLE_WIDTH = 100
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A scheme, then only characters an IRI may hold (RFC 3987 excludes space, controls and <>"{}|\^`).
_IRI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f\x7f<>\"{}|\\^`]+")


@dataclass(frozen=True)
class FeedEntry:
    post: Post
    title: str
    category: str = ""  # the session it was filed under, in the conference feed


@dataclass(frozen=True)
class Feed:
    stem: str  # site-relative path without extension: "feed", "sessions/<slug>"
    page: str  # site-relative path of the HTML page the feed mirrors
    title: str
    description: str
    entries: tuple[FeedEntry, ...]  # newest first
    updated: datetime

    def key_parts(self) -> tuple[Any, ...]:
        """What the feed's bytes depend on, for its input key: each entry stands as itself, which
        the key's memo hashes once for both formats; the repr of the whole feed (the conference
        feed holds every post) is never taken as one string."""
        return self.stem, self.page, self.title, self.description, self.updated, self.entries

    def href(self, site_url: str, target: str) -> str:
        """A link from this feed to a site-relative ``target``: absolute when the site URL is known."""
        if site_url:
            return urljoin(site_url.rstrip("/") + "/", target)
        depth = PurePosixPath(self.stem).parent.parts
        return "../" * len(depth) + target

    def feed_id(self, site_url: str, extension: str) -> str:
        if site_url:
            return self.href(site_url, f"{self.stem}.{extension}")
        return uuid.uuid5(uuid.NAMESPACE_URL, well_formed(f"{self.title}/{self.stem}.{extension}")).urn


def write_feeds(environment: jinja2.Environment, model: SiteModel, site_dir: Path, inputs: Inputs | None = None) -> int:
    """Write RSS and Atom for the conference and every session; returns the number of feed files.

    With ``inputs``, a feed whose inputs did not change is taken from the previous build, not rendered.
    """
    for feed_path, parts in _feed_parts(environment, model, inputs):
        target = site_dir / feed_path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8") as file:
            file.writelines(parts)  # the conference feed carries every post: its XML is never one string
    return (1 + len(model.sessions)) * len(FEED_FORMATS)


def _feed_parts(
    environment: jinja2.Environment, model: SiteModel, inputs: Inputs | None
) -> Iterator[tuple[str, Iterator[str]]]:
    """RSS and Atom for the conference and every session, as (site path, the XML as the template
    yields it); with ``inputs``, those whose inputs did not change since the previous build are
    left out (it carries them over)."""
    entry_content = _entry_content_renderer(environment)
    for feed in _feeds(model):
        for extension, template_name in FEED_FORMATS.items():
            path = f"{feed.stem}.{extension}"
            if inputs and inputs.reuse(path, inputs.key("feed", path, *feed.key_parts())):
                continue
            parts = environment.get_template(template_name).generate(
                feed=feed, site_url=model.conference.site_url, extension=extension, entry_content=entry_content
            )
            yield path, parts


def _feeds(model: SiteModel) -> Iterator[Feed]:
    """The conference feed, then each session's (each is kept for its input key until the build ends)."""
    yield conference_feed(model)
    for view in model.sessions:
        yield session_feed(model, view)


def _entry_content_renderer(environment: jinja2.Environment) -> Callable[[Post], str]:
    """The HTML body of a post's entry: its content (rendered once per build for its page and its
    feeds, see ``rendered_content``) behind its content warning, once however many feeds carry it."""
    macros = environment.get_template("_macros.html").module
    rendered: dict[str, str] = {}

    def entry_content(post: Post) -> str:
        if post.id not in rendered:  # a post is in the conference feed and its session's, twice each
            rendered[post.id] = str(macros.guarded_content(post)).strip()  # type: ignore[attr-defined]
        return rendered[post.id]

    return entry_content


def conference_feed(model: SiteModel) -> Feed:
    sessions_by_post = model.session_titles_by_post()
    newest = _newest_first(model.all_posts())  # every post of the archive, newest first
    conference = model.conference
    return Feed(
        stem="feed",
        page="index.html",
        title=conference.name,
        description=conference.description or f"Live posts from {conference.name}, filed by session.",
        entries=tuple(FeedEntry(post, entry_title(post), sessions_by_post.get(post.id, "")) for post in newest),
        updated=_updated(newest, conference.start),
    )


def session_feed(model: SiteModel, view: SessionView) -> Feed:
    session = view.session
    newest = _newest_first(view.posts)
    return Feed(
        stem=f"sessions/{view.slug}",
        page=f"sessions/{view.slug}.html",
        title=f"{session.title} · {model.conference.name}",
        description=f"Posts about “{session.title}” at {model.conference.name}.",
        entries=tuple(FeedEntry(post, entry_title(post)) for post in newest),
        updated=_updated(newest, session.start),
    )


def entry_title(post: Post) -> str:
    if post.title:
        return post.title
    summary = textwrap.shorten(post.text, width=_TITLE_WIDTH, placeholder=" …") if post.text.strip() else ""
    return f"{post.author.name}: {summary}" if summary else f"Post by {post.author.name}"


def atom_id(post_id: str) -> str:
    """Atom ids must be IRIs; post ids usually are (at://, https://, tag:), feed guids may not be."""
    if _IRI_SCHEME.fullmatch(post_id):
        return post_id
    return "urn:x-backchannel-post:" + quote(well_formed(post_id), safe="")


def _newest_first(posts: tuple[Post, ...]) -> tuple[Post, ...]:
    return tuple(sorted(posts, key=lambda post: (post.created_at, post.id), reverse=True))


def _updated(newest: tuple[Post, ...], empty_since: datetime | None) -> datetime:
    """The newest post's time, never the build's: a rebuild with nothing new writes the same bytes.
    An empty feed dates from its session's (or the conference's) start."""
    if newest:
        return newest[0].created_at
    return empty_since or _EPOCH


def _rfc822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def html_escaped(text: str) -> str:
    """``text`` escaped as HTML, as a plain string: the template's autoescaping then encodes it
    once more for XML, so a reader that renders the field as HTML shows the text, never markup."""
    return html.escape(text)


def feed_filters() -> dict[str, Callable[..., Any]]:
    """The feed templates' filters, for one build: a post's title is stripped of markup once
    (an nh3 pass or more), not once per feed that carries it."""
    return {
        "rfc822": _rfc822,
        "rfc3339": _rfc3339,
        "atom_id": atom_id,
        "strip_markup": functools.cache(strip_markup),
        "html_escaped": html_escaped,
    }
