"""The real importers and collectors on hostile files: nothing crashes, nothing unsafe is published.

Programme files (frab XML, pretalx JSON, iCalendar under ``tests/data/hostile/``) carry payloads
in every field, wrong types, path-like ids and calendar-edge times; saved Bluesky and Mastodon
answers (built here, Bluesky's validated with the atproto SDK models) carry payloads in every
field the collectors read. The programme and the posts are built into a site through the
pipeline and audited with ``tests.hostile``.
"""

from __future__ import annotations

import json
import logging
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest
from pytest_httpserver import HTTPServer

from aggregator import pipeline
from aggregator.collectors import CollectContext, SourceState
from aggregator.collectors.bluesky.collector import BlueskyCollector, BlueskyOptions
from aggregator.config.model import load_config
from aggregator.errors import ProgrammeError, SourceError
from aggregator.models import Conference, Digest, Placement, Post, Session, Thread
from aggregator.programme import load_programme, parse_programme
from aggregator.sanitize import is_safe_url
from aggregator.site.pages import render_site
from tests.collectors.bluesky.fakes import Account, FakeBluesky, external_view, facet, images_view, link, with_media
from tests.collectors.feed.fakes import feed_collector
from tests.collectors.mastodon.fakes import account, mastodon_collector, status
from tests.hostile import (
    ATTRIBUTE_BREAKOUT,
    BAD_URLS,
    HOSTILE_DATA,
    SCRIPT,
    assert_published_and_escaped,
    audit_html,
    audit_site,
    site_files,
)

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")

PROGRAMMES = ("schedule.xml", "schedule.json", "schedule.ics")
HUGE = "H" * 1_000_000
DURING_THE_TALK = datetime(2027, 3, 2, 9, 20, tzinfo=UTC)  # session "../../x" runs then in every programme
CONFERENCE = Conference(name="Hostile Con", hashtags=("hostile",), timezone="Europe/Berlin")


def programme_file(tmp_path: Path, name: str) -> Path:
    """The saved programme, with a one-megabyte room name and title where the file marks them."""
    data = (HOSTILE_DATA / name).read_text(encoding="utf-8")
    path = tmp_path / name
    path.write_text(data.replace("HUGE_ROOM_NAME", HUGE).replace("HUGE_TITLE", HUGE), encoding="utf-8")
    return path


def sessions_of(tmp_path: Path, name: str) -> dict[str, Session]:
    programme = load_programme(str(programme_file(tmp_path, name)), tmp_path, timezone="America/Chicago")
    return {session.id: session for session in programme.sessions}


# --- programme importers -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", PROGRAMMES)
def test_hostile_programmes_load_with_odd_events_skipped_and_warned(
    tmp_path: Path, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        sessions = sessions_of(tmp_path, name)
    assert {"../../x"} <= set(sessions)  # the programme's own ids are kept, whatever they look like
    assert "end-of-time" not in sessions and "far-future" not in sessions  # a year-9999 event cannot be shown
    assert "skipped" in caplog.text
    assert all(is_safe_url(url) for s in sessions.values() for url in s.links)
    for session in sessions.values():
        assert session.start <= session.end
        assert not re.search(r"</?[a-zA-Z][^<>]*>", session.abstract + session.description)  # text, not markup


def test_frab_xml_fields_are_plain_text_and_unsafe_links_are_dropped(tmp_path: Path) -> None:
    sessions = sessions_of(tmp_path, "schedule.xml")
    talk = sessions["../../x"]
    assert talk.title == "<script>alert('title')</script> Metadata talk"  # kept as text; escaped on the page
    assert talk.url == ""  # a javascript: page address is no address
    assert set(talk.links) == {"https://ok.example/paper.pdf", 'https://ok.example/slides"><script>alert(1)</script>'}
    assert "<p" not in talk.abstract and "&lt;" not in talk.abstract  # escaped twice, unescaped to text
    assert "<iframe" not in talk.description and "HTML description" in talk.description
    assert "a/b" in sessions and sessions["a/b"].end == sessions["a/b"].start  # absurd duration: zero length
    assert sessions["huge"].room == HUGE


def test_pretalx_json_of_wrong_types_skips_events_not_the_file(tmp_path: Path) -> None:
    sessions = sessions_of(tmp_path, "schedule.json")
    assert set(sessions) >= {"../../x", "1001", "side"}
    assert sessions["1001"].title == "404" and sessions["1001"].speakers == ("one person as a dict",)
    assert sessions["1001"].links == ("https://ok.example/one-link-as-a-string",)
    talk = sessions["../../x"]
    assert talk.speakers == ("7", "<script>alert('person')</script>", 'Plain "><svg onload=alert(1)>')
    assert talk.links == ("https://ok.example/slides",)


def test_icalendar_with_broken_properties_and_absurd_durations(tmp_path: Path) -> None:
    sessions = sessions_of(tmp_path, "schedule.ics")
    assert set(sessions) == {"../../x", "a/b"}  # broken DTSTART, all-day and untitled events skipped
    assert sessions["../../x"].links == ("https://ok.example/slides.pdf",)
    assert sessions["a/b"].end == sessions["a/b"].start


BILLION_LAUGHS = (
    b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">"""
    + b"".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'.encode() for n in range(1, 10))
    + b"""]>
<schedule><day date="2027-03-02"><room name="A"><event id="1"><title>&lol9;</title><start>10:00</start>
</event></room></day></schedule>"""
)

EXTERNAL_ENTITY = b"""<?xml version="1.0"?><!DOCTYPE schedule [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<schedule><day date="2027-03-02"><room name="A"><event id="1"><title>&x;</title><start>10:00</start></event></room></day></schedule>"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (BILLION_LAUGHS, "amplification"),
        (EXTERNAL_ENTITY, "undefined entity"),
        (b"<schedule><day>", "not well-formed"),
        (b'{"schedule": null}', "no schedule.conference"),
        (b"[1, 2]", "no schedule.conference"),
        (b"null", "not a frab XML"),
        (b"\xff\xfe{", "not a frab XML"),
        (b'{"schedule": {"conference": 5}}', "no schedule.conference"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", "iCalendar"),
    ],
)
def test_unreadable_programmes_raise_a_programme_error_naming_the_file(data: bytes, message: str) -> None:
    with pytest.raises(ProgrammeError, match=rf"^hostile\.file: .*{message}"):
        parse_programme(data, "hostile.file")


def test_entity_expansion_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "laughs.xml"
    path.write_bytes(BILLION_LAUGHS)
    started = datetime.now(UTC)
    with pytest.raises(ProgrammeError, match=str(path)):
        load_programme(str(path), tmp_path)
    assert (datetime.now(UTC) - started).total_seconds() < 5


# --- hostile saved answers for the social collectors ------------------------------------------------


def bluesky_answer(folder: Path, server: HTTPServer) -> Path:
    """A searchPosts answer whose every outside field is hostile, valid for the SDK's models."""
    network = FakeBluesky(server)  # used only to build and validate the post views
    author = Account(
        did="did:plc:hostileauthor00000000000",
        handle="evil.example",
        display_name=f"{SCRIPT}{ATTRIBUTE_BREAKOUT}",
        description=SCRIPT,
    )
    text = f"#hostile {SCRIPT} look here"
    facets = [facet(text, "look", link(url)) for url in BAD_URLS[:6]]
    facets.append(
        {**facet(text, "here", link("https://ok.example/past")), "index": {"byteStart": 10**6, "byteEnd": 10**6 + 4}}
    )
    card = external_view("javascript:alert('card')", title=SCRIPT, description=ATTRIBUTE_BREAKOUT, thumb="javascript:x")
    images = images_view(f"alt {SCRIPT}", ATTRIBUTE_BREAKOUT)
    for image in images["images"]:
        image["thumb"] = "javascript:alert('thumb')"
    network.post(author, text, at=DURING_THE_TALK, facets=facets, tags=["hostile"], embed=images)
    network.post(author, f"#hostile card {SCRIPT}", at=DURING_THE_TALK + timedelta(minutes=1), embed=card)
    good_card = external_view('https://ok.example/card"><script>', title=SCRIPT, thumb="https://cdn.bsky.app/x.jpg")
    network.post(
        author,
        "#hostile both",
        at=DURING_THE_TALK + timedelta(minutes=2),
        embed=with_media(network.quote_of(next(iter(network.posts))), good_card),
    )
    for view in network.posts.values():
        view["author"] = {**view["author"], "avatar": "javascript:alert('avatar')"}
    path = folder / "searchPosts-hostile.json"
    path.write_text(json.dumps({"posts": list(network.posts.values())}), encoding="utf-8")
    return path


def mastodon_answer(folder: Path) -> Path:
    evil = account(
        "evil",
        note=f"<p>{SCRIPT}</p>",
        display_name=f"{SCRIPT}{ATTRIBUTE_BREAKOUT}",
        avatar="javascript:alert('avatar')",
    )
    media: dict[str, Any] = {
        "id": "1",
        "type": "image",
        "url": "https://files.example/a.png",
        "preview_url": "javascript:alert('preview')",
        "description": f"alt {SCRIPT}{ATTRIBUTE_BREAKOUT}",
    }
    statuses = [
        status(
            1,
            evil,
            content=f'<p>#hostile {SCRIPT}<a href="javascript:alert(1)" onclick="x">js</a><img src=x onerror=alert(1)></p>',
            tags=["hostile"],
            spoiler_text=f"{SCRIPT} cw",
            media_attachments=[media, {**media, "id": "2", "url": "javascript:alert('media')"}, None, 5],
            card={
                "url": "https://ok.example/card",
                "title": SCRIPT,
                "description": ATTRIBUTE_BREAKOUT,
                "image": "javascript:x",
            },
        ),
        status(
            2, evil, minutes=1, content="<p>#hostile card</p>", tags=["hostile"], card={"url": "javascript:alert(1)"}
        ),
        status(
            3,
            evil,
            minutes=2,
            content="<p>#hostile odd types</p>",
            tags=["hostile"],
            card=["a list"],
            mentions=[None, 5],
        ),
    ]
    for minutes, entity in enumerate(statuses):
        entity["created_at"] = (DURING_THE_TALK + timedelta(minutes=minutes)).isoformat()
    statuses[0]["url"] = "javascript:alert('status url')"
    evil["url"] = "javascript:alert('account')"  # the same dict is every status's account
    path = folder / "timeline-tag-hostile.json"
    path.write_text(json.dumps(statuses), encoding="utf-8")
    return path


def collected(tmp_path: Path, server: HTTPServer) -> list[Post]:
    folder = tmp_path / "answers"
    folder.mkdir()
    context = CollectContext(conference=CONFERENCE, data_dir=tmp_path)
    bluesky = BlueskyCollector(BlueskyOptions(type="bluesky", path=bluesky_answer(folder, server)), context)
    mastodon = mastodon_collector(tmp_path, context, path=mastodon_answer(folder))
    return [*bluesky.collect(SourceState()).posts, *mastodon.collect(SourceState()).posts]


def test_hostile_saved_answers_become_posts_with_only_safe_urls(tmp_path: Path, httpserver: HTTPServer) -> None:
    posts = collected(tmp_path, httpserver)
    assert {post.source for post in posts} == {"bluesky", "mastodon"} and len(posts) >= 5
    for post in posts:
        urls = [post.url, post.author.url, post.author.avatar, *post.links]
        urls += [url for media in post.media for url in (media.url, media.thumb)]
        urls += [post.card.url, post.card.thumb] if post.card else []
        assert all(url == "" or is_safe_url(url) for url in urls), (post.id, urls)
        assert "javascript" not in post.author.id.lower(), post.author.id  # ids end up in sessions.json
        problems = audit_html(post.html, "p", frozenset()).problems
        assert [p for p in problems if "not a file of the site" not in p] == [], post.id
    alts = {media.alt for post in posts for media in post.media}
    assert f"alt {SCRIPT}" in alts  # kept as text, escaped on the page


# --- the whole build ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PROGRAMMES)
def test_site_built_from_hostile_programme_and_answers_is_safe(
    tmp_path: Path, httpserver: HTTPServer, name: str
) -> None:
    folder = tmp_path / "answers"
    folder.mkdir()
    bluesky_answer(folder, httpserver)
    mastodon_answer(folder)
    config_path = tmp_path / "sources.yaml"
    config_path.write_text(
        f"""
conference:
  name: "Hostile <script>alert(1)</script>"
  hashtags: ["#hostile"]
  timezone: "Pacific/Kiritimati"
programme: {programme_file(tmp_path, name).name}
sources:
  - type: bluesky
    path: answers/searchPosts-hostile.json
  - type: mastodon
    path: answers/timeline-tag-hostile.json
""",
        encoding="utf-8",
    )
    config = load_config(config_path)
    posts = [post for source in config.sources for post in pipeline.dry_collect(config, source).posts]
    assert {post.source for post in posts} == {"bluesky", "mastodon"}
    digest = pipeline.make_digest(config, posts, clock=lambda: datetime(2027, 3, 4, tzinfo=UTC))
    site = tmp_path / "out" / "site"
    render_site(digest, site)
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["site"]
    assert audit_site(site).problems == []
    assert_published_and_escaped(site, {post.id for post in posts})
    files = site_files(site)
    assert all(f.count("/") <= 1 and ".." not in f for f in files if not f.startswith("pagefind/"))  # the search index has its own tree
    for path in sorted(p for p in site.rglob("*") if p.suffix in {".rss", ".atom"}):
        ET.parse(path)
        assert not feedparser.parse(path.read_bytes()).bozo, path
        lowered = path.read_text(encoding="utf-8").lower()
        assert "javascript:" not in lowered and "<script" not in lowered, path
    exported = json.loads((site / "sessions.json").read_text(encoding="utf-8"))
    assert "../../x" in {session["id"] for session in exported["sessions"]}
    assert any(placement.session_id == "../../x" for placement in digest.placements)  # the pages do show posts
    assert all(url == "" or is_safe_url(url) for url in exported_urls(exported))
    pages = "".join(page.read_text(encoding="utf-8") for page in (site / "sessions").glob("*.html"))
    assert "&lt;script&gt;alert(&#39;" in pages  # payloads are shown as text
    assert "&lt;script&gt;alert(&#39;text&#39;)&lt;/script&gt;" in pages


def exported_urls(node: Any) -> list[str]:
    """Every value under a key naming a web address, anywhere in the exported JSON."""
    if isinstance(node, list):
        return [url for item in node for url in exported_urls(item)]
    if not isinstance(node, dict):
        return []
    urls = [
        value for key, value in node.items() if key in {"url", "avatar", "thumb", "links"} and isinstance(value, str)
    ]
    urls += [url for key, value in node.items() if key == "links" and isinstance(value, list) for url in value]
    return urls + [url for value in node.values() for url in exported_urls(value)]


# --- wrong types in saved answers ---------------------------------------------------------------------

WRONG_TYPES: dict[str, dict[str, Any]] = {
    "account as a list": {"account": [1]},
    "account as a string": {"account": "evil"},
    "account null": {"account": None},
    "content as a number": {"content": 5},
    "content as a list": {"content": ["<script>alert(1)</script>"]},
    "spoiler as an object": {"spoiler_text": {"a": 1}},
    "mentions as an object": {"mentions": {"acct": "x"}},
    "mentions of junk": {"mentions": [None, 5, {"acct": ["x"], "url": "javascript:alert(1)"}]},
    "media as an object": {"media_attachments": {"url": "https://ok.example/a.png"}},
    "media of junk": {"media_attachments": [None, 5, {"url": 5, "description": ["x"], "meta": "x"}]},
    "card of junk": {"card": {"url": 5, "title": ["x"], "image": {"x": 1}}},
    "card as a list": {"card": ["x"]},
    "language as a list": {"language": ["en"]},
    "id null": {"id": None},
    "quote of junk": {"quote": {"state": "accepted", "quoted_status": {"uri": "https://x.example/1", "created_at": 5}}},
    "poll of junk": {"poll": {"options": [None, 5]}},
    "emojis of junk": {"emojis": [None, {"shortcode": 5, "url": "javascript:alert(1)"}]},
}
UNREADABLE: dict[str, dict[str, Any]] = {
    "created_at garbage": {"created_at": "yesterday"},
    "created_at a number": {"created_at": 5},
    "created_at null": {"created_at": None},
}


def odd_statuses(changes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    author = account("odd")
    statuses = []
    for number, change in enumerate(changes.values(), start=10):
        entity = status(number, author, content=f"<p>#hostile {number}</p>", tags=["hostile"])
        statuses.append({**entity, "created_at": DURING_THE_TALK.isoformat(), **change})
    return statuses


def test_mastodon_statuses_of_wrong_types_are_read_or_skipped_never_crash(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "odd.json"
    good = status(1, account("fine"), content="<p>#hostile fine</p>", tags=["hostile"], created_at="2027-03-02T09:00Z")
    path.write_text(json.dumps([good, *odd_statuses(WRONG_TYPES), *odd_statuses(UNREADABLE)]), encoding="utf-8")
    context = CollectContext(conference=CONFERENCE, data_dir=tmp_path)
    with caplog.at_level(logging.WARNING):
        result = mastodon_collector(tmp_path, context, path=path).collect(SourceState())
    assert len(result.posts) == 1 + len(WRONG_TYPES)  # an unreadable status costs itself, not the source
    assert f"{len(UNREADABLE)} unreadable statuses skipped" in result.notes
    assert "unreadable created_at 'yesterday'" in caplog.text
    for post in result.posts:
        assert "<script" not in post.html and all(is_safe_url(url) for url in post.links)
        assert post.quote is None  # the quoted status without a readable time is left out


def test_a_status_without_uri_still_makes_the_answer_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(odd_statuses({"uri a number, no url": {"uri": 5, "url": None}})), encoding="utf-8")
    context = CollectContext(conference=CONFERENCE, data_dir=tmp_path)
    with pytest.raises(SourceError, match="without uri"):
        mastodon_collector(tmp_path, context, path=path).collect(SourceState())


@pytest.mark.parametrize(
    "change",
    [
        {"author": ["a list"]},
        {"uri": None},
        {"embed": {"$type": "app.bsky.embed.images#view", "images": "x"}},
    ],
)
def test_bluesky_answers_the_sdk_refuses_fail_naming_the_file(
    tmp_path: Path, httpserver: HTTPServer, change: dict[str, Any]
) -> None:
    good = json.loads(bluesky_answer(tmp_path, httpserver).read_text(encoding="utf-8"))
    path = tmp_path / "odd.json"
    view = good["posts"][0]
    path.write_text(json.dumps({"posts": [{**view, **change}]}), encoding="utf-8")
    context = CollectContext(conference=CONFERENCE, data_dir=tmp_path)
    with pytest.raises(SourceError, match=str(path)):
        BlueskyCollector(BlueskyOptions(type="bluesky", path=path), context).collect(SourceState())


@pytest.mark.parametrize(
    "record",
    [
        {"text": 5},
        {"$type": "app.bsky.feed.post", "text": 5, "createdAt": "yesterday"},
        {"$type": "app.bsky.feed.post", "text": ["x"], "createdAt": None, "facets": "x"},
    ],
)
def test_a_bluesky_record_of_wrong_types_costs_its_post_only(
    tmp_path: Path, httpserver: HTTPServer, record: dict[str, Any]
) -> None:
    good = json.loads(bluesky_answer(tmp_path, httpserver).read_text(encoding="utf-8"))
    path = tmp_path / "odd.json"
    odd = {**good["posts"][0], "uri": good["posts"][0]["uri"] + "odd", "record": record}
    path.write_text(json.dumps({"posts": [odd, *good["posts"]]}), encoding="utf-8")
    context = CollectContext(conference=CONFERENCE, data_dir=tmp_path)
    result = BlueskyCollector(BlueskyOptions(type="bluesky", path=path), context).collect(SourceState())
    assert {post.id for post in result.posts} == {view["uri"] for view in good["posts"]}


# --- times at the edge of the calendar ----------------------------------------------------------------

EDGE = "9999-12-31T23:59:00+00:00"  # a year-10000 date east of UTC: no page could show it


# feedparser warns when its reader asks for the `updated` date an RSS item lacks (the year-9999 pubDate is refused)
@pytest.mark.filterwarnings("ignore:To avoid breaking existing software:DeprecationWarning")
def test_posts_at_the_edge_of_the_calendar_are_skipped_and_the_site_builds(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    good = json.loads(bluesky_answer(tmp_path, httpserver).read_text(encoding="utf-8"))
    edge_view = {**good["posts"][0], "uri": good["posts"][0]["uri"] + "edge", "indexedAt": EDGE}
    edge_view["record"] = {**edge_view["record"], "createdAt": EDGE}
    bluesky_path = tmp_path / "edge-bluesky.json"
    bluesky_path.write_text(json.dumps({"posts": [edge_view, *good["posts"]]}), encoding="utf-8")
    mastodon_path = tmp_path / "edge-mastodon.json"
    edge_status = {**odd_statuses({"fine": {}})[0], "created_at": EDGE}
    mastodon_path.write_text(json.dumps([edge_status, *odd_statuses({"fine": {}, "too": {}})[1:]]), encoding="utf-8")
    feed_path = tmp_path / "edge.rss"
    feed_path.write_text(
        "<rss version='2.0'><channel><title>b</title><link>https://blog.example/</link>"
        "<lastBuildDate>Tue, 02 Mar 2027 09:00:00 +0000</lastBuildDate>"
        "<item><title>edge #hostile</title><link>https://blog.example/edge</link>"
        "<pubDate>Fri, 31 Dec 9999 23:59:00 +0000</pubDate></item></channel></rss>",
        encoding="utf-8",
    )
    context = CollectContext(conference=CONFERENCE, data_dir=tmp_path)
    posts = [
        *BlueskyCollector(BlueskyOptions(type="bluesky", path=bluesky_path), context).collect(SourceState()).posts,
        *mastodon_collector(tmp_path, context, path=mastodon_path).collect(SourceState()).posts,
        *feed_collector(tmp_path, path=feed_path).collect(SourceState()).posts,
    ]
    assert all(post.created_at.year < 9999 for post in posts)
    assert edge_view["uri"] not in {post.id for post in posts} and len(posts) >= 4
    digest = Digest(
        conference=Conference(name="Edge", hashtags=("hostile",), timezone="Pacific/Kiritimati"),
        sessions=(),
        placements=tuple(Placement(Thread(root=post, posts=(post,)), None) for post in posts),
        generated_at=DURING_THE_TALK,
    )
    site = tmp_path / "site"
    render_site(digest, site)
    assert audit_site(site).problems == []
    assert_published_and_escaped(site, {post.id for post in posts})


# --- JSON nested too deeply for the parser ---------------------------------------------------------------

DEEP_JSON = b'{"schedule": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"


def test_deeply_nested_json_is_an_unreadable_file_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(ProgrammeError, match="^deep.json: JSON nested too deeply"):
        parse_programme(DEEP_JSON, "deep.json")
    path = tmp_path / "deep.json"
    path.write_bytes(DEEP_JSON)
    context = CollectContext(conference=CONFERENCE, data_dir=tmp_path)
    with pytest.raises(SourceError, match=str(path)):
        BlueskyCollector(BlueskyOptions(type="bluesky", path=path), context).collect(SourceState())
    with pytest.raises(SourceError, match=str(path)):
        mastodon_collector(tmp_path, context, path=path).collect(SourceState())


def test_a_server_answering_deeply_nested_json_is_a_source_error(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request(re.compile("^/api/")).respond_with_data(DEEP_JSON, content_type="application/json")
    context = CollectContext(conference=CONFERENCE, data_dir=tmp_path, timeout=5.0)
    collector = mastodon_collector(tmp_path, context, instances=(httpserver.url_for("/").rstrip("/"),))
    with pytest.raises(SourceError):
        collector.collect(SourceState())
