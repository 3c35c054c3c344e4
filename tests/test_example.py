"""The bundled offline example end to end: captures in sync with their generator, a believable
site built with no network, nobody who opted out published, and the assignment scored."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aggregator import pipeline
from aggregator.config.model import load_config
from aggregator.evaluation.metrics import score
from aggregator.models import Digest
from aggregator.site.pages import render_site
from aggregator.store.sqlite import Store
from tests.assignment.golden import assert_assignment_matches_golden, with_golden_sessions
from tests.paths import DATA, EXAMPLE
from tests.site.golden import assert_matches_golden

GOLDEN_PAGE = DATA / "example" / "index.html"  # rendering: HTML bytes of the golden assignment
GOLDEN_ASSIGNMENT = DATA / "example" / "assignment.tsv"  # assignment: which post is filed where
FIXED_NOW = datetime(2026, 6, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def digest(tmp_path_factory: pytest.TempPathFactory) -> Digest:
    """The example collected from its saved captures and assigned, not rendered."""
    work = tmp_path_factory.mktemp("shelfcon-data")
    config = load_config(EXAMPLE / "sources.yaml").model_copy(update={"data_dir": work})
    with Store(config.data_dir) as store:
        report = pipeline.collect_sources(config, store)
        assert not report.failed, [s.summary() for s in report.failed]
        return pipeline.make_digest(config, store.posts(), clock=lambda: FIXED_NOW)


@pytest.fixture(scope="module")
def built(digest: Digest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's site as the engine assigns it, built into a temporary folder."""
    output = tmp_path_factory.mktemp("shelfcon") / "output"
    render_site(digest, output)
    return output


def test_captures_match_their_generator_and_validate() -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLE / "generate.py"), "--check"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_site_has_every_session_and_page(built: Path) -> None:
    export = json.loads((built / "sessions.json").read_text())
    assert len(export["sessions"]) == 34
    assert sum(len(s["posts"]) for s in export["sessions"]) > 200
    for page in ("index.html", "hallway.html", "feed.rss", "feed.atom"):
        assert (built / page).is_file()
    assert len(list((built / "sessions").glob("*.html"))) == 34


def test_opted_out_authors_appear_nowhere(built: Path) -> None:
    excluded = [r["id"] for r in csv.DictReader((EXAMPLE / "labels.csv").open()) if r["session"] == "EXCLUDED"]
    dids = {post_id.split("/")[2] for post_id in excluded}
    assert dids
    for path in built.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            for did in dids:
                assert did not in text, f"{did} leaked into {path}"


def test_assignment_reaches_the_target_on_the_example(built: Path) -> None:
    metrics = score(EXAMPLE / "labels.csv", json.loads((built / "sessions.json").read_text()))
    assert metrics.optout_published == 0
    assert metrics.accuracy >= 0.93


def test_assignment_matches_the_golden_table(digest: Digest) -> None:
    assert_assignment_matches_golden(digest, GOLDEN_ASSIGNMENT)


def test_index_of_the_golden_assignment_matches_the_golden_page(digest: Digest, tmp_path: Path) -> None:
    render_site(with_golden_sessions(digest, GOLDEN_ASSIGNMENT), tmp_path / "output")
    assert_matches_golden((tmp_path / "output" / "index.html").read_text(encoding="utf-8"), GOLDEN_PAGE)


def test_posts_csv_matches_sessions_json_and_engagement_is_stored(built: Path) -> None:
    export = json.loads((built / "sessions.json").read_text())
    exported = [p for s in export["sessions"] for p in s["posts"]] + export["unassigned"]
    with (built / "posts.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["id"] for row in rows] == [post["id"] for post in exported]
    engaged = {post["source"] for post in exported if sum(post["engagement"].values()) > 0}
    assert {"bluesky", "mastodon"} <= engaged  # counts read from both services' answers survive the store
    assert all(row["created_at_local"].endswith(("+02:00", "+01:00")) for row in rows)  # Europe/Amsterdam


def test_pages_for_days_and_highlights_exist(built: Path) -> None:
    assert len(list((built / "days").glob("*.html"))) >= 2
    pages = [p.read_text(encoding="utf-8") for p in (built / "sessions").glob("*.html")]
    assert sum('class="highlights"' in page for page in pages) >= 20
    assert any("Most-engaged posts" in page for page in pages)
    assert any("Slides and recordings" in page for page in pages)
