"""Hostile input for the safety tests: payloads for every field that comes from outside, a Digest
carrying them, and an audit that parses every file the site writes and lists what is unsafe.

The audit is the contract of the renderer: whatever the data, the written HTML has no active
content (script, iframe, object, embed, form, style, ...), no event-handler or style
attributes, no link or image with a scheme other than http(s)/mailto, and relative links
only to files inside the site.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from aggregator.models import Author, Conference, Digest, LinkCard, Media, Placement, Post, Session, Thread
from tests.paths import DATA

HOSTILE_DATA = DATA / "hostile"
T0 = datetime(2027, 3, 2, 15, 0, tzinfo=UTC)

# --- payloads -------------------------------------------------------------------------------------

SCRIPT = "<script>alert('text')</script>"
ATTRIBUTE_BREAKOUT = "\"'><img src=x onerror=alert('breakout')>"
CONTROL = "ctl\x00\x01\x08\x0b\x0c\x1b\x7f\x85\ufffe\uffff end"
XML_BREAKOUT = "]]></title></item><script>alert('xml')</script><![CDATA["
BIDI = "\u202egnp.exe\u202c"
LONG = "long " * 40_000  # 200,000 characters
TEXT_PAYLOAD = f"{SCRIPT} {ATTRIBUTE_BREAKOUT} {CONTROL} {XML_BREAKOUT} {BIDI} &amp; &lt;script&gt;"

# Every form of a link that must never become an href/src.
BAD_URLS = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " \t javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "javascript&colon;alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;&#x61;vascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/protocol-relative",
    "/absolute/path",
    "../../../outside",
    "https://[unclosed-ipv6/x",  # urlsplit raises ValueError on this
    "https://ex\u2100ample.org/",  # and on a host that NFKC-normalizes to a slash
)
# Web addresses that are allowed but carry characters that must stay inside the attribute.
QUOTED_URL = "https://ok.example/a\"><script>alert('href')</script>"
APOSTROPHE_URL = "https://ok.example/b' onmouseover='alert(1)"

HOSTILE_BLOG_HTML = """
<p onclick="alert(1)" style="background:url(javascript:alert(1))">Blog <b>bold</b> text</p>
<script>alert('script')</script><style>body{display:none}</style>
<iframe src="https://evil.example/frame"></iframe><object data="evil.swf"></object><embed src="evil.swf">
<form action="https://evil.example/steal"><input name=q><button formaction="javascript:alert(1)">Go</button></form>
<meta http-equiv="refresh" content="0;url=javascript:alert(1)"><base href="javascript:alert(1)//">
<link rel="stylesheet" href="https://evil.example/x.css">
<svg onload="alert(1)"><a xlink:href="javascript:alert(1)"><text>svg</text></a></svg>
<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>
<noscript><p title="</noscript><img src=x onerror=alert('noscript')>"></p></noscript>
<template><script>alert('template')</script></template>
<a href="javascript:alert(1)">js link</a> <a href=" jav&#x09;ascript:alert(1)">tab link</a>
<a href="&#106;avascript:alert(1)">entity link</a> <a href="data:text/html,<script>alert(1)</script>">data</a>
<a href="vbscript:msgbox(1)">vb</a> <a>no href at all</a> <a href="https://[broken">broken</a>
<a href="https://ok.example/&quot;onmouseover=&quot;alert(1)" target="_blank" onmouseover="alert(1)">ok</a>
<img src="x" onerror="alert(1)" alt="relative image"> <img src="javascript:alert(1)" alt="js image">
<img src="data:image/svg+xml,<svg onload=alert(1)>" alt="data image" srcset="javascript:alert(1) 1x">
<img src="https://img.example/ok.png" alt="A cat &lt;script&gt;alert(1)&lt;/script&gt; on a desk">
<!-- <script>alert('comment')</script> --><![CDATA[<script>alert('cdata')</script>]]>
<div style="width:expression(alert(1))">div</div><p>end</p>
"""

ALT_TEXT = "Slide: <script>alert('alt')</script> & \"quotes\" 'too'"

# Session ids that must not choose where a page is written.
HOSTILE_SESSION_IDS = (
    "../../escaped",
    "..",
    ".",
    "/etc/passwd",
    "a/b/c",
    "C:\\windows\\evil",
    "..\\..\\evil",
    "%2e%2e%2fencoded",
    "nul\x00byte",
    "x" * 400,
    "<script>alert('id')</script>",
    "UPPER",
    "upper",
    "sp ace",
    "ünïcødé",
    "",
)

# Post ids become RSS guids, Atom ids and HTML anchors.
HOSTILE_POST_IDS = (
    "tag:example.org,2027:<script>alert('guid')</script>",
    'guid with spaces & "quotes" <angles>',
    "]]><injected/>",
    "ctl\x01\x0b\x1fid",
    "javascript:alert('id')",
)


# --- the Digest -----------------------------------------------------------------------------------


def hostile_author(index: int, url: str = "") -> Author:
    return Author(
        id=f"did:plc:hostile{index}",
        handle=f"{ATTRIBUTE_BREAKOUT}{index}",
        display_name=f"{SCRIPT}{CONTROL}{index}",
        url=url,
        avatar=url,
    )


def hostile_post(index: int, *, post_id: str = "", url: str = "", html: str = "", source: str = "feed") -> Post:
    return Post(
        id=post_id or f"https://ok.example/post/{index}",
        source=source,  # type: ignore[arg-type]
        url=url,
        author=hostile_author(index, url),
        created_at=T0 + timedelta(minutes=index),
        text=f"{TEXT_PAYLOAD} {index}",
        html=html,
        title=f"{XML_BREAKOUT}{index}" if source == "feed" else "",
        lang='en" onmouseover="alert(1)',
        media=(
            Media("image", url or "https://img.example/full.png", ALT_TEXT, thumb=url, width=10, height=10),
            Media("video", url, f"video {SCRIPT}", thumb=url),
            Media("image", "javascript:alert(1)", ALT_TEXT, thumb="javascript:alert(1)"),
        ),
        card=LinkCard(url=url or "https://card.example/", title=SCRIPT, description=ATTRIBUTE_BREAKOUT, thumb=url),
        content_warning=f"{SCRIPT} cw" if index % 2 else "",
        labels=(SCRIPT,),
    )


def hostile_posts() -> list[Post]:
    urls = (*BAD_URLS, QUOTED_URL, APOSTROPHE_URL, "https://ok.example/fine")
    posts = [hostile_post(i, url=url, html=HOSTILE_BLOG_HTML if i % 2 else "") for i, url in enumerate(urls)]
    offset = len(posts)
    posts += [hostile_post(offset + i, post_id=pid, source="bluesky") for i, pid in enumerate(HOSTILE_POST_IDS)]
    quoted = hostile_post(99, url="javascript:alert('quote')", html=HOSTILE_BLOG_HTML)
    posts.append(Post(**{**posts[-1].__dict__, "id": "https://ok.example/quoting", "quote": quoted}))
    posts.append(hostile_post(100, url="https://ok.example/long", html=f"<p>{LONG}</p>"))
    return posts


def hostile_sessions() -> tuple[Session, ...]:
    sessions = []
    for index, session_id in enumerate(HOSTILE_SESSION_IDS):
        bad_url = BAD_URLS[index % len(BAD_URLS)]
        sessions.append(
            Session(
                id=session_id,
                title=f"{TEXT_PAYLOAD} session {index}",
                start=T0 + timedelta(hours=index % 3),
                end=T0 + timedelta(hours=index % 3, minutes=45),
                room=f"Room {SCRIPT}",
                speakers=(f"Speaker {ATTRIBUTE_BREAKOUT}", CONTROL),
                abstract=f"Abstract {SCRIPT}\n\n{XML_BREAKOUT}",
                description=f"Description {ATTRIBUTE_BREAKOUT}",
                track=SCRIPT,
                url=bad_url,
                subtitle=XML_BREAKOUT,
                kind=ATTRIBUTE_BREAKOUT,
                links=(bad_url, QUOTED_URL),
            )
        )
    return tuple(sessions)


def hostile_digest(posts: list[Post] | None = None, sessions: tuple[Session, ...] | None = None) -> Digest:
    """Every post its own thread, spread over the sessions and the hallway."""
    posts = hostile_posts() if posts is None else posts
    sessions = hostile_sessions() if sessions is None else sessions
    placements = []
    for index, post in enumerate(posts):
        session_id = sessions[index % len(sessions)].id if sessions and index % 3 else None
        placements.append(Placement(Thread(root=post, posts=(post,)), session_id))
    return Digest(
        conference=Conference(
            name=f"Conf {SCRIPT}{CONTROL}",
            hashtags=("hostile",),
            timezone='Europe/Nowhere"><script>',
            description=TEXT_PAYLOAD,
        ),
        sessions=sessions,
        placements=tuple(placements),
        generated_at=T0 + timedelta(days=1),
    )


# --- the audit ------------------------------------------------------------------------------------

FORBIDDEN_TAGS = frozenset(
    {
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button", "textarea",
        "select", "style", "base", "svg", "math", "template", "noscript", "video", "audio", "source", "portal",
    }
)  # fmt: skip
FORBIDDEN_ATTRIBUTES = frozenset({"style", "srcset", "formaction", "action", "background", "xlink:href", "http-equiv"})
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "poster", "data", "action", "formaction", "xlink:href"})
WEB_SCHEMES = frozenset({"http", "https", "mailto"})
# The page furniture the templates themselves write; data never adds these.
TEMPLATE_META = frozenset({"charset", "viewport", "generator"})


@dataclass
class Audit:
    problems: list[str] = field(default_factory=list)
    images: list[dict[str, str]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


# The templates' own furniture (never written by data): the header's search form on every page
# and the search page's own, and script files of the site's static/ folder with no inline code:
# localtime.js on every page, now.js on the home page, search.js on the search page.
SEARCH_PAGE = "search.html"
SITE_SCRIPTS = {"static/localtime.js": "", "static/now.js": "index.html", "static/search.js": SEARCH_PAGE}


def is_template_furniture(page: str, tag: str, attrs: dict[str, str]) -> bool:
    root = "../" * page.count("/")
    if tag == "script":
        return _is_site_script(page, root, attrs)
    if tag == "form":
        header = {"class": "site-search", "role": "search", "aria-label": "Site", "action": f"{root}search.html", "method": "get"}
        own = {"id": "search-form", "class": "search-form", "role": "search", "aria-label": "Posts and sessions", "action": "search.html", "method": "get"}
        return attrs == header or (page == SEARCH_PAGE and attrs == own)
    if tag == "input":
        own = {"id": "search-query", "name": "q", "type": "search"}
        return attrs == {"id": "site-search-query", "name": "q", "type": "search"} or (page == SEARCH_PAGE and attrs == own)
    return tag == "button" and attrs == {"type": "submit"}


def _is_site_script(page: str, root: str, attrs: dict[str, str]) -> bool:
    source = attrs.get("src", "")
    if not set(attrs) <= {"src", "defer"} or attrs.get("defer", "") or not source.startswith(root):
        return False
    name = source[len(root) :]
    return name in SITE_SCRIPTS and SITE_SCRIPTS[name] in ("", page)


class _Auditor(HTMLParser):
    def __init__(self, audit: Audit, page: str, site_files: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.audit, self.page, self.site_files = audit, page, site_files
        self.in_script = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip():
            self.problem(f"inline script {data[:40]!r}")

    def problem(self, message: str) -> None:
        self.audit.problems.append(f"{self.page}: {message}")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.in_script = True
        furniture = is_template_furniture(self.page, tag, {n: v or "" for n, v in attrs})
        if tag in FORBIDDEN_TAGS and not furniture:
            self.problem(f"<{tag}> element")
        if tag == "meta" and not _is_template_meta(dict(attrs)):
            self.problem(f"unexpected <meta {attrs}>")
        for name, value in attrs:
            if name.startswith("on") or (name in FORBIDDEN_ATTRIBUTES and not furniture):
                self.problem(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES:
                self.check_url(tag, name, value or "")
        if tag == "img":
            self.audit.images.append({name: value or "" for name, value in attrs})

    def check_url(self, tag: str, name: str, url: str) -> None:
        self.audit.links.append(url)
        if url != url.strip() or any(ord(c) < 0x20 for c in url):
            self.problem(f"<{tag} {name}={url!r}> with surrounding space or control characters")
        try:
            parts = urlsplit(url)
        except ValueError:
            self.problem(f"<{tag} {name}={url!r}> does not parse")
            return
        if parts.scheme:
            if parts.scheme.lower() not in WEB_SCHEMES or (parts.scheme.lower() != "mailto" and not parts.netloc):
                self.problem(f"<{tag} {name}={url!r}> unsafe scheme")
            return
        if url.startswith(("//", "\\", "/")) or parts.netloc:
            self.problem(f"<{tag} {name}={url!r}> leaves the site")
            return
        if not parts.path:
            return  # "#fragment" or "?query" on the same page
        target = posixpath.normpath(posixpath.join(posixpath.dirname(self.page), unquote(parts.path)))
        if target.startswith("..") or target not in self.site_files:
            self.problem(f"<{tag} {name}={url!r}> points to {target!r}, not a file of the site")


def _is_template_meta(attrs: dict[str, str | None]) -> bool:
    return "charset" in attrs or (attrs.get("name") or "") in TEMPLATE_META


def site_files(site: Path) -> frozenset[str]:
    return frozenset(path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file())


def audit_html(markup: str, page: str, files: frozenset[str]) -> Audit:
    audit = Audit()
    auditor = _Auditor(audit, page, files)
    auditor.feed(markup)
    auditor.close()
    return audit


def audit_site(site: Path) -> Audit:
    """Audit every HTML page of a built site (feeds' entry HTML is audited by the tests)."""
    files = site_files(site)
    total = Audit()
    for page in sorted(f for f in files if f.endswith(".html")):
        audit = audit_html((site / page).read_text(encoding="utf-8"), page, files)
        total.problems += audit.problems
        total.images += audit.images
        total.links += audit.links
    return total


_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def has_xml_forbidden_characters(text: str) -> bool:
    return bool(_XML_FORBIDDEN.search(text))


def load_json(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


def published_post_ids(site: Path) -> set[str]:
    """The ids of every post sessions.json publishes, filed or in the hallway."""
    export = json.loads((site / "sessions.json").read_text(encoding="utf-8"))
    filed = [post for session in export["sessions"] for post in session["posts"]]
    return {post["id"] for post in [*filed, *export["unassigned"]]}


def assert_published_and_escaped(site: Path, post_ids: set[str], payload: str = SCRIPT) -> None:
    """The hostile posts ARE on the site (not dropped), and their payload shows as escaped text."""
    __tracebackhide__ = True
    missing = post_ids - published_post_ids(site)
    assert post_ids and not missing, f"not on the site: {sorted(missing)}"
    pages = "".join(path.read_text(encoding="utf-8") for path in site.rglob("*.html"))
    assert html.escape(payload, quote=False) in pages.replace("&#39;", "'"), "the payload text was dropped, not escaped"
