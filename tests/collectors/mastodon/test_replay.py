"""Mastodon `path:` replay: saved tag-timeline and context answers read like live ones."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from aggregator.collectors import CollectContext, SourceState
from aggregator.collectors.mastodon.collector import MastodonOptions
from aggregator.errors import SourceError
from aggregator.models import Conference
from tests.collectors.mastodon.fakes import MASTODON_DATA, mastodon_collector

TIMELINE = MASTODON_DATA / "timeline-tag-c4l27.json"
USER = "https://glammr.example/users"
ROOT = f"{USER}/ana/statuses/113000000000000101"
CONTINUATION = f"{USER}/ana/statuses/113000000000000102"
SECOND_CONTINUATION = f"{USER}/ana/statuses/113000000000000103"
BOBS_REPLY = "https://other.example/users/bob/statuses/113000000000000104"
BOBS_POST = "https://other.example/users/bob/statuses/113000000000000105"
SHY_POST = f"{USER}/shy/statuses/113000000000000106"


def replay(tmp_path: Path, path: Path = MASTODON_DATA, **options):
    return mastodon_collector(tmp_path, path=path, **options).collect(SourceState())


def test_folder_of_timeline_and_context_answers_rebuilds_the_thread(tmp_path: Path) -> None:
    result = replay(tmp_path)

    posts = {p.id: p for p in result.posts}
    assert set(posts) == {ROOT, CONTINUATION, SECOND_CONTINUATION, BOBS_POST}
    assert posts[CONTINUATION].reply_parent == ROOT
    assert posts[SECOND_CONTINUATION].reply_parent == CONTINUATION
    assert posts[SECOND_CONTINUATION].reply_root == ROOT
    assert posts[SECOND_CONTINUATION].content_warning == "spoilers for the closing slide"
    assert posts[CONTINUATION].media[0].alt == "Slide: Catalogues are conversations"
    assert posts[ROOT].links == ("https://example.org/keynote",)
    assert posts[BOBS_POST].author.handle == "@bob@other.example"


def test_replay_honours_opt_outs_boosts_and_visibility(tmp_path: Path) -> None:
    result = replay(tmp_path)

    assert result.deleted == (SHY_POST,)
    assert "1 boosts skipped" in result.notes
    assert all("followers only" not in p.text for p in result.posts)


def test_replay_replies_all_adds_the_conversation(tmp_path: Path) -> None:
    posts = {p.id: p for p in replay(tmp_path, replies="all").posts}

    assert posts[BOBS_REPLY].reply_parent == ROOT


def test_a_single_timeline_file_without_its_context(tmp_path: Path) -> None:
    result = replay(tmp_path, TIMELINE, hashtags=("C4L27",))

    assert {p.id for p in result.posts} == {ROOT, BOBS_POST}


def test_replay_filters_by_hashtag(tmp_path: Path) -> None:
    assert replay(tmp_path, hashtags=("somethingelse",)).posts == ()


def test_replay_keeps_no_live_state(tmp_path: Path) -> None:
    state = replay(tmp_path).state

    assert state.progress is None and state.cursor == ""


@pytest.mark.parametrize("content", ["not json", '{"error": "Record not found"}', "42"])
def test_files_that_are_not_mastodon_answers_are_source_errors(tmp_path: Path, content: str) -> None:
    saved = tmp_path / "saved.json"
    saved.write_text(content)

    with pytest.raises(SourceError, match="saved.json"):
        replay(tmp_path, saved)


def test_status_without_uri_is_a_source_error(tmp_path: Path) -> None:
    saved = tmp_path / "statuses.json"
    saved.write_text(json.dumps([{"id": "1", "created_at": "2024-03-05T15:00:00Z", "content": "x"}]))

    with pytest.raises(SourceError, match="without uri"):
        replay(tmp_path, saved)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("glammr.us", "https://glammr.us"),
        ("https://mastodon.social/", "https://mastodon.social"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ],
)
def test_server_addresses_are_normalized(given: str, expected: str) -> None:
    assert MastodonOptions(type="mastodon", instances=(given,)).instances == (expected,)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"instances": ("https://glammr.us/@ana",)},
        {"instances": ("ftp://glammr.us",)},
        {"instances": ("glammr.us",), "replies": "some"},
    ],
)
def test_invalid_options_are_rejected(options: dict) -> None:
    with pytest.raises(ValidationError):
        MastodonOptions(type="mastodon", **options)


def test_every_option_is_described() -> None:
    own = set(MastodonOptions.model_fields) - {"type", "name", "path", "enabled"}
    assert all(MastodonOptions.model_fields[name].description for name in own)


EVAL = Path("/work/shared/eval")
EVAL_SETS = sorted(p.parent.parent for p in EVAL.glob("*/mastodon/statuses.json"))


@pytest.mark.skipif(not EVAL_SETS, reason="the shared evaluation sets are not on this machine")
@pytest.mark.parametrize("folder", EVAL_SETS, ids=lambda p: p.name)
def test_evaluation_statuses_replay_with_resolved_reply_parents(tmp_path: Path, folder: Path) -> None:
    result = replay(tmp_path, folder / "mastodon" / "statuses.json", hashtags=(folder.name,))

    with (folder / "labels.csv").open(encoding="utf-8") as labels:
        labelled = {row["id"] for row in csv.DictReader(labels) if row["source"] == "mastodon"}
    statuses = json.loads((folder / "mastodon" / "statuses.json").read_text(encoding="utf-8"))
    uri_of = {s["id"]: s["uri"] for s in statuses}
    posts = {p.id: p for p in result.posts}
    # A real set labels only some windows and holds replies to posts the capture lacks: every
    # labelled post is collected, and every reply whose parent is in the capture points at it.
    assert labelled <= set(posts)
    parents = {uri_of[s["id"]]: uri_of[s["in_reply_to_id"]] for s in statuses if s.get("in_reply_to_id") in uri_of}
    assert parents and all(posts[child].reply_parent == parent for child, parent in parents.items() if child in posts)


def test_default_window_is_the_conference_widened_by_margin(tmp_path: Path) -> None:
    # The saved tagged posts are at 15:00 and 15:20 on 2024-03-05; the conference ends at 14:00.
    conference = Conference(
        "Code4Lib", ("c4l27",), "UTC", start=datetime(2024, 3, 4, 9, tzinfo=UTC), end=datetime(2024, 3, 5, 14, tzinfo=UTC)
    )
    context = CollectContext(conference=conference, data_dir=tmp_path)

    def collect(margin: str) -> set[str]:
        collector = mastodon_collector(tmp_path, context, path=MASTODON_DATA, margin=margin)
        return {p.id for p in collector.collect(SourceState()).posts}

    assert collect("30m") == set()
    assert collect("2h") == {ROOT, CONTINUATION, SECOND_CONTINUATION, BOBS_POST}
    assert MastodonOptions(type="mastodon", instances=("a.example",), margin="36h").margin == timedelta(hours=36)


def test_others_replies_are_kept_as_conversation_by_default() -> None:
    assert MastodonOptions(type="mastodon", instances=("a.example",)).replies == "all"
