"""A live-thread split across two consecutive talks (issue #8): each part on its own session page,
both pages linking to the other part, and the exports filing every post once, under its part's session."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aggregator.assignment import AssignmentSettings, assign
from aggregator.models import Digest
from aggregator.site.pages import post_anchor, render_site
from aggregator.threads import build_threads
from tests.assignment.builders import USER_2019
from tests.assignment.test_thread_across_two_sessions import PROGRAMME, RUNS_ON_INTO_DPLYR


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    placements = assign(build_threads(RUNS_ON_INTO_DPLYR), PROGRAMME, USER_2019, AssignmentSettings())
    digest = Digest(USER_2019, PROGRAMME, placements, generated_at=datetime(2019, 7, 13, tzinfo=UTC))
    out = tmp_path_factory.mktemp("split") / "out"
    render_site(digest, out)
    return out


def _continuation_links(page: str) -> list[tuple[str, str]]:
    """(href, text) of every link in the page's thread-continuation lists."""
    lists = re.findall(r'<ul class="thread-continuations">(.*?)</ul>', page, re.DOTALL)
    return [(href, text) for block in lists for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', block)]


def test_both_session_pages_link_to_the_other_part(site: Path) -> None:
    first_part, second_part = RUNS_ON_INTO_DPLYR[0], RUNS_ON_INTO_DPLYR[2]
    tidy = (site / "sessions" / "tidy.html").read_text(encoding="utf-8")
    dplyr = (site / "sessions" / "dplyr.html").read_text(encoding="utf-8")
    assert _continuation_links(tidy) == [(f"dplyr.html#{post_anchor(second_part)}", "n() cool #dplyr things")]
    assert _continuation_links(dplyr) == [(f"tidy.html#{post_anchor(first_part)}", "Enhancements to data tidying")]
    assert "Continued in" in tidy and "Continued from" in dplyr
    assert f'id="{post_anchor(second_part)}"' in dplyr and f'id="{post_anchor(first_part)}"' in tidy


def test_exports_file_each_post_once_under_its_parts_session(site: Path) -> None:
    exported = json.loads((site / "sessions.json").read_text(encoding="utf-8"))
    filed = {post["id"]: s["id"] for s in exported["sessions"] for post in s["posts"]}
    assert filed == {"a1": "tidy", "a2": "tidy", "a3": "dplyr", "a4": "dplyr"}
    threads = {t["id"]: t for s in exported["sessions"] for t in s["threads"]}
    assert threads["a1"]["continued_in"] == "a3" and "continued_from" not in threads["a1"]
    assert threads["a3"]["continued_from"] == "a1" and "continued_in" not in threads["a3"]
    rows = list(csv.DictReader(io.StringIO((site / "posts.csv").read_text(encoding="utf-8"))))
    assert {row["id"]: (row["session_id"], row["thread_id"]) for row in rows} == {
        "a1": ("tidy", "a1"), "a2": ("tidy", "a1"), "a3": ("dplyr", "a3"), "a4": ("dplyr", "a3"),
    }
    assert len(rows) == 4
