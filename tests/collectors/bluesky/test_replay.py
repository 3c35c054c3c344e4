"""``path:`` replay of saved searchPosts / getPostThread / getAuthorFeed answers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from aggregator.collectors import CollectContext, SourceState
from aggregator.collectors.bluesky.collector import BlueskyCollector, BlueskyOptions
from aggregator.errors import SourceError
from aggregator.models import Conference
from tests.collectors.bluesky.fakes import CONFERENCE
from tests.paths import SHARED

SAVED = Path(__file__).parent / "data" / "saved"
ANA = "at://did:plc:ncbjvrk6ua35obvf7u5eyznq/app.bsky.feed.post/"
BEN = "at://did:plc:iywvq2myi2qvpgwuhi7pw7cy/app.bsky.feed.post/"
ROOT, C1, C2, OTHER = ANA + "3lfake0000001", ANA + "3lfake0000002", ANA + "3lfake0000004", BEN + "3lfake0000003"
HIDDEN = "at://did:plc:4yvuen3d3oqytsvg3igtdrvj/app.bsky.feed.post/3lfake0000005"
SENSITIVE, LONE = BEN + "3lfake0000006", BEN + "3lfake0000007"


def replay(path: Path, conference: Conference = CONFERENCE, **options):
    context = CollectContext(conference=conference, data_dir=path.parent)
    collector = BlueskyCollector(BlueskyOptions(type="bluesky", path=path, **options), context)
    return collector.collect(SourceState())


def ids(result) -> set[str]:
    return {post.id for post in result.posts}


def test_a_folder_of_saved_answers_reads_like_live_ones() -> None:
    result = replay(SAVED, replies="self")
    # the thread file adds C2; the repost in the author feed adds nothing new; nothing is filtered by hashtag
    assert ids(result) == {ROOT, C1, C2, LONE}
    assert set(result.deleted) == {HIDDEN, SENSITIVE}
    keynote = next(p for p in result.posts if p.id == C2)
    assert keynote.media[0].alt == "Slide: metadata everywhere"


def test_replies_policy_applies_to_saved_threads() -> None:
    assert OTHER in ids(replay(SAVED / "getPostThread-keynote.json"))  # default: others' replies kept
    assert ids(replay(SAVED / "getPostThread-keynote.json", replies="self")) == {ROOT, C1, C2}


def test_sensitive_warn_keeps_the_post_with_a_warning() -> None:
    result = replay(SAVED / "searchPosts-0001.json", sensitive="warn")
    warned = next(p for p in result.posts if p.id == SENSITIVE)
    assert warned.content_warning == "Sensitive content: nudity"
    assert set(result.deleted) == {HIDDEN}


def test_reposts_in_saved_feeds_are_not_posts() -> None:
    assert ids(replay(SAVED / "getAuthorFeed-ben.json")) == {LONE}


def test_window_applies_to_replayed_answers() -> None:
    assert ids(replay(SAVED, until="2025-06-02T09:01:30Z")) == {ROOT}


def test_invalid_saved_answers_are_reported_with_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "searchPosts-0001.json"
    broken.write_text(json.dumps({"posts": [{"uri": "at://x"}]}))
    with pytest.raises(SourceError, match="searchPosts-0001.json"):
        replay(broken)
    broken.write_text(json.dumps({"something": []}))
    with pytest.raises(SourceError, match="not a searchPosts"):
        replay(broken)
    with pytest.raises(SourceError, match="no such file"):
        replay(tmp_path / "missing")


def test_options_are_strict() -> None:
    with pytest.raises(ValidationError):
        BlueskyOptions(type="bluesky", hashtags=["x"], password="nope")
    with pytest.raises(ValidationError):
        BlueskyOptions(type="bluesky")
    with pytest.raises(ValidationError):
        BlueskyOptions(type="bluesky", feed="https://bsky.app/profile/x/feed/y")
    with pytest.raises(ValidationError):
        BlueskyOptions(type="bluesky", hashtags=["x"], exclude_authors=["(unclosed"])
    assert BlueskyOptions(type="bluesky", hashtags=["#X"], margin="36h").margin.total_seconds() == 36 * 3600
    assert BlueskyOptions(type="bluesky", hashtags=["#ShelfCon", "shelfcon"]).hashtags == ("shelfcon",)


@pytest.mark.parametrize("name", ["democon", "39c3"])
def test_evaluation_sets_parse_and_exclude_opted_out_authors(name: str) -> None:
    folder = SHARED / "eval" / name / "bluesky"
    if not folder.is_dir():
        pytest.skip(f"{folder} is not on this machine")
    with (folder.parent / "labels.csv").open(encoding="utf-8") as handle:
        labels = {row["id"]: row["session"] for row in csv.DictReader(handle) if row["source"] == "bluesky"}
    excluded = {uri for uri, session in labels.items() if session == "EXCLUDED"}

    result = replay(folder, Conference(name=name, hashtags=(name,), timezone="UTC"))

    assert ids(result) == set(labels) - excluded
    assert set(result.deleted) == excluded


@pytest.mark.parametrize(
    ("sample", "published"),
    [
        ("atrrr-searchPosts-q_rstats-limit100.json", 98),  # one !no-unauthenticated author, one graphic-media post
        ("atrrr-getAuthorFeed-andrew.heiss.phd.json", 15),  # 25 items, 10 of them reposts
        ("marshalx-getPostThread-recordWithMedia.json", 1),
    ],
)
def test_real_samples_parse(sample: str, published: int) -> None:
    path = SHARED / "samples" / "bluesky" / sample
    if not path.is_file():
        pytest.skip(f"{path} is not on this machine")
    result = replay(path, Conference(name="x", hashtags=(), timezone="UTC"))
    assert len(result.posts) == published


def test_posts_without_a_readable_time_are_skipped(tmp_path: Path) -> None:
    page = json.loads((SAVED / "searchPosts-0001.json").read_text(encoding="utf-8"))
    page["posts"][0]["indexedAt"] = page["posts"][0]["record"]["createdAt"] = "yesterday-ish"
    saved = tmp_path / "searchPosts-0001.json"
    saved.write_text(json.dumps(page), encoding="utf-8")
    assert LONE not in ids(replay(saved)) and ROOT in ids(replay(saved))
