"""The Pagefind search index: built with every build, and its absence never breaks one."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from aggregator.site import search
from aggregator.site.pages import render_site
from tests.site.builders import build_digest


def test_the_index_is_built_beside_the_pages(tmp_path: Path) -> None:
    report = render_site(build_digest(), tmp_path / "out")
    assert report.search_index
    assert (tmp_path / "out" / "pagefind" / "pagefind.js").is_file()
    page = (tmp_path / "out" / "search.html").read_text(encoding="utf-8")
    assert '<script src="static/search.js"></script>' in page


def test_without_the_binary_the_build_succeeds_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(search, "find_pagefind", lambda: None)
    with caplog.at_level(logging.WARNING):
        report = render_site(build_digest(), tmp_path / "out")
    assert not report.search_index
    assert not (tmp_path / "out" / "pagefind").exists()
    assert "no search index" in caplog.text and "pagefind[bin]" in caplog.text
    page = (tmp_path / "out" / "search.html").read_text(encoding="utf-8")
    assert "Search is not available" in page and "search.js" not in page


def test_a_failing_binary_leaves_no_half_index(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    result = search.build_search_index(site, executable=Path("/bin/false"))
    assert not result.built and "pagefind failed" in result.message
    assert not (site / "pagefind").exists()
