"""What a session page shows above its threads: the links shared, slides and recordings,
the most-engaged posts and the people who live-posted it, all computed from its posts.

Only safe web addresses (http/https) are kept; titles come from the posts' own link cards
or from blog posts of the archive that the link points to. Everything here is still
untrusted text: the templates escape it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from aggregator.models import Author, Post, Session, Thread
from aggregator.sanitize import is_web_url

MOST_ENGAGED = 3  # posts listed under "most-engaged"
MaterialKind = Literal["slides", "recording"]

_RECORDING_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "media.ccc.de", "archive.org", "peertube", "tube")
_RECORDING_PATH = re.compile(r"(recording|video|watch)", re.IGNORECASE)
_SLIDES_HOSTS = ("speakerdeck.com", "slideshare.net", "slides.com", "slides.", "docs.google.com")
_SLIDES_PATH = re.compile(r"(slides?|deck|presentation)|\.(pdf|pptx?|key|odp)$", re.IGNORECASE)


@dataclass(frozen=True)
class SharedLink:
    url: str
    title: str  # from a link card or an archived blog post; empty when none is known
    count: int  # how many posts shared it


@dataclass(frozen=True)
class Material:
    url: str
    kind: MaterialKind
    title: str
    from_programme: bool  # named in the programme (else found in posts)


@dataclass(frozen=True)
class LivePoster:
    author: Author
    post_count: int  # their own posts in the session's threads (not conversation replies)
    first_post: Post


@dataclass(frozen=True)
class Highlights:
    links: tuple[SharedLink, ...]  # most shared first
    materials: tuple[Material, ...]  # programme's first
    most_engaged: tuple[Post, ...]  # most engagement first
    live_posters: tuple[LivePoster, ...]  # most posts first

    def __bool__(self) -> bool:
        return bool(self.links or self.materials or self.most_engaged or self.live_posters)


def session_highlights(session: Session, threads: tuple[Thread, ...], titles: dict[str, str]) -> Highlights:
    """``titles``: a known title per normalized link (see :func:`link_titles`)."""
    posts = tuple(post for thread in threads for post in thread.posts)
    materials = _materials(session, posts, titles)
    material_urls = {normal_url(m.url) for m in materials}
    return Highlights(
        links=tuple(link for link in shared_links(posts, titles) if normal_url(link.url) not in material_urls),
        materials=materials,
        most_engaged=most_engaged(posts),
        live_posters=live_posters(threads),
    )


def link_titles(posts: Iterable[Post]) -> dict[str, str]:
    """Titles known for links: the link cards' titles, and the titles of blog posts in the archive."""
    titles: dict[str, str] = {}
    for post in posts:
        if post.card and post.card.title.strip() and is_web_url(post.card.url):
            titles.setdefault(normal_url(post.card.url), post.card.title.strip())
        if post.source == "feed" and post.title.strip() and is_web_url(post.url):
            titles.setdefault(normal_url(post.url), post.title.strip())
    return titles


def shared_links(posts: Iterable[Post], titles: dict[str, str]) -> tuple[SharedLink, ...]:
    """Links the posts point to, one entry per address, counted once per post."""
    counts: dict[str, int] = {}
    first_form: dict[str, str] = {}
    for post in posts:
        for key, url in _post_links(post).items():
            counts[key] = counts.get(key, 0) + 1
            first_form.setdefault(key, url)
    ordered = sorted(counts, key=lambda key: -counts[key])  # stable: first shared first among equals
    return tuple(SharedLink(first_form[key], titles.get(key, ""), counts[key]) for key in ordered)


def most_engaged(posts: Iterable[Post], limit: int = MOST_ENGAGED) -> tuple[Post, ...]:
    engaged = [post for post in posts if post.engagement > 0]
    return tuple(sorted(engaged, key=lambda post: (-post.engagement, post.created_at, post.id))[:limit])


def live_posters(threads: Iterable[Thread]) -> tuple[LivePoster, ...]:
    own: dict[str, list[Post]] = {}
    for thread in threads:
        for post in thread.own_posts:
            own.setdefault(post.author.id, []).append(post)
    posters = [LivePoster(posts[0].author, len(posts), min(posts, key=lambda p: p.created_at)) for posts in own.values()]
    return tuple(sorted(posters, key=lambda poster: (-poster.post_count, poster.first_post.created_at)))


def material_kind(url: str) -> MaterialKind | None:
    """Slides or a recording, judged from the address alone; None for anything else."""
    parts = urlsplit(url)
    host, path = parts.netloc.lower(), parts.path
    if any(marker in host for marker in _RECORDING_HOSTS) or _RECORDING_PATH.search(path):
        return "recording"
    if any(marker in host for marker in _SLIDES_HOSTS) or _SLIDES_PATH.search(path):
        return "slides"
    return None


def normal_url(url: str) -> str:
    """One form per address for de-duplication: no fragment, lower-case host, no trailing slash."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def _materials(session: Session, posts: tuple[Post, ...], titles: dict[str, str]) -> tuple[Material, ...]:
    found: dict[str, Material] = {}
    for url in session.links:
        if is_web_url(url):
            kind = material_kind(url) or "slides"  # the programme lists slides, recordings or papers
            found.setdefault(normal_url(url), Material(url, kind, titles.get(normal_url(url), ""), True))
    for post in posts:
        for key, url in _post_links(post).items():
            found_kind = material_kind(url)
            if found_kind and key not in found:
                found[key] = Material(url, found_kind, titles.get(key, ""), False)
    return tuple(found.values())


def _post_links(post: Post) -> dict[str, str]:
    """The post's own web links by normalized form, without the posts it quotes."""
    quoted = {normal_url(post.quote.url)} if post.quote and post.quote.url else set()
    links = [*post.links, *([post.card.url] if post.card else [])]
    result: dict[str, str] = {}
    for url in links:
        if is_web_url(url) and normal_url(url) not in quoted:
            result.setdefault(normal_url(url), url.strip())
    return result
