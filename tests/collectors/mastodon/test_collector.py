"""Mastodon collector against a loopback server speaking the documented REST API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from aggregator.collectors import SourceState
from aggregator.collectors.mastodon.collector import MastodonProgress
from aggregator.errors import AuthError, SourceError
from tests.collectors.mastodon.fakes import (
    T0,
    FakeMastodon,
    account,
    boost,
    make_context,
    mastodon_collector,
    status,
)

FIRST_ID = 113_000_000_000_000_001  # the id of status(1, ...)
ANA = account("ana")
BOB = account("bob", domain="other.example")


@pytest.fixture
def mastodon(httpserver: HTTPServer) -> FakeMastodon:
    return FakeMastodon(httpserver).install()


@pytest.fixture
def second_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1")
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def tagged_series(count: int, first_number: int = 1, minutes_apart: float = 10) -> list[dict]:
    return [status(first_number + i, ANA, minutes=i * minutes_apart, tags=["c4l27"]) for i in range(count)]


def collect(tmp_path: Path, mastodon: FakeMastodon, state: SourceState | None = None, **options):
    collector = mastodon_collector(tmp_path, instances=(mastodon.base_url,), **options)
    return collector.collect(state or SourceState())


# --- paging -----------------------------------------------------------------------------


def test_first_run_pages_back_through_link_headers(tmp_path: Path, mastodon: FakeMastodon) -> None:
    mastodon.add(*tagged_series(95))

    result = collect(tmp_path, mastodon)

    assert len(result.posts) == 95
    pages = mastodon.requests("/api/v1/timelines/tag/")
    assert [r.args.get("max_id") for r in pages] == [None, str(FIRST_ID + 55), str(FIRST_ID + 15)]
    assert all(r.args["limit"] == "40" for r in pages)


def test_first_run_stops_paging_at_the_window_start(tmp_path: Path, mastodon: FakeMastodon) -> None:
    mastodon.add(*tagged_series(95))  # one every 10 minutes from T0
    context = make_context(tmp_path, start=T0 + timedelta(minutes=300))

    result = mastodon_collector(tmp_path, context, instances=(mastodon.base_url,)).collect(SourceState())

    assert len(result.posts) == 65  # statuses 30..94; pages hold 94..55, 54..15
    assert min(p.created_at for p in result.posts) == T0 + timedelta(minutes=300)
    assert len(mastodon.requests("/api/v1/timelines/tag/")) == 2  # the second page reached the start


def test_later_runs_page_forward_from_the_newest_seen(tmp_path: Path, mastodon: FakeMastodon) -> None:
    mastodon.add(*tagged_series(10))
    first = collect(tmp_path, mastodon)
    newest = str(113_000_000_000_000_000 + 10)
    mastodon.add(*tagged_series(45, first_number=11))
    mastodon.server.clear_log()

    second = collect(tmp_path, mastodon, first.state)
    third = collect(tmp_path, mastodon, second.state)

    assert len(first.posts) == 10
    assert len(second.posts) == 45
    assert {p.id for p in second.posts}.isdisjoint(p.id for p in first.posts)
    pages = mastodon.requests("/api/v1/timelines/tag/")
    assert pages[0].args["min_id"] == newest
    assert pages[1].args["min_id"] == str(113_000_000_000_000_000 + 50)  # rel="prev" of the first forward page
    assert third.posts == ()


def test_max_pages_bounds_the_backfill_and_says_so(tmp_path: Path, mastodon: FakeMastodon) -> None:
    mastodon.add(*tagged_series(95))
    context = make_context(tmp_path, max_pages=2)

    result = mastodon_collector(tmp_path, context, instances=(mastodon.base_url,)).collect(SourceState())

    assert len(result.posts) == 80
    assert any("stopped after 2 pages" in note for note in result.notes)


def test_backfill_cut_short_by_max_pages_continues_next_run(tmp_path: Path, mastodon: FakeMastodon) -> None:
    series = tagged_series(95)
    mastodon.add(*series)
    context = make_context(tmp_path, max_pages=2)
    collector = mastodon_collector(tmp_path, context, instances=(mastodon.base_url,), replies="none")

    first = collector.collect(SourceState())
    later = status(200, ANA, minutes=2000, tags=["c4l27"])
    mastodon.add(later)
    second = collector.collect(first.state)
    third = collector.collect(second.state)

    assert any("stopped after 2 pages; will continue next run" in note for note in first.notes)
    assert {p.id for p in (*first.posts, *second.posts)} == {s["uri"] for s in (*series, later)}
    assert not any("will continue" in note for note in second.notes)
    assert third.posts == ()


def test_every_hashtag_is_read_and_posts_merged(tmp_path: Path, mastodon: FakeMastodon) -> None:
    both = status(1, ANA, tags=["c4l27", "code4lib"])
    mastodon.add(both, status(2, ANA, minutes=1, tags=["code4lib"]), status(3, ANA, minutes=2, tags=["c4l27"]))

    result = collect(tmp_path, mastodon, hashtags=("#C4L27", "code4lib"))

    assert sorted(p.id for p in result.posts) == sorted(s["uri"] for s in mastodon.statuses)
    assert {r.path for r in mastodon.requests("/api/v1/timelines/tag/")} == {
        "/api/v1/timelines/tag/c4l27",
        "/api/v1/timelines/tag/code4lib",
    }


# --- threads ----------------------------------------------------------------------------


def live_thread() -> dict[str, dict]:
    root = status(1, ANA, tags=["c4l27"], replies_count=2)
    second = status(2, ANA, minutes=3, reply_to=root, replies_count=1)
    third = status(3, ANA, minutes=6, reply_to=second)
    bobs = status(4, BOB, minutes=4, reply_to=root, replies_count=1)
    anas_answer = status(5, ANA, minutes=5, reply_to=bobs)
    return {"root": root, "second": second, "third": third, "bobs": bobs, "anas_answer": anas_answer}


@pytest.mark.parametrize(
    ("replies", "expected"),
    [
        ("self", {"root", "second", "third"}),
        ("all", {"root", "second", "third", "bobs", "anas_answer"}),
        ("none", {"root"}),
    ],
)
def test_threads_follow_the_authors_continuations(
    tmp_path: Path, mastodon: FakeMastodon, replies: str, expected: set[str]
) -> None:
    thread = live_thread()
    mastodon.add(*thread.values())

    result = collect(tmp_path, mastodon, replies=replies)

    names = {uri: name for name, item in thread.items() for uri in [item["uri"]]}
    assert {names[p.id] for p in result.posts} == expected
    if replies == "none":
        assert not mastodon.requests("/api/v1/statuses/")


def test_reply_parent_and_root_are_the_parents_uri(tmp_path: Path, mastodon: FakeMastodon) -> None:
    thread = live_thread()
    mastodon.add(*thread.values())

    posts = {p.id: p for p in collect(tmp_path, mastodon, replies="all").posts}

    third = posts[thread["third"]["uri"]]
    assert third.reply_parent == thread["second"]["uri"]
    assert third.reply_root == thread["root"]["uri"]
    assert posts[thread["anas_answer"]["uri"]].reply_parent == thread["bobs"]["uri"]
    assert posts[thread["root"]["uri"]].reply_parent == ""


def test_a_tagged_continuation_brings_its_untagged_start(tmp_path: Path, mastodon: FakeMastodon) -> None:
    start = status(1, ANA, content="<p>Keynote starts</p>", replies_count=1)
    tagged = status(2, ANA, minutes=2, reply_to=start, tags=["c4l27"])
    bobs_question = status(3, BOB, minutes=1, content="<p>Anyone at the keynote?</p>", replies_count=1)
    answer = status(4, ANA, minutes=3, reply_to=bobs_question, tags=["c4l27"])
    mastodon.add(start, tagged, bobs_question, answer)

    posts = {p.id: p for p in collect(tmp_path, mastodon).posts}

    assert set(posts) == {start["uri"], tagged["uri"], answer["uri"]}
    assert posts[tagged["uri"]].reply_parent == start["uri"]
    assert posts[answer["uri"]].reply_parent == bobs_question["uri"]  # known even though not kept


def test_followers_only_statuses_in_a_context_are_never_kept(tmp_path: Path, mastodon: FakeMastodon) -> None:
    root = status(1, ANA, tags=["c4l27"], replies_count=1)
    private = status(2, ANA, minutes=1, reply_to=root, visibility="private")
    mastodon.add(root, private)

    result = collect(tmp_path, mastodon)

    assert [p.id for p in result.posts] == [root["uri"]]


def test_open_threads_are_read_again_on_the_next_run(tmp_path: Path, mastodon: FakeMastodon) -> None:
    root = status(1, ANA, tags=["c4l27"])
    gone = status(2, ANA, minutes=1, tags=["c4l27"])
    mastodon.add(root, gone)
    first = collect(tmp_path, mastodon, recheck_hours=24 * 365 * 100)
    continuation = status(3, ANA, minutes=30, reply_to=root)
    mastodon.add(continuation)
    root["replies_count"] = 1
    mastodon.deleted.add(gone["uri"])

    second = collect(tmp_path, mastodon, first.state, recheck_hours=24 * 365 * 100)

    assert {p.id for p in second.posts} == {root["uri"], continuation["uri"]}
    assert second.posts[-1].reply_parent == root["uri"]
    assert second.deleted == (gone["uri"],)


def test_old_threads_are_not_read_again(tmp_path: Path, mastodon: FakeMastodon) -> None:
    mastodon.add(status(1, ANA, tags=["c4l27"]))

    result = collect(tmp_path, mastodon)  # T0 is long before "now" minus the default 6 hours

    assert MastodonProgress.of(result.state.progress).open_threads == []


# --- the same status through several servers ---------------------------------------------


def test_a_status_seen_through_two_servers_is_stored_once(
    tmp_path: Path, mastodon: FakeMastodon, second_server: HTTPServer
) -> None:
    thread = live_thread()
    mastodon.add(*thread.values())
    elsewhere = FakeMastodon(second_server, statuses=list(thread.values()), id_offset=7_000).install()

    collector = mastodon_collector(tmp_path, instances=(mastodon.base_url, elsewhere.base_url))
    posts = collector.collect(SourceState()).posts

    assert sorted(p.id for p in posts) == sorted(thread[n]["uri"] for n in ("root", "second", "third"))
    by_id = {p.id: p for p in posts}
    assert by_id[thread["third"]["uri"]].reply_parent == thread["second"]["uri"]
    assert by_id[thread["root"]["uri"]].author.handle == "@ana@glammr.example"
    assert len(elsewhere.requests("/api/v1/statuses/")) == 0  # its thread was already read on the first server


def test_cursors_are_kept_per_server_and_tag(tmp_path: Path, mastodon: FakeMastodon, second_server: HTTPServer) -> None:
    mastodon.add(*tagged_series(3))
    elsewhere = FakeMastodon(second_server, statuses=tagged_series(3), id_offset=7_000).install()

    state = mastodon_collector(tmp_path, instances=(mastodon.base_url, elsewhere.base_url)).collect(SourceState()).state

    assert MastodonProgress.of(state.progress).min_id == {
        f"{mastodon.base_url} #c4l27": str(113_000_000_000_000_003),
        f"{elsewhere.base_url} #c4l27": str(113_000_000_000_007_003),
    }


def test_one_failing_server_does_not_lose_the_others(
    tmp_path: Path, mastodon: FakeMastodon, second_server: HTTPServer
) -> None:
    mastodon.add(*tagged_series(2))
    second_server.expect_request("/api/v1/timelines/tag/c4l27").respond_with_data("down", status=502)
    failing = second_server.url_for("/").rstrip("/")

    result = mastodon_collector(tmp_path, instances=(mastodon.base_url, failing)).collect(SourceState())

    assert len(result.posts) == 2
    assert any(note.startswith("FAILED") and "502" in note for note in result.notes)
    assert f"{failing} #c4l27" not in MastodonProgress.of(result.state.progress).min_id


def test_every_server_failing_is_a_source_error(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/timelines/tag/c4l27").respond_with_data("down", status=500)

    with pytest.raises(SourceError, match="HTTP 500"):
        mastodon_collector(tmp_path, instances=(httpserver.url_for("/"),)).collect(SourceState())


def test_pagination_links_to_another_server_are_not_followed(tmp_path: Path, httpserver: HTTPServer) -> None:
    page = [status(i, ANA, minutes=-i, tags=["c4l27"]) for i in range(1, 41)]
    httpserver.expect_request("/api/v1/timelines/tag/c4l27").respond_with_json(
        page, headers={"Link": '<https://evil.example/api/v1/timelines/tag/c4l27?max_id=1>; rel="next"'}
    )

    with pytest.raises(SourceError, match="another server"):
        mastodon_collector(tmp_path, instances=(httpserver.url_for("/"),), replies="none").collect(SourceState())


# --- auth -------------------------------------------------------------------------------


def test_401_without_a_token_says_which_variable_to_set(
    tmp_path: Path, mastodon: FakeMastodon, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MASTODON_TOKEN", raising=False)
    mastodon.token = "s3cret"
    mastodon.add(*tagged_series(2))

    with pytest.raises(AuthError, match="MASTODON_TOKEN") as raised:
        collect(tmp_path, mastodon)

    assert "401" in str(raised.value) and "read:statuses" in str(raised.value)


def test_token_from_the_named_environment_variable_is_sent(
    tmp_path: Path, mastodon: FakeMastodon, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLAMMR_TOKEN", "s3cret")
    mastodon.token = "s3cret"
    mastodon.add(*live_thread().values())

    result = collect(tmp_path, mastodon, token_env="GLAMMR_TOKEN")

    assert len(result.posts) == 3
    assert all(r.headers["Authorization"] == "Bearer s3cret" for r, _ in mastodon.server.log)
    assert "s3cret" not in repr(result)


def test_a_rejected_token_is_reported_as_such(
    tmp_path: Path, mastodon: FakeMastodon, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MASTODON_TOKEN", "wrong")
    mastodon.token = "s3cret"

    with pytest.raises(AuthError, match=r"token in \$MASTODON_TOKEN was rejected") as raised:
        collect(tmp_path, mastodon)

    assert "wrong" not in str(raised.value)


def test_empty_answer_from_a_server_that_hides_hashtags_is_an_auth_error(
    tmp_path: Path, mastodon: FakeMastodon, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MASTODON_TOKEN", raising=False)
    mastodon.hashtag_access = {"local": "authenticated", "remote": "authenticated"}

    with pytest.raises(AuthError, match="logged-in apps only"):
        collect(tmp_path, mastodon)


def test_empty_answer_from_an_open_server_is_just_no_posts(tmp_path: Path, mastodon: FakeMastodon) -> None:
    mastodon.hashtag_access = {"local": "public", "remote": "public"}

    result = collect(tmp_path, mastodon)

    assert result.posts == ()
    assert any("no posts tagged #c4l27" in note for note in result.notes)


# --- respect and normalization -----------------------------------------------------------


def test_boosts_are_skipped(tmp_path: Path, mastodon: FakeMastodon) -> None:
    original = status(1, ANA, tags=["c4l27"])
    mastodon.add(original, boost(2, BOB, original))

    result = collect(tmp_path, mastodon)

    assert [p.id for p in result.posts] == [original["uri"]]
    assert "1 boosts skipped" in result.notes


@pytest.mark.parametrize(
    "opt_out",
    [
        {"note": "<p>Librarian. <a href='x'>#NoBot</a></p>"},
        {"note": "<p>no scraping please #nobots</p>"},
        {"fields": [{"name": "Bots", "value": "#nobot"}]},
        {"noindex": True},
    ],
)
def test_opted_out_accounts_are_withheld_and_tombstoned(tmp_path: Path, mastodon: FakeMastodon, opt_out: dict) -> None:
    shy = account("shy", **opt_out)
    theirs = status(1, shy, tags=["c4l27"], replies_count=1)
    their_continuation = status(2, shy, minutes=1, reply_to=theirs)
    mine = status(3, ANA, minutes=2, tags=["c4l27"])
    mastodon.add(theirs, their_continuation, mine)

    result = collect(tmp_path, mastodon)

    assert [p.id for p in result.posts] == [mine["uri"]]
    assert set(result.deleted) == {theirs["uri"], their_continuation["uri"]}
    assert set(result.withheld) == set(result.deleted)  # opted out, not gone: they may opt in again


def test_nobot_inside_a_word_is_not_an_opt_out(tmp_path: Path, mastodon: FakeMastodon) -> None:
    mastodon.add(status(1, account("robot", note="<p>I build #nobotanical gardens</p>"), tags=["c4l27"]))

    assert len(collect(tmp_path, mastodon).posts) == 1


def test_status_is_normalized_and_its_html_sanitized(tmp_path: Path, mastodon: FakeMastodon) -> None:
    content = (
        '<p onclick="steal()">Slides: '
        '<a href="https://slides.example.org/talk" class="u-url">slides.example.org/talk</a> '
        '<a href="https://other.example/@bob" class="u-url mention">@<span>bob</span></a> '
        '<a href="https://glammr.example/tags/C4L27" class="mention hashtag" rel="tag">#<span>C4L27</span></a>'
        "<script>alert(1)</script><a href=\"javascript:alert(2)\">x</a></p>"
    )
    item = status(
        1,
        ANA,
        content=content,
        tags=["c4l27"],
        spoiler_text="conference food",
        mentions=[{"id": "9", "username": "bob", "acct": "bob@other.example", "url": "https://other.example/@bob"}],
        media_attachments=[
            {
                "id": "77",
                "type": "image",
                "url": "https://files.glammr.example/slide.jpg",
                "preview_url": "https://files.glammr.example/slide_small.jpg",
                "description": "Slide: the MARC must die",
                "meta": {"original": {"width": 1600, "height": 900}},
            },
            {"id": "78", "type": "gifv", "url": "javascript:alert(3)", "description": "unsafe"},
        ],
        card={
            "url": "https://slides.example.org/talk",
            "title": "Talk <b>slides</b>",
            "description": "All of them",
            "image": None,
        },
    )
    mastodon.add(item)

    [post] = collect(tmp_path, mastodon).posts

    assert post.id == item["uri"] and post.url == item["url"] and post.source == "mastodon"
    for dangerous in ("onclick", "<script", "javascript:", "alert"):
        assert dangerous not in post.html
    assert post.text.startswith("Slides: slides.example.org/talk @bob #C4L27")
    assert post.content_warning == "conference food"
    assert post.hashtags == ("c4l27",)
    assert post.links == ("https://slides.example.org/talk",)  # not the mention or hashtag links
    assert post.mentions == ("bob@other.example",)
    [image] = post.media
    assert (image.kind, image.alt, image.width, image.height) == ("image", "Slide: the MARC must die", 1600, 900)
    assert image.thumb == "https://files.glammr.example/slide_small.jpg"
    assert post.card is not None and post.card.title == "Talk slides" and post.card.thumb == ""
    assert post.author.id == "https://glammr.example/@ana"
    assert post.author.handle == "@ana@glammr.example"
    assert post.created_at == T0


def test_accepted_quotes_keep_the_quoted_status(tmp_path: Path, mastodon: FakeMastodon) -> None:
    quoted = status(1, BOB, content="<p>Original thought</p>")
    quoting = status(2, ANA, minutes=1, tags=["c4l27"], quote={"state": "accepted", "quoted_status": quoted})
    pending = status(3, ANA, minutes=2, tags=["c4l27"], quote={"state": "pending", "quoted_status": None})
    mastodon.add(quoting, pending)

    posts = {p.id: p for p in collect(tmp_path, mastodon).posts}

    assert posts[quoting["uri"]].quote_id == quoted["uri"]
    assert posts[quoting["uri"]].quote is not None and posts[quoting["uri"]].quote.text == "Original thought"
    assert posts[pending["uri"]].quote is None and posts[pending["uri"]].quote_id == ""


def test_a_quoted_status_by_an_opted_out_account_is_not_shown(tmp_path: Path, mastodon: FakeMastodon) -> None:
    quoted = status(1, account("shy", note="#nobot"), content="<p>Not for bots</p>")
    mastodon.add(status(2, ANA, minutes=1, tags=["c4l27"], quote={"state": "accepted", "quoted_status": quoted}))

    [post] = collect(tmp_path, mastodon).posts

    assert post.quote is None and post.quote_id == ""


def test_window_end_leaves_later_tagged_posts_out(tmp_path: Path, mastodon: FakeMastodon) -> None:
    mastodon.add(*tagged_series(5))
    context = make_context(tmp_path, end=T0 + timedelta(minutes=25))

    result = mastodon_collector(tmp_path, context, instances=(mastodon.base_url,)).collect(SourceState())

    assert len(result.posts) == 3
    assert MastodonProgress.of(result.state.progress).min_id[f"{mastodon.base_url} #c4l27"] == str(113_000_000_000_000_005)


def test_a_server_without_hashtag_timelines_says_so(tmp_path: Path, mastodon: FakeMastodon) -> None:
    mastodon.hashtag_access = {"local": "disabled", "remote": "disabled"}

    with pytest.raises(SourceError, match="does not offer hashtag timelines"):
        collect(tmp_path, mastodon)


def test_a_server_failing_while_reading_threads_keeps_its_old_cursor(
    tmp_path: Path, mastodon: FakeMastodon, second_server: HTTPServer
) -> None:
    mastodon.add(*tagged_series(2))
    root = status(10, BOB, tags=["c4l27"], replies_count=1)
    second_server.expect_request("/api/v1/timelines/tag/c4l27").respond_with_json([root])
    second_server.expect_request(f"/api/v1/statuses/{root['id']}/context").respond_with_data("oops", status=503)
    failing = second_server.url_for("/").rstrip("/")
    old_cursors = {f"{failing} #c4l27": "5"}

    result = mastodon_collector(tmp_path, instances=(mastodon.base_url, failing)).collect(
        SourceState(progress=MastodonProgress(min_id=old_cursors))
    )

    assert any(note.startswith("FAILED") and "503" in note for note in result.notes)
    assert MastodonProgress.of(result.state.progress).min_id[f"{failing} #c4l27"] == "5"  # its statuses are read again next time
    assert root["uri"] in {p.id for p in result.posts}  # what was read is not thrown away
