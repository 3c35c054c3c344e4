"""Every folder of golden pages carries its regeneration policy, and a changed page prints a readable diff."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.paths import DATA, REPO
from tests.site.golden import assert_matches_golden

GOLDEN_FOLDERS = (REPO / "tests" / "site" / "data", DATA / "example")


@pytest.mark.parametrize("folder", GOLDEN_FOLDERS, ids=lambda folder: str(folder.relative_to(REPO)))
def test_the_policy_sits_beside_the_golden_pages(folder: Path) -> None:
    assert list(folder.glob("*.html")), folder
    policy = (folder / "README.md").read_text(encoding="utf-8")
    assert "UPDATE_GOLDEN=1" in policy and "git diff" in policy and "Commit the golden file" in policy


def test_a_changed_page_prints_a_unified_diff(tmp_path: Path) -> None:
    golden = tmp_path / "page.html"
    golden.write_text("<h1>Programme</h1>\n<p>3 posts</p>\n", encoding="utf-8")
    with pytest.raises(AssertionError) as failure:
        assert_matches_golden("<h1>Programme</h1>\n<p>4 posts</p>\n", golden)
    message = str(failure.value)
    assert "-<p>3 posts</p>" in message and "+<p>4 posts</p>" in message and "UPDATE_GOLDEN=1" in message
