"""The Pagefind search index: built with every build, and its absence never breaks one."""

from __future__ import annotations

import gzip
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from aggregator import pipeline
from aggregator.collectors import SourceState
from aggregator.config.model import load_config
from aggregator.site import search
from aggregator.site.pages import render_site
from aggregator.store.sqlite import Store
from tests.site.builders import BLOG, HALLWAY, ROOT, build_digest


def indexed_text(site: Path) -> str:
    """Everything the Pagefind index holds about the pages (its fragments are gzipped JSON)."""
    fragments = sorted((site / "pagefind" / "fragment").glob("*.pf_fragment"))
    assert fragments
    return "\n".join(gzip.decompress(path.read_bytes()).decode("utf-8") for path in fragments)


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


def test_the_index_also_comes_as_one_script_for_readers_on_file(tmp_path: Path) -> None:
    render_site(build_digest(), tmp_path / "out")
    bundle = (tmp_path / "out" / "pagefind" / search.FILE_BUNDLE).read_text(encoding="utf-8")
    assert "window.pagefindFromFile = {" in bundle and "import.meta" not in bundle
    assert '"pagefind-entry.json":' in bundle and "fragment/" in bundle
    assert bundle.rstrip().endswith("}());")  # a classic script: the module's export list is gone


def test_pagefinds_without_the_expected_shape_give_no_file_bundle(tmp_path: Path) -> None:
    (tmp_path / "pagefind.js").write_text("import x from './y.js'; console.log(x);\n", encoding="utf-8")
    assert not search.write_file_bundle(tmp_path)
    assert not (tmp_path / search.FILE_BUNDLE).exists()


def test_deleted_and_opted_out_posts_never_enter_the_index(tmp_path: Path, write_config: Callable[[str], Path]) -> None:
    config = load_config(
        write_config(
            f"""
            conference: {{name: "LibCamp", hashtags: ["#libcamp27"], timezone: America/Chicago}}
            output: {tmp_path / "out"}
            data_dir: {tmp_path / "data"}
            sources:
              - {{type: bluesky, name: bluesky, query: "#libcamp27"}}
            """
        )
    )
    with Store(config.data_dir) as store:
        store.save_collected("bluesky", "bluesky", [ROOT, HALLWAY, BLOG], deleted=[], state=SourceState())
        store.save_collected("bluesky", "bluesky", [], deleted=[HALLWAY.id], state=SourceState())
        store.save_collected("bluesky", "bluesky", [], deleted=[BLOG.id], withheld=[BLOG.id], state=SourceState())
        pipeline.build_site(config, store)
    text = indexed_text(tmp_path / "out")
    assert "libraries are infrastructure" in text  # the live post is there
    assert HALLWAY.text not in text and "Lunch queue" not in text  # deleted by its author
    assert BLOG.text not in text and "learned about metadata" not in text  # opted out
