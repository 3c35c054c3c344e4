"""Hostile digests for the sanitizer property tests, and what counts as a leak in each published
format. Shared by tests/hardening/test_sanitizer_properties.py and bench/reliability.py.

Every field that comes from outside (post text and HTML, names, handles, alt text, link cards,
URLs, programme titles, rooms, speakers, the conference's name and description) is drawn from
known attack fragments mixed with arbitrary text, then the real renderer builds every page,
feed and export (the feeds into a temporary folder, as the build writes them), and real parsers read them back.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from aggregator.models import Author, Conference, Digest, LinkCard, Media, Placement, Post, Session, Thread
from aggregator.site.characters import CONTROL_CHARACTERS
from aggregator.site.exports import CSV_COLUMNS, sessions_json_parts, write_posts_csv
from aggregator.site.feeds import write_feeds
from aggregator.site.model import SiteModel
from aggregator.site.pages import make_environment, render_pages, template_search_path
from tests.site.live_markup import elements_in, live_constructs, runs_code

ATTACKS = (
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "<iframe src=//evil>",
    '"><script>alert(1)</script>', "'><img src=x onerror=alert(1)>", "</title><script>alert(1)</script>",
    "</textarea><script>1</script>", "<scr<script>ipt>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;lt;img src=x onerror=alert(1)&amp;gt;", "&#60;img src=x onerror=alert(1)&#62;", "<!--", "-->",
    "<![CDATA[<script>1</script>]]>", "]]>", "<a href=\"javascript:alert(1)\">x</a>", "<a href=' jav&#x09;ascript:1'>",
    "<math><mi xlink:href=javascript:1>x</mi></math>", "<style>*{}</style>", "<base href=//evil/>",
    "<meta http-equiv=refresh content='0;url=javascript:1'>", "<form action=javascript:1><button>",
    "<object data=javascript:1>", "<div style=\"background:url(javascript:1)\">", "<body onload=alert(1)>",
    "=HYPERLINK(\"http://evil\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\t=1", "\r=1", "\n", "\x00", "\x0b",
    "\ud800", "\u2028", "&", "<", ">", '"', "'", "`", "{{ 7*7 }}", "{% raw %}", "\\", "#c4l27",
)  # fmt: skip
URLS = (
    "javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "https://ok.example/post/1",
    "https://ok.example/\"><script>alert(1)</script>", "//evil.example/x", "https://[x", "", "mailto:a@b.example",
)  # fmt: skip

hostile_text = st.lists(st.one_of(st.sampled_from(ATTACKS), st.text(max_size=6)), max_size=6).map("".join)
hostile_url = st.one_of(st.sampled_from(URLS), hostile_text)
START = datetime(2027, 3, 2, 15, 0, tzinfo=UTC)


@st.composite
def hostile_digests(draw: st.DrawFn) -> Digest:
    """A conference with one session, a social live-thread filed under it and a blog post in the hallway."""
    session = Session(
        id=draw(hostile_text) or "s1", title=draw(hostile_text), start=START, end=START + timedelta(hours=1),
        room=draw(hostile_text), speakers=(draw(hostile_text),), abstract=draw(hostile_text),
        track=draw(hostile_text), url=draw(hostile_url), links=(draw(hostile_url),),
    )  # fmt: skip
    author = Author(id="did:plc:x", handle=draw(hostile_text), display_name=draw(hostile_text), url=draw(hostile_url))
    social = Post(
        id="at://did:plc:x/app.bsky.feed.post/1", source="bluesky", url=draw(hostile_url), author=author,
        created_at=START + timedelta(minutes=5), text=draw(hostile_text), html=draw(hostile_text),
        links=(draw(hostile_url),), content_warning=draw(hostile_text),
        media=(Media(kind="image", url=draw(hostile_url), alt=draw(hostile_text), thumb=draw(hostile_url)),),
        card=LinkCard(url=draw(hostile_url), title=draw(hostile_text), description=draw(hostile_text)),
    )  # fmt: skip
    blog = Post(
        id=draw(hostile_text) or "blog", source="feed", url=draw(hostile_url),
        author=Author(id="blog", handle=draw(hostile_text)), created_at=START + timedelta(days=1),
        text=draw(hostile_text), html=draw(hostile_text), title=draw(hostile_text),
    )  # fmt: skip
    conference = Conference(
        name=draw(hostile_text) or "Con", hashtags=("c4l27",), timezone="America/Chicago",
        site_url=draw(st.sampled_from(("", "https://example.org/con/"))), description=draw(hostile_text),
        start=START, end=START + timedelta(days=1),
    )  # fmt: skip
    placements = (
        Placement(thread=Thread(root=social, posts=(social,)), session_id=session.id, confidence=0.9, reason="time"),
        Placement(thread=Thread(root=blog, posts=(blog,)), session_id=None),
    )
    return Digest(conference=conference, sessions=(session,), placements=placements, generated_at=START)


@dataclass
class Tally:
    """Cases tried, crashes and leaks, per output format, over a whole run."""

    tried: Counter[str] = field(default_factory=Counter)
    crashes: Counter[str] = field(default_factory=Counter)
    leaks: Counter[str] = field(default_factory=Counter)

    def check(self, output_format: str, digest: Digest) -> list[str]:
        """The leaks of one case in one format; a crash is counted, then raised."""
        self.tried[output_format] += 1
        try:
            found = FORMATS[output_format](digest)
        except Exception:
            self.crashes[output_format] += 1
            raise
        self.leaks[output_format] += len(found)
        return found


def html_leaks(digest: Digest) -> list[str]:
    model = SiteModel(digest)
    environment = make_environment(digest, template_search_path())
    return [f"{path}: {c}" for path, page in render_pages(environment, model) for c in live_constructs(page, page=path)]


def _feeds(digest: Digest, extension: str) -> list[tuple[str, ElementTree.Element]]:
    model = SiteModel(digest)
    environment = make_environment(digest, template_search_path())
    with tempfile.TemporaryDirectory() as folder:
        write_feeds(environment, model, Path(folder))
        written = sorted(Path(folder).rglob(f"*{extension}"))
        return [(str(path.relative_to(folder)), ElementTree.fromstring(path.read_bytes())) for path in written]


def rss_leaks(digest: Digest) -> list[str]:
    """Plain-text fields render as no markup at all; item HTML and links run nothing."""
    found: list[str] = []
    for path, root in _feeds(digest, ".rss"):
        channel = root.find("channel")
        assert channel is not None
        plain = [channel.find("title"), channel.find("description"), *channel.iter("title"), *channel.iter("category")]
        found += [f"{path}: markup {element.text!r}" for element in plain if element is not None and elements_in(element.text or "")]
        found += [f"{path}: {c}" for item in channel.iter("item") for c in live_constructs(item.findtext("description") or "", fragment=True)]
        found += [f"{path}: link {link.text!r}" for link in channel.iter("link") if runs_code(link.text or "")]
    return found


ATOM = "{http://www.w3.org/2005/Atom}"


def atom_leaks(digest: Digest) -> list[str]:
    """Text constructs are typed text; HTML content and links run nothing."""
    found: list[str] = []
    for path, root in _feeds(digest, ".atom"):
        found += [f"{path}: title of type {t.get('type')}" for t in root.iter(f"{ATOM}title") if t.get("type", "text") != "text"]
        found += [f"{path}: {c}" for content in root.iter(f"{ATOM}content") for c in live_constructs(content.text or "", fragment=True)]
        hrefs = [link.get("href", "") for link in root.iter(f"{ATOM}link")] + [u.text or "" for u in root.iter(f"{ATOM}uri")]
        found += [f"{path}: link {href!r}" for href in hrefs if runs_code(href)]
    return found


JSON_URL_KEYS = frozenset({"url", "site_url", "links"})


def json_leaks(digest: Digest) -> list[str]:
    """sessions.json parses, holds no character that could end a <script> element or start markup,
    and every URL in it is a web address."""
    text = "".join(sessions_json_parts(SiteModel(digest)))
    found = [f"raw {char!r}" for char in "<>&\u2028\u2029" if char in text]
    urls = _json_urls(json.loads(text))
    return found + [f"{key}: {url!r}" for key, url in urls if url and not url.lower().startswith(("http://", "https://"))]


def _json_urls(value: object, key: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [pair for name, item in value.items() for pair in _json_urls(item, name)]
    if isinstance(value, list):
        return [pair for item in value for pair in _json_urls(item, key)]
    return [(key, value)] if key in JSON_URL_KEYS and isinstance(value, str) else []


FORMULA_STARTS = ("=", "+", "-", "@")


def csv_leaks(digest: Digest) -> list[str]:
    """posts.csv parses into whole rows; no cell a spreadsheet would run as a formula, and no control character."""
    written = io.StringIO(newline="")
    write_posts_csv(SiteModel(digest), written)
    rows = list(csv.reader(io.StringIO(written.getvalue(), newline="")))
    found = [f"row of {len(row)} cells" for row in rows if len(row) != len(CSV_COLUMNS)]
    found += [f"formula {cell!r}" for row in rows for cell in row if cell.lstrip(" \t\r\n").startswith(FORMULA_STARTS)]
    found += [f"control character in {cell!r}" for row in rows for cell in row if CONTROL_CHARACTERS.search(cell)]
    return found + ([] if len(rows) == 3 else [f"{len(rows)} rows, not a header and 2 posts"])


FORMATS: dict[str, Callable[[Digest], list[str]]] = {
    "HTML pages": html_leaks,
    "RSS": rss_leaks,
    "Atom": atom_leaks,
    "sessions.json": json_leaks,
    "posts.csv": csv_leaks,
}


DEFAULT_EXAMPLES = 25  # per format: the suite's default, quick enough for every run
EXAMPLES_VARIABLE = "AGGREGATOR_PROPERTY_EXAMPLES"


def measure(output_format: str, examples: int, tally: Tally) -> None:
    """Try ``examples`` hostile digests on one format (the same ones every run); raises on the
    first crash or leak, with Hypothesis's smallest failing digest."""

    @settings(
        max_examples=examples,
        derandomize=True,  # the same cases every run, so the README's counts can be checked
        database=None,
        deadline=None,
        phases=[Phase.generate],  # no shrinking: a failing digest is shown as found (shrinking one takes minutes)
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(hostile_digests())
    def case(digest: Digest) -> None:
        leaks = tally.check(output_format, digest)
        assert not leaks, leaks

    case()


def tally_table(tally: Tally) -> str:
    """The table the README's reliability section quotes."""
    lines = ["| output | cases tried | crashes | leaks |", "| --- | --- | --- | --- |"]
    lines += [f"| {name} | {tally.tried[name]} | {tally.crashes[name]} | {tally.leaks[name]} |" for name in FORMATS]
    return "\n".join(lines)
